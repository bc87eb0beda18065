// Loading a large rule set must not hold up the requests served meanwhile: compiling runs
// in slices with the event loop free between them (src/rules/cooperative.ts).
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCooperatively, SLICE_MS } from '../src/cooperative.js'
import { loadRules } from '../src/rules/load.js'
import { runSteps, type Steps } from '../src/screening/steps.js'
import { screen } from '../src/screening/screen.js'
import { copyRules, edit } from './rules/helper.js'
import { longestStall } from './stall.js'

/** 400 steps of 1 ms of busy work each: 400 ms in all. */
function * busy (): Steps<number> {
  let steps = 0
  for (let i = 0; i < 400; i++) {
    const until = performance.now() + 1
    while (performance.now() < until);
    steps++
    yield
  }
  return steps
}

t.test('steps run to the same result straight through or in slices', async (t) => {
  const straight = await longestStall(async () => runSteps(busy()))
  t.equal(straight.result, 400)
  const sliced = await longestStall(async () => await runCooperatively(busy()))
  t.equal(sliced.result, 400)
  // 400 ms of work in slices of SLICE_MS: the loop turns about once a slice, however busy
  // the machine (a loaded CI machine once stretched one gap to 177 ms, so the check is on
  // the turns, and on the stall only against the straight run measured just before).
  t.ok(sliced.turns >= 20, `the loop turned ${sliced.turns} times with slices of ${SLICE_MS} ms (straight through: ${straight.turns})`)
  t.ok(sliced.stallMs < straight.stallMs, `longest stall ${sliced.stallMs.toFixed(0)} ms, against ${straight.stallMs.toFixed(0)} ms straight through`)
})

t.test('a 300,000-word list loads without stalling the event loop', async (t) => {
  const dir = await copyRules(t)
  const words: string[] = []
  for (let i = 0; i < 300000; i++) words.push('zq' + i.toString(36))
  writeFileSync(join(dir, 'lists/big.txt'), words.join('\n'))
  edit(dir, 'lists.yaml', (y) => y.replace('lists:\n', 'lists:\n  - id: big\n    file: lists/big.txt\n    category: insult\n    severity: low\n    mode: always\n'))
  const { result, stallMs } = await longestStall(async () => await loadRules(dir))
  t.equal(result.ruleset.counts.lists.big, 300000)
  t.same(screen({ text: 'you zq5x8' }, result.ruleset).screening.flags.map((f) => f.text), ['zq5x8'], 'the list is in force')
  // Compiled in one piece this list holds the loop for several seconds. In slices the
  // longest stall is a hash table growing past a power of two (about 100 ms here); the
  // bound catches a return to one piece without failing on a slow machine.
  t.ok(stallMs < 1000, `longest stall ${stallMs.toFixed(0)} ms`)
})
