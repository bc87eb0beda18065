// Screening costs linear time on every input a hostile user can build (issue: one request
// with 3,200 spelled-out letters once took 25 s). Each adversarial family is timed at 1,000,
// 10,000 and 100,000 characters: time must grow about tenfold per step. The bounds are
// generous (15× per step, 50 ms for a 10,000-character text) so that they catch a
// super-linear stage, not a busy machine: times are CPU time, and a failing family is
// timed up to three more times before the test says so (one round each: the retries
// absorb a noisy round, and a second round for every family doubled the cost of the
// suite's slowest file). A quadratic
// stage is 100× per step, and fails every time (the last test shows the check can fail).
import t from 'tap'
import { FAMILIES, MAX_UNIT, timeFamilies, type Family, type FamilyTiming } from '../../bench/adversarial.js'
import { screen } from '../../src/screening/screen.js'
import { loadRules } from '../../src/rules/load.js'
import { MODEL_DIR, RULES_DIR } from '../helper.js'

const LENGTHS = [1000, 10000, 100000]
const MAX_STEP_RATIO = 15
const MAX_MS_AT_10K = 50

// The rules as the service runs them, learned scorer included.
const { ruleset } = await loadRules(RULES_DIR, { models: MODEL_DIR })
const run = (text: string): unknown => screen({ text }, ruleset)
const time = (family: Family): FamilyTiming => timeFamilies(run, LENGTHS, { rounds: 1, budget: 100000, families: [family] })[0]!
const problems = (r: FamilyTiming): string[] => [
  ...r.ratios.flatMap((ratio, i) => ratio > MAX_STEP_RATIO ? [`${LENGTHS[i + 1]}/${LENGTHS[i]} ratio ${ratio.toFixed(1)}`] : []),
  ...(r.ms[10000]! > MAX_MS_AT_10K ? [`${r.ms[10000]!.toFixed(1)} ms at 10,000 characters`] : [])
]

t.test('every family is generated at the length asked for', async (t) => {
  for (const f of FAMILIES) {
    const text = f.make(10000)
    t.ok(text.length > 10000 - MAX_UNIT && text.length <= 10000, `${f.name}: ${text.length} characters`)
  }
})

t.test('screening time grows linearly on every adversarial family', async (t) => {
  for (const family of FAMILIES) {
    let r = time(family)
    for (let retry = 0; retry < 3 && problems(r).length > 0; retry++) r = time(family)
    const ms = LENGTHS.map((l) => `${r.ms[l]!.toFixed(2)} ms`).join(', ')
    t.same(problems(r), [], `${family.name}: ${ms}`)
  }
})

t.test('a super-linear stage would fail the check', async (t) => {
  // The check itself must be able to fail: a quadratic function of the text's length.
  const quadratic = (text: string): number => {
    let x = 0
    const n = Math.floor(text.length / 20)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) x += i ^ j
    return x
  }
  const [r] = timeFamilies(quadratic, LENGTHS, { rounds: 1, budget: 30000, families: [FAMILIES[0]!] })
  t.ok(problems(r!).length > 0, `quadratic work is caught (ratios ${r!.ratios.map((x) => x.toFixed(0)).join(', ')})`)
})
