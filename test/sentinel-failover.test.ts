// Acknowledged means replicated: with REDIS_MIN_REPLICAS_ACK=1, a primary SIGKILLed three
// times in a row under steady intake and decisions loses no comment answered 202 and no
// decision answered 200, and writes come back within 10 s of each kill.
import t from 'tap'
import { Redis } from 'ioredis'
import { buildTestApp, auth, KEYS, comment, until } from './helper.js'
import { startSentinel } from './sentinel-helper.js'
import { SiteKeys } from '../src/queue/keys.js'

const KILLS = 3
const RESUME_WITHIN_MS = 10000

t.test('three primary failovers under load: every acknowledged comment and decision survives', async (t) => {
  const topology = await startSentinel(t)
  const { app, config, redis } = await buildTestApp(t, '', {
    REDIS_SENTINELS: topology.sentinels,
    REDIS_MIN_REPLICAS_ACK: '1',
    REDIS_TIMEOUT_MS: '1000',
    RATE_LIMIT_MAX: '1000000'
  })
  const acked: string[] = []
  const decided: string[] = []
  let lastAck = 0
  let lastAnswer = ''
  let running = true

  const intake = (async () => {
    for (let i = 0; running; i++) {
      const started = Date.now()
      const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id: `f-${i}`, text: `A calm remark number ${i} about the bridge.` }) })
      lastAnswer = `${res.statusCode} ${res.statusCode === 202 ? '' : res.json().message}`
      if (res.statusCode === 202) { acked.push(`f-${i}`); lastAck = started } else await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  const review = (async () => {
    while (running) {
      const claim = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { max: 5 } })
      const items = claim.statusCode === 200 ? claim.json().items as Array<{ id: string }> : []
      for (const item of items) {
        const res = await app.inject({ method: 'POST', url: `/v1/review/${item.id}/decision`, headers: auth(KEYS.alice), payload: { decision: 'approve' } })
        if (res.statusCode === 200) decided.push(item.id)
      }
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()

  const resumeTimes: number[] = []
  for (let k = 1; k <= KILLS; k++) {
    const before = acked.length
    await until(t, `steady intake before kill ${k}`, () => acked.length >= before + 20 && decided.length > 0)
    const primary = await topology.primaryPort()
    const killedAt = Date.now()
    await topology.servers.get(primary)!.kill()
    await until(t, `the sentinels promote a replica after kill ${k}`, async () => { const p = await topology.primaryPort(); return p !== 0 && p !== primary }, 30000)
    const promotedAfter = Date.now() - killedAt
    await topology.restartAsReplica(primary, await topology.primaryPort())
    t.comment(`kill ${k}: promoted after ${promotedAfter} ms, old primary back as replica after ${Date.now() - killedAt} ms`)

    await until(t, `writes acknowledged again after kill ${k}`, () => lastAck > killedAt, 30000)
    if (lastAck <= killedAt) {
      const link = redis as Redis & { stream?: { remotePort?: number } }
      const role = await link.call('ROLE').then((r) => JSON.stringify(r).slice(0, 80), (err: Error) => err.message)
      t.comment(`${await topology.describe()}; last intake answer: ${lastAnswer}; the service's connection: ${link.status} to port ${link.stream?.remotePort}, ROLE ${role}`)
    }
    resumeTimes.push(lastAck - killedAt)
  }
  running = false
  await Promise.all([intake, review])
  t.comment(`acknowledged ${acked.length} comments and ${decided.length} decisions; writes resumed ${resumeTimes.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after the kills`)
  for (const [i, ms] of resumeTimes.entries()) t.ok(ms < RESUME_WITHIN_MS, `kill ${i + 1}: writes resumed after ${ms} ms (< ${RESUME_WITHIN_MS})`)

  // Read back from the primary the sentinels name now.
  const check = new Redis(topology.servers.get(await topology.primaryPort())!.url, { maxRetriesPerRequest: 1 })
  t.teardown(() => check.disconnect())
  t.match(await check.info('replication'), /role:master/, 'reading from the primary')
  const keys = new SiteKeys(config.redisPrefix, 'rasa')
  const lost = (await Promise.all(acked.map(async (id) => await check.exists(keys.comment(id)) === 1 ? undefined : id))).filter(Boolean)
  t.same(lost, [], `none of the ${acked.length} acknowledged comments is lost`)
  const undecided = (await Promise.all(decided.map(async (id) => { const s = await check.hget(keys.comment(id), 'status'); return s === 'approved' ? undefined : `${id}: ${s}` }))).filter(Boolean)
  t.same(undecided, [], `every one of the ${decided.length} acknowledged decisions is there`)
  const feed = await check.xrange(keys.decisions, '-', '+')
  const ids = feed.map(([, f]) => f[f.indexOf('id') + 1])
  t.equal(new Set(ids).size, ids.length, 'no comment twice in the feed')
  t.ok(decided.every((id) => ids.includes(id)), 'every acknowledged decision is in the feed')
  check.disconnect()
  await topology.killAll()
})
