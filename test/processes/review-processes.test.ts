// Two service processes, four moderators, and one process killed with SIGKILL in the
// middle of decisions: each comment ends decided exactly once or still pending.
import t from 'tap'
import { Redis } from 'ioredis'
import { startRedis, startServer, API_KEYS, KEYS, until } from '../helper.js'
import { SiteKeys } from '../../src/queue/keys.js'

const redis = await startRedis(t, { appendfsync: 'always' })
const env = { REDIS_URL: redis.url, API_KEYS, REDIS_PREFIX: 'procs', RATE_LIMIT_MAX: '100000' }
const a = startServer(t, env)
const b = startServer(t, env)
const [baseA, baseB] = await Promise.all([a.address, b.address])

interface Reply { items: Array<{ id: string, leaseExpiresAt: string }>, leased: number, lanes: Record<string, { depth: number }> }

async function call (base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number, json: Reply }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  return { status: res.status, json: await res.json() as Reply }
}

const TOTAL = 240
await Promise.all(Array.from({ length: TOTAL }, (_, i) =>
  call(i % 2 === 0 ? baseA : baseB, KEYS.site, 'POST', '/v1/comments', { id: `p${i}`, articleId: 'a', text: `Comment number ${i} about the new bridge.` })))

const LEASE_MS = 5000

t.test('moderators on two processes; one process is SIGKILLed mid-decisions', async (t) => {
  // Who holds each comment, and until when (the server's clock): a second claim is a double
  // claim only if it began before the first lease ran out. A lease of process A's
  // moderators runs out after A is killed, and B's moderators rightly take the comment then.
  const claimedBy = new Map<string, { name: string, until: number }>()
  const doubleClaims: string[] = []
  let decided = 0
  let killed = false
  const moderator = async (name: keyof typeof KEYS, base: string): Promise<void> => {
    for (;;) {
      let items: Array<{ id: string, leaseExpiresAt: string }>
      try {
        const res = await call(base, KEYS[name], 'POST', '/v1/review/claim', { max: 3, leaseSeconds: LEASE_MS / 1000 })
        items = res.json.items
      } catch {
        return // this process was killed
      }
      if (items.length === 0) return
      for (const { id, leaseExpiresAt } of items) {
        const until = Date.parse(leaseExpiresAt)
        const holder = claimedBy.get(id)
        if (holder !== undefined && until - LEASE_MS < holder.until) doubleClaims.push(`${id}: ${holder.name} and ${name}`)
        claimedBy.set(id, { name, until })
        try {
          const res = await call(base, KEYS[name], 'POST', `/v1/review/${id}/decision`, { decision: Number(id.slice(1)) % 2 === 0 ? 'approve' : 'reject', reason: Number(id.slice(1)) % 2 === 0 ? undefined : 'off-topic' })
          if (res.status === 200) decided++
        } catch {
          return
        }
        if (!killed && decided >= 80) {
          killed = true
          a.child.kill('SIGKILL')
        }
      }
    }
  }
  await Promise.all([moderator('alice', baseA), moderator('bob', baseB), moderator('carol', baseA), moderator('dave', baseB)])
  t.ok(killed, 'process A was killed during the run')
  t.same(doubleClaims, [], 'no comment was held by two moderators at once')

  // What process A held when it died comes back once its 5 s leases run out: B claims and
  // decides until everything is decided, with no fixed wait for the leases.
  const admin = new Redis(redis.url)
  t.teardown(() => admin.disconnect())
  const keys = new SiteKeys('procs', 'rasa')
  await until(t, 'B decides what A held once its leases run out', async () => {
    const res = await call(baseB, KEYS.bob, 'POST', '/v1/review/claim', { max: 50, leaseSeconds: 60 })
    for (const { id } of res.json.items) {
      const r = await call(baseB, KEYS.bob, 'POST', `/v1/review/${id}/decision`, { decision: 'approve' })
      t.equal(r.status, 200)
    }
    return res.json.items.length === 0 && await admin.zcard(keys.leases) === 0
  })

  const feed = await admin.xrange(keys.decisions, '-', '+')
  const perId = new Map<string, number>()
  for (const [, fields] of feed) {
    const id = fields[fields.indexOf('id') + 1]!
    perId.set(id, (perId.get(id) ?? 0) + 1)
  }
  const twice = [...perId].filter(([, n]) => n > 1)
  t.same(twice, [], 'no comment decided twice')
  t.equal(perId.size, TOTAL, 'every comment decided in the end: none lost')
  for (let i = 0; i < TOTAL; i++) {
    const status = await admin.hget(keys.comment(`p${i}`), 'status')
    t.ok(status === 'approved' || status === 'rejected', `p${i} is decided (${status})`)
  }
  const stats = await call(baseB, KEYS.admin, 'GET', '/v1/review/stats')
  t.equal(stats.json.leased, 0)
  t.equal(stats.json.lanes.normal!.depth, 0)
})
