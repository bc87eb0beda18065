// The process itself: start-up, embedded Redis, graceful shutdown, and refusing bad config.
import t from 'tap'
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'node:http'
import { Redis } from 'ioredis'
import { startRedis, startServer, tempDir, API_KEYS, KEYS, RULES_DIR, comment } from '../helper.js'
import { SiteKeys } from '../../src/queue/keys.js'

t.test('embedded Redis: starts its own redis-server under DATA_DIR and stops it on SIGTERM', async (t) => {
  const dataDir = await tempDir(t)
  const p = startServer(t, { DATA_DIR: dataDir, API_KEYS })
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

/** POSTs a comment: `sent` once the whole request is handed to the kernel, `status` on the answer. */
function post (base: string, id: string): { sent: Promise<void>, status: Promise<number> } {
  const body = JSON.stringify(comment({ id }))
  const req = request(`${base}/v1/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
  })
  const status = new Promise<number>((resolve, reject) => {
    req.once('response', (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.once('error', reject)
  })
  const sent = new Promise<void>((resolve) => req.end(body, resolve))
  return { sent, status }
}

t.test('SIGTERM finishes in-flight requests before exiting', async (t) => {
  const redis = await startRedis(t)
  const p = startServer(t, { REDIS_URL: redis.url, API_KEYS, REDIS_TIMEOUT_MS: '5000', REDIS_PREFIX: 'drain' })
  const base = await p.address
  const admin = new Redis(redis.url)
  t.teardown(() => admin.disconnect())
  // Hold every write in Redis for a while, so the requests are in flight at SIGTERM: some
  // wait on the rate limiter's counter with their body unread, some on storing the comment.
  await admin.call('CLIENT', 'PAUSE', '3000', 'WRITE')
  const requests = Array.from({ length: 10 }, (_, i) => post(base, `drain-${i}`))
  let answered = 0
  for (const r of requests) void r.status.finally(() => { answered++ }).catch(() => {})
  await Promise.all(requests.map(async (r) => await r.sent))
  // The server answers /healthz only after reading what came in before it: all ten
  // requests, whole (a request whose body is still arriving at shutdown is cut, by design).
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.equal(answered, 0, 'none is answered yet: all ten are in flight')
  p.child.kill('SIGTERM')
  const statuses = await Promise.all(requests.map(async (r) => await r.status.catch((e: Error) => e.message)))
  t.same(statuses, Array(10).fill(202), 'every in-flight request completed')
  t.equal(await p.exited, 0)
  t.match(p.output(), /finishing in-flight requests/)
  for (let i = 0; i < 10; i++) t.equal(await admin.hget(new SiteKeys('drain', 'rasa').comment(`drain-${i}`), 'status'), 'pending')
})

t.test('redis-server missing: exits saying how to install it or set REDIS_URL', async (t) => {
  const p = startServer(t, { PATH: '/nonexistent', DATA_DIR: await tempDir(t) })
  t.equal(await p.exited, 1)
  t.match(p.output(), /apt-get install -y redis-server/)
  t.match(p.output(), /REDIS_URL/)
})

t.test('a bad setting stops the start and names the variable', async (t) => {
  const p = startServer(t, { PORT: 'eighty' })
  t.equal(await p.exited, 1)
  t.match(p.output(), /PORT must be integer/)
  const prod = startServer(t, { NODE_ENV: 'production' })
  t.equal(await prod.exited, 1)
  t.match(prod.output(), /API_KEYS: required unless NODE_ENV is development or test/)
})

t.test('development keys are announced loudly', async (t) => {
  const redis = await startRedis(t)
  const p = startServer(t, { REDIS_URL: redis.url })
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
  const p = startServer(t, { RULES_DIR: dir, REDIS_URL: 'redis://127.0.0.1:1' })
  t.equal(await p.exited, 1)
  t.match(p.output(), /policy\.yaml:\d+: clean\.lane must be one of: urgent, high, normal, low/)
})
