import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRedis, buildTestApp, auth, KEYS, startServer, API_KEYS, until } from '../helper.js'
import { copyRules, edit } from './helper.js'
import { RulesStore } from '../../src/rules/store.js'
import { loadRules } from '../../src/rules/load.js'

const redis = await startRedis(t)
const admin = auth(KEYS.admin)

// Two rule sets that disagree on two words, so a response shows which set judged it.
const ZEBRA = '# test insults\nidiot\nzebra\n'
const GIRAFFE = '# test insults\nidiot\ngiraffe\n'

t.test('reload while requests run: none fails, none sees mixed rules', async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'lists/insults.txt', () => ZEBRA)
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir, RATE_LIMIT_MAX: '100000' })
  const versions = new Map<string, 'zebra' | 'giraffe'>()
  versions.set(app.rules.status().version, 'zebra')

  let stop = false
  const swapper = (async () => {
    for (let i = 0; !stop; i++) {
      const which = i % 2 === 0 ? 'giraffe' : 'zebra'
      edit(dir, 'lists/insults.txt', () => (which === 'zebra' ? ZEBRA : GIRAFFE))
      const res = await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: admin })
      t.equal(res.statusCode, 200)
      versions.set(res.json().version, which)
      await sleep(1)
    }
  })()
  const results: Array<{ status: number, version: string, flagged: string[] }> = []
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 40; i++) {
      const res = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'zebra and giraffe' } })
      const body = res.json()
      results.push({ status: res.statusCode, version: body.screening.rulesVersion, flagged: body.screening.flags.map((f: { text: string }) => f.text) })
    }
  }))
  stop = true
  await swapper
  t.equal(versions.size, 2, 'the rules really switched back and forth')
  t.equal(results.filter((r) => r.status !== 200).length, 0, 'no request failed')
  const mixed = results.filter((r) => r.flagged.length !== 1 || r.flagged[0] !== versions.get(r.version))
  t.same(mixed, [], 'every answer is wholly one rule set: the word it flags matches its version')
  t.ok(results.every((r) => versions.has(r.version)), 'every answer names one of the two rule sets')
})

t.test('a broken edit is kept out and reported; the last good rules keep running', async (t) => {
  const dir = await copyRules(t)
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  const good = (await app.inject({ url: '/v1/rules', headers: admin })).json()
  t.equal(good.lastError, null)
  t.same(good.counts.lists, { insults: 2, allegations: 2 })

  edit(dir, 'policy.yaml', (s) => s.replace('defaultLane: high', 'defaultLane: later'))
  edit(dir, 'lists/insults.txt', (s) => s + 'dunce\n')
  const res = await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: admin })
  t.equal(res.statusCode, 422)
  t.equal(res.json().version, good.version, 'still the old version')
  t.same(res.json().lastError.problems, [{ file: 'policy.yaml', line: 4, message: 'defaultLane must be one of: urgent, high, normal, low' }])
  const status = (await app.inject({ url: '/v1/rules', headers: admin })).json()
  t.match(status.lastError.message, /policy\.yaml:4/)
  const ready = (await app.inject({ url: '/readyz' })).json()
  t.equal(ready.rulesVersion, good.version)
  t.match(ready.rulesError, /policy\.yaml:4/)
  const screened = (await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'you dunce' } })).json()
  t.same(screened.screening.flags, [], 'the half-made edit (dunce) is not live')
  t.equal(screened.screening.rulesVersion, good.version)

  edit(dir, 'policy.yaml', (s) => s.replace('defaultLane: later', 'defaultLane: high'))
  const fixed = await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: admin })
  t.equal(fixed.statusCode, 200)
  t.equal(fixed.json().lastError, null)
  t.not(fixed.json().version, good.version)
  const now = (await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'you dunce' } })).json()
  t.equal(now.screening.flags[0].text, 'dunce')
  t.equal((await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: auth(KEYS.alice) })).statusCode, 403)
})

t.test('the folder is watched through every kind of save, deletion and replacement', async (t) => {
  const dir = await copyRules(t)
  const store = await RulesStore.open(dir)
  t.teardown(async () => { await store.close() })
  store.watch(50)
  store.watch(50) // a second call is harmless
  await store.watchReady()
  const insults = join(dir, 'lists/insults.txt')
  const has = (word: string) => (): boolean => store.current.ruleset.lexicon.wordsByList.get('insults')?.has(word) === true
  const append = (word: string): void => { writeFileSync(insults, `${readFileSync(insults, 'utf8')}${word}\n`) }
  // As editors and `sed -i` save: a new file renamed over the old one.
  const renameSave = (word: string): void => {
    writeFileSync(`${insults}.tmp`, `${readFileSync(insults, 'utf8')}${word}\n`)
    renameSync(`${insults}.tmp`, insults)
  }

  append('nincompoop')
  await until(t, 'an in-place write reloads', has('nincompoop'))
  renameSave('blatherskite')
  await until(t, 'a rename-save in a subfolder reloads', has('blatherskite'))
  append('mumpsimus')
  await until(t, 'and later writes to the same file still do', has('mumpsimus'))

  const saved = readFileSync(insults, 'utf8')
  rmSync(insults)
  await until(t, 'a deleted list file is reported', () => store.status().lastError !== null)
  t.ok(has('mumpsimus')(), 'while the last good rules keep running')
  writeFileSync(insults, `${saved}snollygoster\n`)
  await until(t, 'putting it back reloads and clears the error', () => has('snollygoster')() && store.status().lastError === null)

  // The folder replaced whole, as a deployment or a ConfigMap update does.
  renameSync(dir, `${dir}.old`)
  t.teardown(() => { rmSync(`${dir}.old`, { recursive: true, force: true }) })
  await until(t, 'a deleted folder is reported', () => store.status().lastError !== null)
  cpSync(`${dir}.old`, dir, { recursive: true })
  append('lickspittle')
  await until(t, 'a folder made again is watched again', () => has('lickspittle')() && store.status().lastError === null)
  append('quidnunc')
  await until(t, 'and keeps being watched', has('quidnunc'))

  // Five seconds of churn: every kind of change, one after another, at random.
  let n = 0
  for (const end = Date.now() + 5000; Date.now() < end; n++) {
    const word = `churnword${n}`
    if (n % 3 === 0) append(word)
    else if (n % 3 === 1) renameSave(word)
    else { const text = readFileSync(insults, 'utf8'); rmSync(insults); writeFileSync(insults, `${text}${word}\n`) }
    await sleep(n % 7 === 0 ? 120 : 15)
  }
  const fresh = (await loadRules(dir)).ruleset.version
  await until(t, `after ${n} changes, the running version is a fresh load's`, () => store.status().version === fresh && store.status().lastError === null)

  // The published JSON Schemas are not rules: the watcher sees a write there and leaves it.
  const ignored = store.ignoredSchemaChanges
  mkdirSync(join(dir, 'schemas'), { recursive: true })
  writeFileSync(join(dir, 'schemas/lists.schema.json'), '{}\n')
  await until(t, 'a write under schemas/ is seen and is not a rules change', () => store.ignoredSchemaChanges > ignored)
})

t.test('concurrent reloads run one at a time and end on the latest files', async (t) => {
  const dir = await copyRules(t)
  const store = await RulesStore.open(dir)
  edit(dir, 'lists/insults.txt', (s) => s + 'oaf\n')
  const results = await Promise.all([store.reload(), store.reload(), store.reload()])
  t.same(results, [true, true, true])
  t.ok(store.current.ruleset.lexicon.wordsByList.get('insults')!.has('oaf'))
  const a = await store.reload()
  t.ok(a)
})

t.test('SIGHUP reloads a running service; /readyz shows each replica its version', async (t) => {
  const dir = await copyRules(t)
  const p = startServer(t, { REDIS_URL: redis.url, API_KEYS, RULES_DIR: dir, RULES_WATCH: 'false' })
  const base = await p.address
  const version = async (path: string, headers = {}): Promise<string> => ((await (await fetch(`${base}${path}`, { headers })).json()) as { rulesVersion?: string, version?: string }).rulesVersion ?? ''
  const before = await version('/readyz')
  edit(dir, 'lists/insults.txt', (s) => s + 'blockhead\n')
  p.child.kill('SIGHUP')
  let after = before
  await until(t, 'the new version is live', async () => (after = await version('/readyz')) !== before)
  t.match(p.output(), /rules reloaded/)
  const status = await (await fetch(`${base}/v1/rules`, { headers: admin })).json() as { version: string }
  t.equal(status.version, after)
})
