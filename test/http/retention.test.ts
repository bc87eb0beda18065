// RETENTION_DAYS: decided comments and their feed entries leave Redis after the retention;
// comments still waiting for review never do.
import t, { type Test } from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, until } from '../helper.js'
import { SiteKeys } from '../../src/queue/keys.js'

const redis = await startRedis(t)
const site = auth(KEYS.site)
const alice = auth(KEYS.alice)
const SPANISH = 'Este artículo sobre el puente nuevo está muy bien escrito y me gustó mucho leerlo.'

async function fresh (t: Test, env: Record<string, string> = {}) {
  const built = await buildTestApp(t, redis.url, env)
  const { app } = built
  const submit = async (id: string, text?: string) =>
    await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id, ...(text !== undefined ? { text } : {}) }) })
  const status = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/comments/${id}`, headers: site })).statusCode
  const feed = async () => (await app.inject({ method: 'GET', url: '/v1/decisions', headers: site })).json().items.map((i: { id: string }) => i.id)
  const keys = new SiteKeys(built.config.redisPrefix, 'rasa')
  const keysOf = (id: string) => [keys.comment(id), keys.history(id)]
  const ttls = async (id: string) => await Promise.all(keysOf(id).map(async (k) => await built.redis.pttl(k)))
  return { ...built, submit, status, feed, keysOf, ttls }
}

t.test('decided comments expire after RETENTION_DAYS; pending ones stay', async (t) => {
  const retentionMs = 1728 // 0.00002 days
  const { app, redis, submit, status, feed, keysOf, ttls } = await fresh(t, { RETENTION_DAYS: '0.00002' })
  t.equal((await submit('rej', SPANISH)).json().status, 'rejected', 'rejected at once: not English')
  t.equal((await submit('dec')).statusCode, 202)
  t.equal((await submit('keep')).statusCode, 202)
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: alice, payload: { max: 1 } })
  t.same(claimed.json().items.map((i: { id: string }) => i.id), ['dec'])
  t.equal((await app.inject({ method: 'POST', url: '/v1/review/dec/decision', headers: alice, payload: { decision: 'approve' } })).statusCode, 200)
  const lastDecided = Date.now()

  for (const id of ['rej', 'dec']) {
    for (const ttl of await ttls(id)) t.ok(ttl > 0 && ttl <= retentionMs, `${id}: record and history expire within the retention (${ttl} ms)`)
  }
  t.same(await ttls('keep'), [-1, -1], 'a pending comment has no expiry')
  t.same(await feed(), ['rej', 'dec'])

  // Redis expires the keys; the feed drops entries by the queue's clock: wait for both.
  await until(t, 'the decided comments expire with the retention', async () =>
    Date.now() > lastDecided + retentionMs + 20 && await status('rej') === 404 && await status('dec') === 404)
  t.equal(await status('rej'), 404, 'gone after the retention')
  t.equal(await status('dec'), 404)
  t.equal(await redis.exists(...keysOf('dec'), ...keysOf('rej')), 0, 'no key of theirs is left in Redis')
  t.equal(await status('keep'), 200, 'the pending comment is still there')

  t.equal((await submit('late', SPANISH)).json().status, 'rejected')
  t.same(await feed(), ['late'], 'the feed dropped the decisions older than the retention')
  const again = await submit('rej', SPANISH)
  t.equal(again.headers['idempotent-replayed'], 'false', 'an expired id is a new comment')
  const still = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: alice, payload: { max: 5 } })
  t.same(still.json().items.map((i: { id: string }) => i.id), ['keep'], 'the pending comment can still be claimed')
})

t.test('without RETENTION_DAYS decided comments are kept', async (t) => {
  const { submit, ttls, feed, status } = await fresh(t)
  await submit('rej', SPANISH)
  t.same(await ttls('rej'), [-1, -1], 'no expiry on record or history')
  t.same(await feed(), ['rej'])
  t.equal(await status('rej'), 200)
})
