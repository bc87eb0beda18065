// The decisions feed refuses cursors it cannot serve, and the access log keeps no URL.
import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { startRedis, buildTestApp, auth, KEYS } from '../helper.js'

const redis = await startRedis(t)

t.test('feed cursors: 0 starts at the beginning; impossible or future ones are 400', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const site = auth(KEYS.site)
  // A comment in French is rejected automatically, which puts a decision in the feed.
  const posted = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: { id: 'fr-1', articleId: 'a', text: 'Je ne suis pas du tout d\'accord avec cet article, les chiffres sont faux.' } })
  t.equal(posted.json().status, 'rejected')
  const first = (await app.inject({ url: '/v1/decisions', headers: site })).json()
  t.equal(first.items.length, 1)
  const fromZero = (await app.inject({ url: '/v1/decisions?after=0', headers: site })).json()
  t.same(fromZero, first, 'after=0 is the beginning')
  const caughtUp = await app.inject({ url: `/v1/decisions?after=${first.next}`, headers: site })
  t.equal(caughtUp.statusCode, 200, 'the last cursor is fine: nothing new yet')
  t.same(caughtUp.json(), { items: [], next: first.next })
  const future = `${Date.now() + 86400000}-0`
  for (const after of ['99999999999999999999999-0', '18446744073709551615-18446744073709551615', '1-99999999999999999999999', future]) {
    const res = await app.inject({ url: `/v1/decisions?after=${after}`, headers: site })
    t.equal(res.statusCode, 400, `after=${after}`)
    t.equal(res.json().code, 'INVALID_CURSOR')
    t.match(res.json().message, /send the `next` of a page/)
  }
})

t.test('the access log records the route and the comment id, never the query string', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done() } })
  const { app } = await buildTestApp(t, redis.url, {}, pino({ level: 'info' }, sink))
  const secret = KEYS.site
  await app.inject({ url: `/v1/comments/some-id?key=${secret}&token=${secret}`, headers: auth(KEYS.site) })
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request')
  t.equal(entries.length, 1)
  t.equal(entries[0]!.route, '/v1/comments/:id')
  t.equal(entries[0]!.commentId, 'some-id')
  t.notOk(lines.join('\n').includes(secret), 'the secret in the query string is not in the log')
})
