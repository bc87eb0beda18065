// The process itself: start-up, embedded Redis, graceful shutdown, and refusing bad config.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { startRedis, tempDir, ROOT, API_KEYS, KEYS, RULES_DIR, comment } from './helper.js'

interface Proc { child: ChildProcess, output: () => string, exited: Promise<number | null>, address: Promise<string> }

function startServer (env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', RULES_DIR, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let found: (a: string) => void = () => {}
  const address = new Promise<string>((resolve) => { found = resolve })
  const onData = (chunk: Buffer): void => {
    out += chunk.toString()
    const m = /moderato listening on (http:\/\/[^\s"]+) /.exec(out)
    if (m !== null) found(m[1]!)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => out, exited, address }
}

async function stopped (p: Proc, t: Test): Promise<void> {
  t.teardown(async () => {
    if (p.child.exitCode === null) p.child.kill('SIGKILL')
    await p.exited
  })
}

t.test('embedded Redis: starts its own redis-server under DATA_DIR and stops it on SIGTERM', async (t) => {
  const dataDir = await tempDir(t)
  const p = startServer({ DATA_DIR: dataDir, API_KEYS })
  await stopped(p, t)
  const base = await p.address
  const ready = await fetch(`${base}/readyz`)
  t.equal(ready.status, 200)
  const res = await fetch(`${base}/v1/comments`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json' }, body: JSON.stringify(comment({ id: 'embedded-1' })) })
  t.equal(res.status, 202)
  const port = Number(/"port":(\d+)/.exec(p.output())?.[1])
  t.ok(port > 0, 'logged the embedded port')
  t.match(p.output(), /appendfsync always/)
  t.ok(readdirSync(dataDir).some((f) => f.startsWith('appendonly')), 'append-only files are under DATA_DIR')

  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0, 'clean exit')
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  await t.rejects(probe.connect(), 'the embedded redis-server is gone')
  probe.disconnect()
  t.notMatch(p.output(), /Thank you for this careful article/, 'comment text is not logged at info level')
  t.notMatch(p.output(), new RegExp(KEYS.site), 'API keys are not logged')
})

t.test('SIGTERM finishes in-flight requests before exiting', async (t) => {
  const redis = await startRedis(t)
  const p = startServer({ REDIS_URL: redis.url, API_KEYS, REDIS_TIMEOUT_MS: '5000', REDIS_PREFIX: 'drain' })
  await stopped(p, t)
  const base = await p.address
  const admin = new Redis(redis.url)
  t.teardown(() => admin.disconnect())
  // Hold every write in Redis for a while, so the requests are in flight at SIGTERM.
  await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE')
  const requests = Array.from({ length: 10 }, (_, i) => fetch(`${base}/v1/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json' },
    body: JSON.stringify(comment({ id: `drain-${i}` }))
  }))
  await sleep(400)
  p.child.kill('SIGTERM')
  const responses = await Promise.all(requests)
  t.same(responses.map((r) => r.status), Array(10).fill(202), 'every in-flight request completed')
  t.equal(await p.exited, 0)
  t.match(p.output(), /finishing in-flight requests/)
  for (let i = 0; i < 10; i++) t.equal(await admin.hget(`drain:{q}:c:drain-${i}`, 'status'), 'pending')
})

t.test('redis-server missing: exits saying how to install it or set REDIS_URL', async (t) => {
  const p = startServer({ PATH: '/nonexistent', DATA_DIR: await tempDir(t) })
  await stopped(p, t)
  t.equal(await p.exited, 1)
  t.match(p.output(), /apt-get install -y redis-server/)
  t.match(p.output(), /REDIS_URL/)
})

t.test('a bad setting stops the start and names the variable', async (t) => {
  const p = startServer({ PORT: 'eighty' })
  await stopped(p, t)
  t.equal(await p.exited, 1)
  t.match(p.output(), /PORT must be integer/)
  const prod = startServer({ NODE_ENV: 'production' })
  await stopped(prod, t)
  t.equal(await prod.exited, 1)
  t.match(prod.output(), /API_KEYS: required when NODE_ENV=production/)
})

t.test('development keys are announced loudly', async (t) => {
  const redis = await startRedis(t)
  const p = startServer({ REDIS_URL: redis.url })
  await stopped(p, t)
  const base = await p.address
  t.match(p.output(), /NO API_KEYS SET: using the DEVELOPMENT keys/)
  const res = await fetch(`${base}/v1/screen`, { method: 'POST', headers: { authorization: 'Bearer dev-site-key', 'content-type': 'application/json' }, body: '{"text":"hello there"}' })
  t.equal(res.status, 200)
  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0)
})

t.test('broken rules at start: exits with file and line', async (t) => {
  const dir = await tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const policy = join(dir, 'policy.yaml')
  writeFileSync(policy, readFileSync(policy, 'utf8').replace('  lane: normal', '  lane: nowhere'))
  const p = startServer({ RULES_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1' })
  await stopped(p, t)
  t.equal(await p.exited, 1)
  t.match(p.output(), /policy\.yaml:9: clean\.lane/)
})
