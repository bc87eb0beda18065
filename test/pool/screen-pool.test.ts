// Long comments screened on worker threads: the same answer as on the main thread, with
// the same rules version, and never an answer from another version.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadRules } from '../../src/rules/load.js'
import { RulesStore } from '../../src/rules/store.js'
import { screen } from '../../src/screening/screen.js'
import { ScreenPool, openScreenPool } from '../../src/pool/screen-pool.js'
import { MODEL_DIR, RULES_DIR } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'

// Longer than one window (4,096 characters), as the service sends to the pool.
const TEXT = 'You are an idiot and a liar, and everyone on this thread knows it. '.repeat(80)

t.test('a worker answers as the main thread does, with the learned scorer on', async (t) => {
  const { ruleset } = await loadRules(RULES_DIR, { models: MODEL_DIR })
  const pool = new ScreenPool({ threads: 1, rulesDir: RULES_DIR, loadOptions: { models: MODEL_DIR } })
  t.teardown(async () => { await pool.close() })
  const answer = await pool.screen({ text: TEXT, context: { people: ['Jane Smith'] } }, ruleset.version)
  t.same(answer, screen({ text: TEXT, context: { people: ['Jane Smith'] } }, ruleset))
  t.ok(answer!.screening.flags.length > 0, 'the comment is flagged')
  t.not(answer!.screening.modelVersion, null, 'by the rules and the learned scorer')
  t.same(pool.counts, { answered: 1, fellBack: 0 })
})

t.test('a version the worker cannot load is handed back to the main thread', async (t) => {
  const dir = await copyRules(t)
  const before = (await loadRules(dir)).ruleset
  const pool = new ScreenPool({ threads: 1, rulesDir: dir, loadOptions: {} })
  t.teardown(async () => { await pool.close() })
  t.ok(await pool.screen({ text: TEXT }, before.version), 'answered with the folder as it is')

  // The main thread loads a change, and the folder changes again before the worker loads it.
  edit(dir, 'lists/insults.txt', (text) => `${text}\nzebra\n`)
  const loaded = (await loadRules(dir)).ruleset
  edit(dir, 'lists/insults.txt', (text) => `${text}\ngiraffe\n`)
  t.equal(await pool.screen({ text: TEXT }, loaded.version), undefined, 'not answered with other rules than the main thread\'s')
  const latest = (await loadRules(dir)).ruleset
  const answer = await pool.screen({ text: `${TEXT} giraffe`, context: {} }, latest.version)
  t.equal(answer?.screening.rulesVersion, latest.version, 'answered once the main thread has the same version')
  t.ok(answer?.screening.flags.some((f) => f.text === 'giraffe'), 'with the new word')

  // A broken folder: the main thread keeps its last good set and screens by itself.
  edit(dir, 'policy.yaml', () => 'policy: [')
  t.equal(await pool.screen({ text: TEXT }, 'another-version'), undefined)
  t.same(pool.counts, { answered: 2, fellBack: 2 })
})

t.test('a closed pool answers nothing, and the main thread screens', async (t) => {
  const pool = new ScreenPool({ threads: 1, rulesDir: RULES_DIR, loadOptions: {} })
  await pool.close()
  t.equal(await pool.screen({ text: TEXT }, 'any'), undefined)
  t.same(pool.counts, { answered: 0, fellBack: 1 })
})

t.test('threads that cannot start leave the main thread to screen, without ending the process', async (t) => {
  const errors: Error[] = []
  const pool = new ScreenPool({ threads: 1, rulesDir: RULES_DIR, loadOptions: {}, entry: new URL('./no-such-worker.js', import.meta.url).href, onBroken: (err) => errors.push(err) })
  t.equal(await pool.screen({ text: TEXT }, 'any'), undefined, 'the comment is handed back')
  t.equal(await pool.screen({ text: TEXT }, 'any'), undefined, 'and so is every later one, without trying the threads again')
  await pool.warm('any')
  t.equal(errors.length, 1, 'the failure is told once')
  t.same(pool.counts, { answered: 0, fellBack: 2 })
  await pool.close()
})

t.test('the service pool loads each new version before a long comment asks for it', async (t) => {
  const dir = await copyRules(t)
  const rules = await RulesStore.open(dir)
  t.equal(openScreenPool(0, rules), undefined, 'no threads, no pool')
  const pool = openScreenPool(1, rules)!
  t.teardown(async () => { await pool.close() })
  const changed = new Promise<string>((resolve) => { rules.onChange(resolve) })
  edit(dir, 'lists/insults.txt', (text) => `${text}\nzebra\n`)
  t.ok(await rules.reload())
  const version = await changed
  t.equal(version, rules.current.ruleset.version, 'listeners hear the new version')
  // warm() is what the service calls on a change; once it resolves, the thread holds the
  // version, and the folder can change again without the pool falling back.
  await pool.warm(version)
  edit(dir, 'lists/insults.txt', (text) => `${text}\ngiraffe\n`)
  const answer = await pool.screen({ text: `${TEXT} zebra` }, version)
  t.equal(answer?.screening.rulesVersion, version, 'answered with the warmed version, not the files on disk')
})

t.test("a site's rules (its overlay) are screened on a worker with that site's version", async (t) => {
  const dir = await copyRules(t)
  mkdirSync(join(dir, 'sites', 'other', 'lists'), { recursive: true })
  writeFileSync(join(dir, 'sites', 'other', 'lists.yaml'), 'lists:\n  - { id: local, file: lists/local.txt, category: insult, severity: high, mode: always }\n')
  writeFileSync(join(dir, 'sites', 'other', 'lists', 'local.txt'), 'zebra\n')
  const loaded = await loadRules(dir)
  const site = loaded.sites.other!.ruleset
  const pool = new ScreenPool({ threads: 1, rulesDir: dir, loadOptions: {} })
  t.teardown(async () => { await pool.close() })
  const answer = await pool.screen({ text: `${TEXT} zebra` }, site.version)
  t.equal(answer?.screening.rulesVersion, site.version)
  t.ok(answer?.screening.flags.some((f) => f.rule === 'list:local'), "the site's own word is flagged")
  const shared = await pool.screen({ text: `${TEXT} zebra` }, loaded.ruleset.version)
  t.notOk(shared?.screening.flags.some((f) => f.rule === 'list:local'), 'the shared version does not have it')
})
