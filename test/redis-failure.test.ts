import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startEmbeddedRedis } from '../src/redis/embedded.js'
import { startRedis, buildTestApp, auth, KEYS, comment, tempDir, until } from './helper.js'

const site = auth(KEYS.site)

t.test('Redis killed mid-run: 503 with Retry-After, then recovery without a restart', async (t) => {
  const dir = await tempDir(t)
  const first = await startRedis(t, { dir, appendfsync: 'always' })
  const { app } = await buildTestApp(t, first.url)
  const post = (id: string) => app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id }) })

  t.equal((await post('before-crash')).statusCode, 202)
  await first.kill()

  const down = await post('during-outage')
  t.equal(down.statusCode, 503)
  t.equal(down.json().code, 'STORE_UNAVAILABLE')
  t.equal(down.headers['retry-after'], '1')
  t.match(down.json(), { id: 'during-outage', message: /may or may not have been stored\. Retry with the same id \("during-outage"\)/ }, 'never "nothing was stored": a timeout can strike after the write')
  const noId = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: { articleId: 'a', text: 'A comment sent without an id.' } })
  t.equal(noId.statusCode, 503)
  const generated = noId.json().id as string
  t.match(generated, /^[0-9a-f-]{36}$/, 'the id Moderato made is in the answer')
  t.ok(noId.json().message.includes(`Retry with "id": "${generated}"`) && noId.json().message.includes('a second copy'), noId.json().message)
  const claimDown = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: {} })
  t.match(claimDown.json(), { code: 'STORE_UNAVAILABLE', message: /may or may not have been made\. Retrying after a second is safe/ })
  t.notOk('id' in claimDown.json(), 'other routes carry no id')
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().redis, 'unreachable')
  const status = await app.inject({ url: '/v1/comments/before-crash', headers: site })
  t.equal(status.statusCode, 503, 'reads fail fast too')

  // Same port, same data directory: the client reconnects by itself.
  await startRedis(t, { dir, port: first.port, appendfsync: 'always' })
  let readyAgain = false
  for (let i = 0; i < 100 && !readyAgain; i++) {
    readyAgain = (await app.inject({ url: '/readyz' })).statusCode === 200
    if (!readyAgain) await sleep(50)
  }
  t.ok(readyAgain, 'ready again once Redis is back')
  t.equal((await post('after-recovery')).statusCode, 202)
  t.equal((await app.inject({ url: '/v1/comments/before-crash', headers: site })).json().status, 'pending', 'the comment from before the crash survived')
  t.equal((await app.inject({ url: '/v1/comments/during-outage', headers: site })).statusCode, 404, 'the 503 comment was not stored')
})

t.test('SIGKILL and restart on the AOF: every comment that got a 202 is still there', async (t) => {
  const dir = await tempDir(t)
  const server = await startEmbeddedRedis({ dir, appendfsync: 'always' })
  t.teardown(async () => { await server.kill() })
  const { app } = await buildTestApp(t, server.url)

  const accepted: string[] = []
  const failed: string[] = []
  let n = 0
  // Writers keep going while Redis is killed under them.
  const writer = async (): Promise<void> => {
    for (;;) {
      const id = `durable-${n++}`
      const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id }) })
      if (res.statusCode === 202) accepted.push(id)
      else {
        t.equal(res.statusCode, 503, 'a write that could not be stored says so')
        failed.push(id)
        return
      }
    }
  }
  const writers = Array.from({ length: 8 }, writer)
  while (accepted.length < 200) await sleep(5)
  await server.kill()
  await Promise.all(writers)
  t.ok(accepted.length >= 200, `${accepted.length} comments accepted before the crash`)
  t.equal(failed.length, 8, 'every writer saw the crash')

  const restarted = await startRedis(t, { dir, port: server.port, appendfsync: 'always' })
  t.equal(restarted.port, server.port)
  let ready = false
  for (let i = 0; i < 100 && !ready; i++) {
    ready = (await app.inject({ url: '/readyz' })).statusCode === 200
    if (!ready) await sleep(50)
  }
  t.ok(ready)
  const missing: string[] = []
  for (const id of accepted) {
    const res = await app.inject({ url: `/v1/comments/${id}`, headers: site })
    if (res.statusCode !== 200) missing.push(id)
  }
  t.same(missing, [], 'no accepted comment was lost')
})

t.test('Redis slow: 503 within REDIS_TIMEOUT_MS, and a retry with the same id is safe', async (t) => {
  const server = await startRedis(t)
  const { app } = await buildTestApp(t, server.url, { REDIS_TIMEOUT_MS: '200' })
  const admin = new Redis(server.url)
  t.teardown(() => admin.disconnect())
  // Every write waits in Redis until the test lets it go: longer than the 200 ms the service allows.
  await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE')
  const slow = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'slow-1' }) })
  t.equal(slow.statusCode, 503)
  t.equal(slow.json().code, 'STORE_UNAVAILABLE')
  t.equal(slow.headers['retry-after'], '1')
  // Redis catches up; then the client's retry is stored.
  await admin.call('CLIENT', 'UNPAUSE')
  const retry = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'slow-1' }) })
  t.equal(retry.statusCode, 202)
  t.equal((await app.inject({ url: '/v1/comments/slow-1', headers: site })).json().status, 'pending')
})

const run = promisify(execFile)
// Sends N comments at once to BASE and prints each one's status and ms until its answer.
const BURST = `
const [base, n, round, authorization] = process.argv.slice(1)
await (await fetch(base + '/healthz')).text() // loads fetch itself, which takes a while the first time
const answers = await Promise.all(Array.from({ length: Number(n) }, async (_, i) => {
  const started = performance.now()
  const res = await fetch(base + '/v1/comments', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ id: round + '-' + i, articleId: 'article-1', text: 'Thank you for this careful article.' }) })
  await res.text()
  return { status: res.status, ms: performance.now() - started }
}))
console.log(JSON.stringify(answers))
`

t.test('a paused Redis answers 503 about REDIS_TIMEOUT_MS later, under load too; the limiter does not add its own wait', async (t) => {
  const server = await startRedis(t)
  const { app } = await buildTestApp(t, server.url, { REDIS_TIMEOUT_MS: '500' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const admin = new Redis(server.url)
  t.teardown(() => admin.disconnect())
  // The client runs in a process of its own, so that its fetch work is not timed as the service's.
  const burst = async (round: string, n: number): Promise<number[]> => {
    await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE')
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', BURST, base, String(n), round, site.authorization!])
    await admin.call('CLIENT', 'UNPAUSE')
    const answers = JSON.parse(stdout) as Array<{ status: number, ms: number }>
    t.same(new Set(answers.map((a) => a.status)), new Set([503]), `${round}: every answer is 503`)
    return answers.map((a) => a.ms).sort((a, b) => a - b)
  }
  await burst('warm', 50)
  const one = await burst('one', 1)
  const fifty = await burst('fifty', 50)
  t.comment(`503 under CLIENT PAUSE, REDIS_TIMEOUT_MS=500: alone ${one[0]!.toFixed(0)} ms; 50 at once median ${fifty[25]!.toFixed(0)} ms, max ${fifty[49]!.toFixed(0)} ms (target 600)`)
  // Generous: catches a timeout paid twice over or per queued request, not a slow machine.
  t.ok(fifty[49]! < 1500, 'no request waits three timeouts')
})

t.test('FailureWindow opens when a command of its connection fails, and closes after its time', async (t) => {
  const { FailureWindow } = await import('../src/redis/failure-window.js')
  const server = await startRedis(t)
  const client = new Redis(server.url, { commandTimeout: 50 })
  t.teardown(() => client.disconnect())
  const admin = new Redis(server.url)
  t.teardown(() => admin.disconnect())
  const window = new FailureWindow(client, 300)
  await client.incr('w')
  t.notOk(window.open, 'closed while commands succeed')
  await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE')
  await t.rejects(client.incr('w'), /timed out/)
  t.ok(window.open, 'open after a timeout')
  await admin.call('CLIENT', 'UNPAUSE')
  await until(t, 'it closes after its time', () => !window.open, 2000)
})
