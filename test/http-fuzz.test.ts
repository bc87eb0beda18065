// Property: whatever a caller sends to any route (random JSON, broken JSON, raw bytes,
// wrong content types, odd ids and query strings), the answer is never a 5xx, every error
// is JSON with a stable code, and every comment that got a 202 can be read back.
import t from 'tap'
import fc from 'fast-check'
import { startRedis, buildTestApp, auth, KEYS, comment } from './helper.js'

const redis = await startRedis(t)
// A high rate limit: the limiter's own 429s are tested in http/ratelimit.test.ts.
const { app } = await buildTestApp(t, redis.url, { MAX_TEXT_LENGTH: '500', RATE_LIMIT_MAX: '1000000' })

interface Route { method: 'GET' | 'POST', path: (id: string) => string, key: string }
const routes: Route[] = [
  { method: 'POST', path: () => '/v1/comments', key: KEYS.site },
  { method: 'POST', path: () => '/v1/screen', key: KEYS.site },
  { method: 'GET', path: (id) => `/v1/comments/${id}`, key: KEYS.site },
  { method: 'POST', path: () => '/v1/review/claim', key: KEYS.alice },
  { method: 'POST', path: (id) => `/v1/review/${id}/extend`, key: KEYS.alice },
  { method: 'POST', path: (id) => `/v1/review/${id}/release`, key: KEYS.alice },
  { method: 'POST', path: (id) => `/v1/review/${id}/decision`, key: KEYS.alice },
  { method: 'GET', path: () => '/v1/review/queue', key: KEYS.alice },
  { method: 'GET', path: () => '/v1/review/stats', key: KEYS.alice },
  { method: 'GET', path: (id) => `/v1/comments/${id}/history`, key: KEYS.alice },
  { method: 'GET', path: () => '/v1/decisions', key: KEYS.site },
  { method: 'GET', path: () => '/v1/rules', key: KEYS.admin },
  { method: 'POST', path: () => '/v1/rules/reload', key: KEYS.admin }
]

// Values that stress validators: wrong types, huge numbers, odd strings, deep nesting.
const oddValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'approve', 'reject', 'spam', 'urgent', 'dead', '__proto__', 'constructor'),
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.jsonValue({ maxDepth: 3 })
)
// Comment-shaped bodies, mostly valid fields, so that some are stored.
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: oddValue, weight: 1 })
const commentBody = fc.record({
  id: fc.option(mostly(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/)), { nil: undefined }),
  articleId: mostly(fc.stringMatching(/^[a-z0-9-]{1,12}$/)),
  text: mostly(fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 80 }))),
  author: fc.option(mostly(fc.record({ id: fc.string({ maxLength: 10 }), name: fc.string({ unit: 'grapheme', maxLength: 10 }) }, { requiredKeys: [] })), { nil: undefined }),
  context: fc.option(
    mostly(fc.record({ title: fc.string({ maxLength: 20 }), people: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }) }, { requiredKeys: [] })),
    { nil: undefined }
  )
}, { requiredKeys: ['articleId', 'text'] }).map((o) => JSON.stringify(o))
// Bodies close to valid ones (so validation is passed sometimes), and far from them.
const body = fc.oneof(
  { arbitrary: commentBody, weight: 5 },
  fc.record({
    id: fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), oddValue), { nil: undefined }),
    articleId: fc.oneof(fc.constant('article-1'), oddValue),
    text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), oddValue),
    decision: fc.option(fc.oneof(fc.constantFrom('approve', 'reject'), oddValue), { nil: undefined }),
    reason: fc.option(fc.oneof(fc.constantFrom('insult', 'spam', 'off-topic'), oddValue), { nil: undefined }),
    max: fc.option(oddValue, { nil: undefined }),
    leaseSeconds: fc.option(oddValue, { nil: undefined }),
    context: fc.option(fc.oneof(fc.record({ people: fc.array(oddValue, { maxLength: 3 }) }), oddValue), { nil: undefined })
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.json({ maxDepth: 3 }).map((s) => s.slice(0, Math.max(0, s.length - 1))), // truncated
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a))
)
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  fc.constantFrom<string | undefined>('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', undefined)
)
const idSegment = fc.oneof(fc.constantFrom('c-1', 'does-not-exist', '%00', '%ZZ', '..', 'a%2Fb', '%F0%9F%98%80'), fc.stringMatching(/^[A-Za-z0-9._~-]{1,300}$/))
const query = fc.oneof(fc.constant(''), fc.constantFrom('?lane=urgent', '?lane=nope', '?limit=-1', '?limit=abc', '?limit=1e9', '?after=x', '?after=0-0', '?cursor=%FF', '?limit=2&limit=3'), fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`))

t.test('no request gets a 5xx; every error is JSON with a code; every 202 is stored', async (t) => {
  // Something to claim and decide on, so review routes run past their not-found paths.
  await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: 'c-1' }) })
  const accepted = new Set<string>()
  const seen = new Map<number, number>()
  let failure = ''
  await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, contentType, idSegment, query, async (route, payload, type, id, q) => {
    const res = await app.inject({
      method: route.method,
      url: route.path(id) + q,
      headers: { ...auth(route.key), ...(type !== undefined ? { 'content-type': type } : {}) },
      ...(route.method === 'POST' ? { payload } : {})
    })
    seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
    if (res.statusCode >= 500) {
      failure = `${route.method} ${route.path(id)}${q} answered ${res.statusCode}: ${res.body.slice(0, 300)}`
      return false
    }
    if (res.statusCode >= 400) {
      const error = res.json() as { statusCode: unknown, code: unknown, message: unknown }
      if (error.statusCode !== res.statusCode || typeof error.code !== 'string' || !/^[A-Z_]+$/.test(error.code) || typeof error.message !== 'string') return false
    }
    if (res.statusCode === 202) accepted.add((res.json() as { id: string }).id)
    return true
  }), { numRuns: 1500, seed: 20261129 }).catch((err: Error) => { throw new Error(`${failure}\n${err.message}`) })

  t.ok((seen.get(400) ?? 0) > 100, `many requests were refused as bad input (${seen.get(400) ?? 0})`)
  t.ok((seen.get(200) ?? 0) > 50, `many were answered (${seen.get(200) ?? 0})`)
  t.ok(accepted.size > 0, `some random bodies were valid comments (${accepted.size})`)
  for (const id of accepted) {
    const res = await app.inject({ url: `/v1/comments/${encodeURIComponent(id)}`, headers: auth(KEYS.site) })
    t.equal(res.statusCode, 200, `accepted comment ${JSON.stringify(id)} is stored`)
  }
})
