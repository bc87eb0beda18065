import { FAMILIES, timeFamilies } from './bench/adversarial.js'
import { loadRules } from './src/rules/load.js'
import { screen } from './src/screening/screen.js'
const { ruleset } = await loadRules('./rules')
const fams = FAMILIES.filter(f => process.argv.slice(2).includes(f.name))
for (let k = 0; k < 3; k++) for (const r of timeFamilies((text) => screen({ text }, ruleset), [1000, 10000, 100000], { rounds: 3, budget: 100000, families: fams })) console.log(r.name, Object.values(r.ms).map(x => x.toFixed(2)), r.ratios.map(x => x.toFixed(1)))
