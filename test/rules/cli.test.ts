import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { main } from '../../src/cli/main.js'
import { schemaJson } from '../../src/cli/commands.js'
import { ListsFile, PatternsFile, PolicyFile, SiteListsFile, SitePolicyFile, TestsFile } from '../../src/rules/schema.js'
import { copyRules, edit, MINI } from './helper.js'
import { NO_CHILD_COVERAGE, ROOT, RULES_DIR, startRedis, buildTestApp, auth, KEYS, comment, tempDir } from '../helper.js'

t.test('check', async (t) => {
  const ok = await main(['check', MINI])
  t.equal(ok.code, 0)
  t.match(ok.out, /OK, version [0-9a-f]{12}/)
  t.match(ok.out, /lists: insults 2, allegations 2/)
  const dir = await copyRules(t)
  edit(dir, 'lists/insults.txt', (s) => s + 'dolt | severe\n')
  const bad = await main(['check', dir])
  t.equal(bad.code, 1)
  t.equal(bad.out, 'lists/insults.txt:4: "severe" is not a severity (use low, medium, high)')
})

t.test('test: the shipped cases pass on the default rules, and a failing case is shown', async (t) => {
  const shipped = await main(['test', RULES_DIR])
  t.equal(shipped.code, 0, shipped.out)
  t.match(shipped.out, /^\d+ passed, 0 failed/m)
  const dir = await copyRules(t)
  edit(dir, 'tests.yaml', (s) => s + '  - text: What a moron\n    expect: []\n  - text: Fine words\n    expect: []\n    status: approved\n')
  const failing = await main(['test', dir])
  t.equal(failing.code, 1)
  t.match(failing.out, /tests\.yaml:8: "What a moron"\n {4}expected not flagged, got insult \(pending\)\n {4}flags: insult list:insults "moron"/)
  t.match(failing.out, /tests\.yaml:10: "Fine words"\n {4}expected not flagged \(approved\), got not flagged \(pending\)/)
  t.match(failing.out, /3 passed, 2 failed/)
})

t.test('screen highlights each flag in the text', async (t) => {
  const r = await main(['screen', '--rules', MINI, '--people', 'Jane Doe', 'You idiot, the minister is corrupt'])
  t.equal(r.code, 0)
  t.match(r.out, /verdict: pending, lane urgent/)
  t.match(r.out, /You «idiot», the «minister is corrupt»/)
  t.match(r.out, /insult +medium +list:insults +4-9 "idiot"/)
  t.match(r.out, /libel +high +list:allegations +15-34 "minister is corrupt"/)
  t.match((await main(['screen', '--rules', MINI, 'all good here'])).out, /no flags/)
  t.equal((await main(['screen', '--rules', MINI])).code, 2, 'text is required')
})

t.test('backtest: figures computed by hand on a small fixture', async (t) => {
  // Current rules flag "idiot" and "moron"; the proposal drops "moron" and adds "fool".
  const proposed = await copyRules(t)
  edit(proposed, 'lists/insults.txt', () => 'idiot\nfool\n')
  const r = await main(['backtest', '--current', MINI, '--rules', proposed, '--against', join(MINI, 'decisions.jsonl'), '--json'])
  t.equal(r.code, 0)
  const report = JSON.parse(r.out)
  t.equal(report.comments, 6)
  t.equal(report.rejectedByModerators, 3, 'b1, b2, b4')
  // Current: insults fire on b1 (rejected), b2 (rejected), b3 (approved): 2 of 3.
  t.same(report.current.rules, [{ rule: 'list:insults', fired: 3, rejected: 2, precision: 2 / 3 }])
  t.equal(report.current.flagged, 3)
  t.equal(report.current.flaggedAndRejected, 2)
  // Proposed: b1 (rejected), b3 (approved), b4 (rejected), b5 (approved): 2 of 4.
  t.same(report.proposed.rules, [{ rule: 'list:insults', fired: 4, rejected: 2, precision: 0.5 }])
  // b2 loses its flag (high → normal); b4 and b5 gain one (normal → high).
  t.same(report.changes.map((c: { id: string, current: { lane: string }, proposed: { lane: string } }) => `${c.id}:${c.current.lane}>${c.proposed.lane}`), ['b2:high>normal', 'b4:normal>high', 'b5:normal>high'])
  const text = await main(['backtest', '--current', MINI, '--rules', proposed, '--against', join(MINI, 'decisions.jsonl')])
  t.match(text.out, /\| list:insults \| 3 \| 66\.7% \| 4 \| 50\.0% \|/)
  t.match(text.out, /b2 \(moderators: reject\): pending\/high → pending\/normal {2}\[list:insults → no flags\]/)
  t.equal((await main(['backtest', '--rules', proposed])).code, 2, '--against is required')
})

t.test('backtest refuses broken input', async (t) => {
  const dir = await tempDir(t)
  const bad = join(dir, 'bad.jsonl')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(bad, '{"id":"x","text":"hi"}\n')
  await t.rejects(main(['backtest', '--current', MINI, '--rules', MINI, '--against', bad]), { message: /bad\.jsonl:1: each line needs "id", "text" and a decision/ })
  writeFileSync(bad, 'not json\n')
  await t.rejects(main(['backtest', '--current', MINI, '--rules', MINI, '--against', bad]), { message: /bad\.jsonl:1: not a JSON object/ })
  const broken = await copyRules(t)
  edit(broken, 'policy.yaml', (s) => s.replace('defaultLane: high', 'defaultLane: later'))
  const r = await main(['backtest', '--current', MINI, '--rules', broken, '--against', join(MINI, 'decisions.jsonl')])
  t.equal(r.code, 1)
  t.equal(r.out, `proposed rules (${broken}) do not load:\npolicy.yaml:4: defaultLane must be one of: urgent, high, normal, low`, 'the draft is named as the folder at fault')
  const r2 = await main(['backtest', '--current', broken, '--rules', MINI, '--against', join(MINI, 'decisions.jsonl')])
  t.equal(r2.code, 1)
  t.match(r2.out, `current rules (${broken}) do not load:`, 'and so is the current folder')
})

t.test('export from Redis, and backtest straight from Redis', async (t) => {
  const redis = await startRedis(t)
  const { app, config } = await buildTestApp(t, redis.url)
  for (const [id, text] of [['e1', 'You are an idiot'], ['e2', 'Lovely reporting, thank you'], ['e3', "Je ne suis pas d'accord avec cet article, les chiffres sont faux."]]) {
    await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id, text }) })
  }
  const claimed = (await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: {} })).json().items
  t.equal(claimed.length, 2)
  await app.inject({ method: 'POST', url: '/v1/review/e1/decision', headers: auth(KEYS.alice), payload: { decision: 'reject', reason: 'insult' } })
  await app.inject({ method: 'POST', url: '/v1/review/e2/decision', headers: auth(KEYS.alice), payload: { decision: 'approve' } })

  const env = { REDIS_URL: redis.url, REDIS_PREFIX: config.redisPrefix }
  const saved = { ...process.env }
  Object.assign(process.env, env)
  t.teardown(() => { for (const k of Object.keys(env)) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k] } })
  const out = join(await tempDir(t), 'decisions.jsonl')
  const exported = await main(['export', '--out', out])
  t.equal(exported.out, `wrote 3 decided comments to ${out}`)
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.same(rows.map((r) => [r.id, r.status, r.decision.decision, r.decision.reason]), [['e3', 'rejected', 'reject', 'language'], ['e1', 'rejected', 'reject', 'insult'], ['e2', 'approved', 'approve', '']])
  for (const row of rows) t.ok(new Date(row.decision.decidedAt).toISOString() === row.decision.decidedAt, `decidedAt is ISO-8601, as in the API (${row.decision.decidedAt})`)
  t.equal(rows[1].text, 'You are an idiot')
  t.notOk('submittedBy' in rows[0], 'the site key is not exported')

  const fromRedis = await main(['backtest', '--current', RULES_DIR, '--rules', RULES_DIR, '--against', 'redis', '--json'])
  const report = JSON.parse(fromRedis.out)
  t.equal(report.comments, 3)
  t.equal(report.automatic, 1, 'the language rejection was the policy\'s')
  t.equal(report.rejectedByModerators, 1, 'and is not counted as a moderator\'s rejection')
  t.equal(report.current.flagged, 1, 'nor in the rule figures: e1 is the one flagged comment moderators decided')
  t.same(report.changes, [], 'the same rules change nothing')
  const viaFile = JSON.parse((await main(['backtest', '--current', RULES_DIR, '--rules', RULES_DIR, '--against', out, '--json'])).out)
  t.same(viaFile, report, 'the exported file backtests like Redis itself')

  // Without REDIS_URL: the embedded redis-server of the service running on DATA_DIR.
  delete process.env.REDIS_URL
  process.env.DATA_DIR = redis.dir
  t.teardown(() => { delete process.env.DATA_DIR })
  const again = join(await tempDir(t), 'again.jsonl')
  t.equal((await main(['export', '--out', again])).out, `wrote 3 decided comments to ${again}`, 'found through DATA_DIR')
  process.env.DATA_DIR = await tempDir(t)
  await t.rejects(main(['export']), { message: /set REDIS_URL.*no service runs an embedded redis-server on DATA_DIR/ })
})

t.test('the published JSON Schemas match the code', async (t) => {
  const files = {
    'policy.schema.json': PolicyFile, 'lists.schema.json': ListsFile, 'patterns.schema.json': PatternsFile, 'tests.schema.json': TestsFile,
    'site-policy.schema.json': SitePolicyFile, 'site-lists.schema.json': SiteListsFile
  }
  for (const [name, schema] of Object.entries(files)) {
    t.equal(readFileSync(join(RULES_DIR, 'schemas', name), 'utf8'), schemaJson(schema), `${name} is current (npm run rules -- schema)`)
  }
  const dir = await tempDir(t)
  const r = await main(['schema', '--out', dir])
  t.match(r.out, /wrote policy\.schema\.json/)
})

t.test('usage', async (t) => {
  t.equal((await main([])).code, 2)
  t.match((await main(['nonsense'])).out, /unknown command "nonsense"/)
  const help = await main(['--help'])
  t.equal(help.code, 0)
  t.match(help.out, /backtest --rules <proposed dir>/)
})

t.test('the program itself: exit codes and output streams', async (t) => {
  const env = { ...process.env, ...NO_CHILD_COVERAGE }
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/rules.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env })
  const ok = run('check', MINI)
  t.equal(ok.status, 0)
  t.match(ok.stdout, /OK, version/)
  const bad = run('nonsense')
  t.equal(bad.status, 2)
  t.match(bad.stderr, /unknown command/)
  const crash = run('backtest', '--rules', MINI, '--against', '/nonexistent.jsonl')
  t.equal(crash.status, 1)
  t.match(crash.stderr, /moderato-rules: ENOENT/)
})

t.test('offline commands read RULES_DIR and MODEL_DIR only: no API keys or Redis needed, as in a one-off container', async (t) => {
  const { API_KEYS: _keys, REDIS_URL: _url, ...rest } = process.env
  const dir = await copyRules(t, RULES_DIR)
  const env = { ...rest, ...NO_CHILD_COVERAGE, NODE_ENV: 'production', RULES_DIR: dir, MODEL_DIR: join(ROOT, 'models') }
  const ok = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/rules.ts'), 'check'], { cwd: ROOT, encoding: 'utf8', env })
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout, `${dir}: OK, version`, 'the folder RULES_DIR names')
  t.match(ok.stdout, /model [0-9a-f]{12}/, 'with the model from MODEL_DIR')
})
