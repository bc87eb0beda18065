// Signed webhook deliveries from the outbox: what the site receives and checks, retries
// while the receiver is down, order per comment, 410 Gone, and refused private targets.
import t, { type Test } from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, until } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'
import { Receiver } from '../webhook-receiver.js'
import { signWebhook, verifyWebhook } from '../../src/webhooks/signature.js'
import { isPrivateTarget } from '../../src/webhooks/post.js'
import { SiteKeys } from '../../src/queue/keys.js'

const redis = await startRedis(t)
const SECRET = 'whsec-first-0123456789'
const NEXT = 'whsec-second-0123456789'
const FRENCH = 'Je pense que cet article sur le nouveau pont est très intéressant et bien écrit.'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/** The app with rules that reject other languages automatically, and a webhook to `url`. */
async function appWithHook (t: Test, url: string, env: Record<string, string> = {}) {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s.replace('language: { action: review, lane: low, reason: Please write in English. }', 'language: { action: reject, lane: low, reason: Please write in English. }'))
  return await buildTestApp(t, redis.url, { RULES_DIR: dir, WEBHOOKS: `rasa=${url}`, WEBHOOK_SECRETS: `rasa=${SECRET}|${NEXT}`, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100', ...env })
}
const submit = async (app: App, id: string, over: Record<string, unknown> = {}) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id, ...over }) })
  if (res.statusCode !== 202) throw new Error(res.body)
}
/** A comment approved by a moderator, then overturned to a rejection: two events, in order. */
async function approveThenOverturn (app: App, id: string): Promise<void> {
  await submit(app, id, { author: { id: `u-${id}` } })
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { max: 1, authorId: `u-${id}` } })
  if (claimed.json().items[0]?.id !== id) throw new Error(claimed.body)
  await app.inject({ method: 'POST', url: `/v1/review/${id}/decision`, headers: auth(KEYS.alice), payload: { decision: 'approve' } })
  await app.inject({ method: 'POST', url: `/v1/comments/${id}/decision`, headers: auth(KEYS.bob), payload: { decision: 'reject', reason: 'insult' } })
}

t.test('each decision is POSTed as the feed item, signed with every secret', async (t) => {
  const receiver = new Receiver()
  const url = await receiver.listen(t)
  const { app } = await appWithHook(t, url)
  await submit(app, 'fr', { text: FRENCH })
  await approveThenOverturn(app, 'a')
  await until(t, 'three deliveries', () => receiver.deliveries.length === 3)

  const feed = (await app.inject({ url: '/v1/decisions', headers: auth(KEYS.site) })).json().items
  t.same(receiver.deliveries.map((d) => d.body), feed, 'the same payload as the feed items, in order')
  for (const d of receiver.deliveries) {
    t.ok(verifyWebhook(d.raw, d.signature, SECRET), 'verifies with the first secret')
    t.ok(verifyWebhook(d.raw, d.signature, [NEXT]), 'and with the second (rotation)')
    t.equal(d.eventId, `rasa:${d.body.cursor as string}`, 'Idempotency-Key is the event id')
    t.equal(d.headers['moderato-event-id'], d.eventId)
    t.equal(d.headers['content-type'], 'application/json')
  }
  t.match(receiver.deliveries[2]!.body, { id: 'a', decision: 'reject', overturns: { decision: 'approve' } })

  const one = receiver.deliveries[0]!
  t.notOk(verifyWebhook(one.raw.replace('reject', 'approve'), one.signature, SECRET), 'a tampered body is refused')
  t.notOk(verifyWebhook(one.raw, one.signature, 'whsec-someone-else-0000'), 'an unknown secret is refused')
  const old = signWebhook(one.raw, [SECRET], Math.floor(Date.now() / 1000) - 3600)
  t.notOk(verifyWebhook(one.raw, old, SECRET, 300), 'an old timestamp is refused')
  t.ok(verifyWebhook(one.raw, old, SECRET, 7200), 'within the tolerance it passes')
  t.notOk(verifyWebhook(one.raw, undefined, SECRET), 'no header, no pass')
  t.notOk(verifyWebhook(one.raw, 't=abc,v1=zz', SECRET), 'a malformed header does not pass')

  const status = (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json()
  t.match(status, { webhooks: [{ site: 'rasa', url, depth: 0, oldestAgeSeconds: null, stopped: null }], deliveries: { delivered: 3, failed: 0 } })
  const metrics = (await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body
  t.match(metrics, /^moderato_webhook_deliveries_total\{result="delivered"\} 3$/m)
  t.match(metrics, /^moderato_webhook_outbox_depth\{site="rasa"\} 0$/m)
  t.equal((await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.alice) })).statusCode, 403, 'admins only')
})

t.test('a receiver down while the retries back off gets every event afterwards, in order per comment', async (t) => {
  const probe = new Receiver()
  const url = await probe.listen(t)
  await probe.close()
  const port = Number(new URL(url).port)
  const { app } = await appWithHook(t, url)
  for (const id of ['c1', 'c2', 'c3']) await approveThenOverturn(app, id)
  const events = (await app.inject({ url: '/v1/decisions', headers: auth(KEYS.site) })).json().items.map((i: { cursor: string }) => `rasa:${i.cursor}`)
  t.equal(events.length, 6)
  await until(t, 'tries fail while the receiver is down', async () => (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().deliveries.failed >= 3)
  t.match((await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().webhooks[0], { depth: 6, oldestAgeSeconds: Number })
  // The scenario itself: a receiver away long enough for the retries to back off five
  // times (0.1 s doubling to 1.6 s). Only each comment's first event is tried meanwhile: the
  // second waits its turn behind it.
  await until(t, 'five tries of each due event failed', async () =>
    (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().deliveries.failed >= 15, 60000)
  const receiver = new Receiver()
  await receiver.listen(t, port)
  await until(t, 'every event is delivered', () => new Set(receiver.deliveries.map((d) => d.eventId)).size === 6, 60000)
  t.same(new Set(receiver.deliveries.map((d) => d.eventId)), new Set(events), 'nothing lost')
  for (const id of ['c1', 'c2', 'c3']) {
    t.same(receiver.deliveries.filter((d) => d.body.id === id).map((d) => d.body.decision), ['approve', 'reject'], `${id}: in order`)
  }
})

t.test('410 Gone stops deliveries to that URL; the events stay', async (t) => {
  const receiver = new Receiver()
  receiver.status = 410
  const url = await receiver.listen(t)
  const { app } = await appWithHook(t, url)
  await submit(app, 'g1', { text: FRENCH })
  await until(t, 'the webhook is stopped', async () => (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().webhooks[0].stopped !== null)
  await submit(app, 'g2', { text: FRENCH })
  const status = (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json()
  t.match(status, { webhooks: [{ depth: 2, stopped: { reason: 'gone' } }], deliveries: { gone: 1 } })
  t.equal(receiver.requests, 1, 'one request, no more')
})

t.test('loopback and link-local targets are refused unless allowed', async (t) => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '169.254.169.254', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) t.ok(isPrivateTarget(a), `${a} is refused`)
  for (const a of ['93.184.216.34', '10.1.2.3', '2001:db8::1', '::ffff:93.184.216.34']) t.notOk(isPrivateTarget(a), `${a} is allowed`)
  const receiver = new Receiver()
  const url = await receiver.listen(t)
  const { app } = await appWithHook(t, url.replace('127.0.0.1', 'localhost'), { WEBHOOK_ALLOW_PRIVATE: 'false' })
  await submit(app, 'r1', { text: FRENCH })
  await until(t, 'the try is refused', async () => (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().deliveries.refused >= 1)
  t.equal(receiver.requests, 0, 'nothing reached the loopback receiver')
  t.equal((await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().webhooks[0].depth, 1, 'the event waits')
})

t.test('webhook configuration is checked at start', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js')
  const base = { API_KEYS: 'site:rasa:site-secret-rasa,admin:ops:admin-secret-ops' }
  const fails = (env: Record<string, string>, message: RegExp) => t.throws(() => loadConfig({ ...base, ...env }), { name: ConfigError.name, message })
  fails({ WEBHOOKS: 'other=https://x.example/h', WEBHOOK_SECRETS: `other=${SECRET}` }, /"other" is not a site with a key/)
  fails({ WEBHOOKS: 'rasa=ftp://x.example/h', WEBHOOK_SECRETS: `rasa=${SECRET}` }, /must be http/)
  fails({ WEBHOOKS: 'rasa=https://x.example/h' }, /no secret/)
  fails({ WEBHOOKS: 'rasa=https://x.example/h', WEBHOOK_SECRETS: 'rasa=short' }, /shorter than 16/)
  fails({ WEBHOOK_SECRETS: `rasa=${SECRET}` }, /no URL in WEBHOOKS/)
  fails({ WEBHOOKS: 'https://x.example/h' }, /site=value/)
  const ok = loadConfig({ ...base, WEBHOOKS: 'rasa=https://x.example/h', WEBHOOK_SECRETS: `rasa=${SECRET}|${NEXT}` })
  t.same(ok.webhooks.map((h) => [h.site, h.url.href, h.secrets]), [['rasa', 'https://x.example/h', [SECRET, NEXT]]])
})

t.test('a try that gets no answer within 5 s is abandoned and tried again', async (t) => {
  const receiver = new Receiver()
  let answer: () => void = () => {}
  receiver.hold = new Promise<void>((resolve) => { answer = resolve })
  const url = await receiver.listen(t)
  const { app } = await appWithHook(t, url)
  await submit(app, 'slow', { text: FRENCH })
  await until(t, 'the first try is held', () => receiver.requests === 1)
  const started = Date.now()
  await until(t, 'a second try after the timeout', () => receiver.requests === 2, 15000)
  t.ok(Date.now() - started >= 4000, 'not before the 5 s timeout')
  receiver.hold = undefined
  answer()
  await until(t, 'delivered in the end', () => receiver.deliveries.some((d) => d.body.id === 'slow'))
  t.ok((await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().deliveries.failed >= 1, 'the abandoned try counts as failed')
})

t.test('an event older than 24 h is given up, not sent', async (t) => {
  const receiver = new Receiver()
  const url = await receiver.listen(t)
  const { app, redis: client, config } = await appWithHook(t, url)
  // A decision from 25 hours ago, still in the outbox (the receiver was gone all that time).
  const keys = new SiteKeys(config.redisPrefix, 'rasa')
  const old = `${Date.now() - 25 * 3600 * 1000}-0`
  await client.xadd(keys.decisions, old, 'id', 'ancient', 'status', 'approved', 'reason', '', 'decidedBy', 'alice', 'decidedAt', String(Date.now() - 25 * 3600 * 1000), 'articleId', 'a', 'authorId', '', 'overturns', '')
  await client.hset(keys.outboxWait, 'ancient', '')
  await client.zadd(keys.outbox, Date.now(), `${old} ancient`)
  await until(t, 'it is given up', async () => (await app.inject({ url: '/v1/webhooks/status', headers: auth(KEYS.admin) })).json().deliveries.expired === 1)
  t.equal(receiver.requests, 0, 'nothing was sent')
  t.equal(await client.zcard(keys.outbox), 0, 'the outbox is empty')
  t.match((await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body, /^moderato_webhook_deliveries_total\{result="expired"\} 1$/m)
})
