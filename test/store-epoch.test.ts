// Redis restarted with empty data is noticed: readiness fails, writes answer 503 STORE_LOST
// and nothing is taken as new under an old id, until an admin accepts the store.
import t from 'tap'
import { Redis } from 'ioredis'
import { startRedis, buildTestApp, auth, KEYS, comment, until } from './helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']
const ready = async (app: App) => (await app.inject({ url: '/readyz' })).json()
const submit = async (app: App, id: string) => await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id }) })

t.test('a Redis restarted empty stops writes until an admin accepts the store', async (t) => {
  const first = await startRedis(t)
  const port = Number(new URL(first.url).port)
  const prefix = 'epoch-test'
  const { app } = await buildTestApp(t, first.url, { REDIS_PREFIX: prefix })
  t.equal((await submit(app, 'before')).statusCode, 202)
  t.match(await ready(app), { status: 'ready', store: 'ok' })

  // The same address, a new redis-server with an empty data directory.
  await first.stop()
  await startRedis(t, { port })
  await until(t, 'the loss is noticed', async () => (await ready(app).catch(() => ({}))).store === 'lost')
  const readyz = await app.inject({ url: '/readyz' })
  t.equal(readyz.statusCode, 503)
  t.match(readyz.json(), { status: 'unavailable', redis: 'ok', store: 'lost' })

  const refused = await submit(app, 'before')
  t.equal(refused.statusCode, 503, 'the old id is not taken as new')
  t.equal(refused.json().code, 'STORE_LOST')
  t.match(refused.json().message, /accept-empty-store/)
  const decision = await app.inject({ method: 'POST', url: '/v1/review/before/decision', headers: auth(KEYS.alice), payload: { decision: 'approve' } })
  t.equal(decision.json().code, 'STORE_LOST', 'decisions are refused too')
  t.equal((await app.inject({ url: '/v1/comments/before', headers: auth(KEYS.site) })).statusCode, 404, 'reads still work')
  t.match((await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body, /^moderato_store_lost 1$/m)

  // A process started after the loss finds no marker and makes one: the first process
  // still knows better.
  const second = await buildTestApp(t, `redis://127.0.0.1:${port}`, { REDIS_PREFIX: prefix })
  await second.app.ready()
  t.match(await ready(second.app), { store: 'ok' }, 'a process started on the empty store cannot tell')
  t.match(await ready(app), { store: 'lost' }, 'the running one still refuses: the new marker was not accepted')

  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/accept-empty-store', headers: auth(KEYS.alice) })).statusCode, 403, 'admins only')
  const accepted = await app.inject({ method: 'POST', url: '/v1/admin/accept-empty-store', headers: auth(KEYS.admin) })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), { store: 'ok', epoch: String })
  t.match(await ready(app), { status: 'ready', store: 'ok' })
  t.equal((await submit(app, 'after')).statusCode, 202, 'writes resume')
  t.match((await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body, /^moderato_store_lost 0$/m)
  t.match(await ready(second.app), { status: 'ready', store: 'ok' }, 'the other process follows the accepted marker')
  t.equal((await submit(second.app, 'after-2')).statusCode, 202)
})

t.test('ACCEPT_EMPTY_STORE=true carries on by itself after a loss', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { ACCEPT_EMPTY_STORE: 'true' })
  t.equal((await submit(app, 'one')).statusCode, 202)
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  await client.flushall()
  t.match(await ready(app), { status: 'ready', store: 'ok' }, 'noticed, logged and accepted in one check')
  t.equal((await submit(app, 'one')).statusCode, 202, 'writes go on')
})

t.test('an accepted marker older than ours came back with an old backup: still a loss', async (t) => {
  const { StoreEpoch, epochKey } = await import('../src/redis/store-epoch.js')
  const redis = await startRedis(t)
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  const events: string[] = []
  const epoch = new StoreEpoch(client, 'skew', { lost: () => events.push('lost'), adopted: () => events.push('adopted') })
  t.equal(await epoch.check(), 'ok', 'the first check makes the marker')
  await client.set(epochKey('skew'), JSON.stringify({ id: 'from-a-backup', origin: 'accepted', at: Date.now() - 3600000 }))
  t.equal(await epoch.check(), 'lost')
  await client.set(epochKey('skew'), JSON.stringify({ id: 'accepted-now', origin: 'accepted', at: Date.now() }))
  t.equal(await epoch.check(), 'ok', 'a marker accepted now is adopted')
  t.same(events, ['lost', 'adopted'])
  t.equal(epoch.id, 'accepted-now')
})
