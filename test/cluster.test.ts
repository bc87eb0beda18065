// The service on a real Redis Cluster (3 primaries, 3 replicas): four sites through intake,
// claim, decide, feed and stats, their keys spread over the shards.
import t from 'tap'
import { buildTestApp, auth, KEYS, API_KEYS, comment } from './helper.js'
import { startCluster, keysPerPrimary } from './cluster-helper.js'
import { SiteKeys } from '../src/queue/keys.js'

const cluster = await startCluster(t)
const SITES = ['north', 'south', 'east', 'west']
const siteKey = (s: string): string => `site-secret-${s}`

t.test('four sites on a Redis Cluster: intake, claim across sites, decide, feeds and stats', async (t) => {
  const { app, config } = await buildTestApp(t, '', {
    REDIS_CLUSTER_NODES: cluster.seeds,
    API_KEYS: [API_KEYS, ...SITES.map((s) => `site:${s}:${siteKey(s)}`)].join(','),
    RATE_LIMIT_MAX: '100000'
  })
  const inject = async (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    await app.inject({ method, url, headers: auth(key), ...(payload !== undefined ? { payload } : {}) })

  for (const s of SITES) {
    for (let i = 0; i < 3; i++) {
      const res = await inject(siteKey(s), 'POST', '/v1/comments', comment({ id: `c-${i}`, text: i === 0 ? 'You are an idiot and a liar' : `A calm remark number ${i} about the new bridge.` }))
      t.equal(res.statusCode, 202, `${s} c-${i} accepted`)
    }
  }
  const perShard = await keysPerPrimary(cluster, SiteKeys.everySite(config.redisPrefix))
  const shardsUsed = [...perShard.values()].filter((n) => n > 0).length
  t.ok(shardsUsed >= 2, `the sites' keys live on ${shardsUsed} of ${perShard.size} shards`)

  const stats = (await inject(KEYS.admin, 'GET', '/v1/review/stats')).json()
  const waiting = Object.values(stats.lanes as Record<string, { depth: number }>).reduce((n, l) => n + l.depth, 0)
  t.equal(waiting, 12, 'stats add up the four sites')

  const claimed = await inject(KEYS.alice, 'POST', '/v1/review/claim', { max: 50 })
  t.equal(claimed.statusCode, 200, claimed.body)
  const items = claimed.json().items as Array<{ id: string, site: string, screening: { flags: unknown[] } }>
  t.equal(items.length, 12, 'one claim takes from every site')
  t.same(new Set(items.slice(0, 4).map((i) => i.site)), new Set(SITES), 'the flagged comment of every site comes first')
  t.ok(items.slice(0, 4).every((i) => i.id === 'c-0'))
  for (const item of items) {
    const res = await inject(KEYS.alice, 'POST', `/v1/review/${item.id}/decision?site=${item.site}`, item.id === 'c-0' ? { decision: 'reject', reason: 'insult' } : { decision: 'approve' })
    t.equal(res.statusCode, 200, `decided ${item.site}/${item.id}`)
  }
  for (const s of SITES) {
    const feed = (await inject(siteKey(s), 'GET', '/v1/decisions')).json()
    t.same(feed.items.map((i: { id: string, status: string }) => `${i.id} ${i.status}`).sort(), ['c-0 rejected', 'c-1 approved', 'c-2 approved'], `${s} reads its own three decisions`)
  }
  const after = (await inject(KEYS.admin, 'GET', '/v1/review/stats')).json()
  t.equal(after.decisionsLastHour, 12)
  t.equal(after.leased, 0)
  t.equal((await inject(siteKey('north'), 'GET', '/v1/comments/c-1')).json().status, 'approved')
  t.equal((await inject(KEYS.admin, 'GET', '/readyz')).statusCode, 200, 'ready on the Cluster')
})
