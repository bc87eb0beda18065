// Redis at its memory limit (maxmemory, noeviction) refuses writes with an OOM error. That
// is the store being unavailable, like a timeout: 503 STORE_UNAVAILABLE, not a 500. And no
// log line above debug carries a comment's text or author (ioredis errors carry the
// command's arguments, the whole comment among them).
import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { startRedis, buildTestApp, auth, KEYS, comment } from './helper.js'
import { SiteKeys } from '../src/queue/keys.js'

t.test('writes refused for memory are 503 STORE_UNAVAILABLE, and the log keeps no comment text', async (t) => {
  const redis = await startRedis(t)
  const lines: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done() } })
  const { app, redis: client } = await buildTestApp(t, redis.url, {}, pino({ level: 'info' }, sink))
  const first = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: 'oom-0' }) })
  t.equal(first.statusCode, 202)
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { max: 1 } })
  t.equal(claimed.json().items.length, 1)

  await client.config('SET', 'maxmemory-policy', 'noeviction')
  await client.config('SET', 'maxmemory', '1')
  t.teardown(async () => { await client.config('SET', 'maxmemory', '0') })
  const secretText = 'Unmistakable words of comment oom-1 that must never reach the log'
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: 'oom-1', text: secretText, author: { id: 'author-oom', name: 'Ada Author' } }) })
  t.match(res.json(), { statusCode: 503, code: 'STORE_UNAVAILABLE' }, res.body)
  t.equal(res.headers['retry-after'], '1')
  const decided = await app.inject({ method: 'POST', url: '/v1/review/oom-0/decision', headers: auth(KEYS.alice), payload: { decision: 'approve' } })
  t.match(decided.json(), { statusCode: 503, code: 'STORE_UNAVAILABLE' }, 'a decision too')

  await client.config('SET', 'maxmemory', '0')
  const again = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: 'oom-1', text: secretText }) })
  t.equal(again.statusCode, 202, 'the retry the 503 asked for is accepted')
  const log = lines.join('\n')
  t.ok(log.includes('redis unavailable'), 'the failure is logged')
  t.notOk(log.includes('Unmistakable words'), 'without the comment text')
  t.notOk(log.includes('Ada Author') || log.includes('author-oom'), 'or its author')
})

t.test('an unexpected Redis error is a 500 whose log line names the error, not the comment', async (t) => {
  const redis = await startRedis(t)
  const lines: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done() } })
  const { app, redis: client, config } = await buildTestApp(t, redis.url, {}, pino({ level: 'info' }, sink))
  // A damaged store: the comment's hash is a string, so the intake script fails (WRONGTYPE).
  await client.set(new SiteKeys(config.redisPrefix, 'rasa').comment('broken-1'), 'not a hash')
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: 'broken-1', text: 'Distinctive words of comment broken-1', author: { id: 'author-b', name: 'Bea Author' } }) })
  t.match(res.json(), { statusCode: 500, code: 'INTERNAL_ERROR' })
  const errors = lines.map((l) => JSON.parse(l) as { msg: string, err?: Record<string, unknown> }).filter((e) => e.msg === 'unhandled error')
  t.equal(errors.length, 1, 'logged once')
  t.match(errors[0]!.err, { message: /WRONGTYPE/, stack: /ReplyError/ }, 'what went wrong, and where')
  t.notOk('command' in errors[0]!.err!, 'not the command and its arguments')
  const log = lines.join('\n')
  t.notOk(log.includes('Distinctive words') || log.includes('Bea Author'), 'no comment text or author in the log')
})
