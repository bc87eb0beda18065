import t from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, until } from '../helper.js'

t.test('per key, with Retry-After and the rate-limit headers', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' })
  const send = (key: string) => app.inject({ method: 'POST', url: '/v1/screen', headers: auth(key), payload: { text: 'hello there friends' } })
  for (let i = 0; i < 3; i++) {
    const ok = await send(KEYS.site)
    t.equal(ok.statusCode, 200)
    t.equal(ok.headers['x-ratelimit-limit'], '3')
    t.equal(ok.headers['x-ratelimit-remaining'], String(2 - i))
  }
  const limited = await send(KEYS.site)
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.match(limited.json().message, /at most 3 per 1 minute/)
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After in seconds')
  t.equal(limited.headers['x-ratelimit-remaining'], '0')
  t.equal((await send(KEYS.alice)).statusCode, 200, 'another key has its own budget')

  // Without a key, the budget is per IP, and the limit applies before the 401.
  const anon = () => app.inject({ method: 'POST', url: '/v1/comments', payload: comment() })
  for (let i = 0; i < 3; i++) t.equal((await anon()).statusCode, 401)
  t.equal((await anon()).statusCode, 429)
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'health checks are not limited')
})

t.test('every route answers 429 the same way, whatever its own response schema', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '1' })
  const calls: Array<[string, 'GET' | 'POST', string, object | undefined]> = [
    [KEYS.site, 'POST', '/v1/comments', comment()],
    [KEYS.site, 'GET', '/v1/comments/nope', undefined],
    [KEYS.site, 'GET', '/v1/decisions', undefined],
    [KEYS.alice, 'POST', '/v1/review/claim', {}],
    [KEYS.alice, 'GET', '/v1/review/queue', undefined],
    [KEYS.alice, 'GET', '/v1/review/stats', undefined],
    [KEYS.alice, 'POST', '/v1/review/nope/extend', {}],
    [KEYS.alice, 'POST', '/v1/review/nope/release', {}],
    [KEYS.alice, 'POST', '/v1/review/nope/decision', { decision: 'approve' }],
    [KEYS.alice, 'GET', '/v1/comments/nope/history', undefined],
    [KEYS.admin, 'GET', '/v1/rules', undefined],
    [KEYS.admin, 'POST', '/v1/rules/reload', {}]
  ]
  for (const key of [KEYS.site, KEYS.alice, KEYS.admin]) {
    await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(key), payload: { text: 'use up the budget' } })
  }
  for (const [key, method, url, payload] of calls) {
    const res = await app.inject({ method, url, headers: auth(key), ...(payload !== undefined ? { payload } : {}) })
    t.equal(res.statusCode, 429, `${method} ${url}`)
    t.equal(res.json().code, 'RATE_LIMITED', `${method} ${url}: code`)
  }
})

t.test('the limit is shared through Redis by every instance', async (t) => {
  const redis = await startRedis(t)
  const a = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '2', REDIS_PREFIX: 'shared-rl' })
  const b = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '2', REDIS_PREFIX: 'shared-rl' })
  const send = (app: typeof a.app) => app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'hello there friends' } })
  t.equal((await send(a.app)).statusCode, 200)
  t.equal((await send(b.app)).statusCode, 200)
  t.equal((await send(a.app)).statusCode, 429, 'the third request, on either instance, is over the limit')
})

t.test('Redis unreachable: rate limiting neither fails nor hangs requests', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '2' })
  await redis.kill()
  for (let i = 0; i < 4; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'screening needs no Redis at all' } })
    t.equal(res.statusCode, 200, 'screening goes on while the limiter cannot count')
  }
  const write = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment() })
  t.equal(write.statusCode, 503, 'a write cannot be stored: 503, not a hang')
})

t.test('a key over its limit is refused from memory: no Redis call per refused request', async (t) => {
  const redis = await startRedis(t)
  const { app, redis: client, config } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '1 minute' })
  const send = (key: string) => app.inject({ method: 'POST', url: '/v1/screen', headers: auth(key), payload: { text: 'hello there friends' } })
  const counter = `${config.redisPrefix}:rl:key:site:rasa`
  for (let i = 0; i < 2; i++) t.equal((await send(KEYS.site)).statusCode, 200)
  const statuses = []
  for (let i = 0; i < 20; i++) statuses.push((await send(KEYS.site)).statusCode)
  t.same(new Set(statuses), new Set([429]), 'every request past the limit is refused')
  t.equal(await client.get(counter), '3', 'Redis counted only the first refusal')
  const refused = await send(KEYS.site)
  t.ok(Number(refused.headers['retry-after']) > 50, 'a remembered refusal still says when the window ends')
  t.equal((await send(KEYS.alice)).statusCode, 200, 'another key is counted in Redis as before')
})

t.test('a refusal from memory reads like the limiter\'s own, and says the window, not the time left', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW: '1 minute' })
  const send = () => app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment() })
  t.equal((await send()).statusCode, 202)
  const first = await send()
  const remembered = await send()
  const shape = (res: typeof first) => ({
    status: res.statusCode,
    type: res.headers['content-type'],
    headers: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after', 'x-ratelimit-reset'].map((h) => [h, typeof res.headers[h]]),
    remaining: res.headers['x-ratelimit-remaining'],
    body: { ...res.json(), message: undefined }
  })
  t.same(shape(remembered), shape(first), 'same status, headers and body fields')
  t.same(remembered.json(), { statusCode: 429, code: 'RATE_LIMITED', message: remembered.json().message })
  t.match(remembered.json().message, /^Too many requests: at most 1 per 1 minute\. Retry after \d+ s\.$/)
  t.equal(remembered.headers['retry-after'], remembered.headers['x-ratelimit-reset'])
  t.equal((await app.inject({ url: '/healthz', headers: auth(KEYS.site) })).statusCode, 200, 'routes without a limit stay open to a refused key')
})

t.test('a key known to be over its limit stays refused while the limiter cannot reach Redis', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW: '1 minute' })
  const send = (key: string) => app.inject({ method: 'POST', url: '/v1/screen', headers: auth(key), payload: { text: 'hello there friends' } })
  t.equal((await send(KEYS.site)).statusCode, 200)
  t.equal((await send(KEYS.site)).statusCode, 429)
  await redis.kill()
  // Another key's count fails: the limiter lets requests through for a while (skipOnError).
  await until(t, 'the limiter lets other keys through', async () => (await send(KEYS.alice)).statusCode === 200 && (await send(KEYS.alice)).statusCode === 200)
  t.equal((await send(KEYS.site)).statusCode, 429, 'the refused key is still refused from memory')
})

t.test('a remembered refusal ends with its window', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW: '1 second' })
  const send = () => app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'hello there friends' } })
  t.equal((await send()).statusCode, 200)
  t.equal((await send()).statusCode, 429)
  await until(t, 'the key is allowed again once its window ends', async () => (await send()).statusCode === 200)
})
