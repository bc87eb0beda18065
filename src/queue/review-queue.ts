// The review queue across sites. Each site has its own queue (site-queue.ts) under its own
// hash tag, so nothing here runs a script over two sites: a moderator's claim reads the
// lanes of every site in scope, orders what it found by lane urgency then age, and takes
// each site's share with that site's own script. That is what lets sites spread over the
// shards of a Redis Cluster.
import type { RedisClient } from '../redis/connect.js'
import type { Config } from '../config.js'
import { ALL_LANES, siteRegistryKey, type QueueLane } from './keys.js'
import { SiteQueue, type Candidate, type ClaimFilter, type QueueOptions } from './site-queue.js'
import type { ClaimedItem, DecidedComment, QueueStats } from './records.js'

export * from './records.js'
export { SiteQueue, type ClaimFilter } from './site-queue.js'

/** How many times a claim reads the lanes again when others took what it read. */
const CLAIM_ROUNDS = 8
/** How deep in each lane a claim reads at most. */
const MAX_PEEK = 500
/** How deep a filtered claim reads first: most comments it reads are someone else's. */
const FILTERED_PEEK = 100

/**
 * How long WAIT may take for the replicas' acknowledgement: 80% of REDIS_TIMEOUT_MS, so that
 * it answers before the command timeout (else the answer would be a bare timeout).
 */
export const replicaAckTimeoutMs = (redisTimeoutMs: number): number => Math.max(10, Math.floor(redisTimeoutMs * 0.8))

export class ReviewQueue {
  private readonly queues = new Map<string, SiteQueue>()
  private readonly registered = new Set<string>()

  /** The queue as the service's settings describe it: the one way the service and the CLI build it. */
  static fromConfig (
    redis: RedisClient, config: Pick<Config, 'redisPrefix' | 'maxAttempts' | 'retentionMs' | 'apiKeys' | 'minReplicasAck' | 'redisTimeoutMs' | 'webhooks'>,
    clock?: () => number
  ): ReviewQueue {
    const sites = config.apiKeys.filter((k) => k.role === 'site').map((k) => k.name)
    return new ReviewQueue(redis, {
      prefix: config.redisPrefix,
      maxAttempts: config.maxAttempts,
      retentionMs: config.retentionMs,
      minReplicasAck: config.minReplicasAck,
      replicaAckTimeoutMs: replicaAckTimeoutMs(config.redisTimeoutMs),
      webhookSites: new Set(config.webhooks.map((h) => h.site)),
      ...(clock !== undefined ? { clock } : {})
    }, sites)
  }

  /** `configured`: the sites that have a key, known before they store anything. */
  constructor (private readonly redis: RedisClient, private readonly options: QueueOptions, private readonly configured: string[] = []) {}

  /** One site's queue. */
  site (site: string): SiteQueue {
    let q = this.queues.get(site)
    if (q === undefined) {
      q = new SiteQueue(this.redis, site, this.options)
      this.queues.set(site, q)
    }
    return q
  }

  /**
   * Notes that `site` stores comments, once per process: the registry is how cross-site
   * views find sites whose keys were removed, or that a migration brought in.
   */
  async register (site: string): Promise<void> {
    if (this.registered.has(site)) return
    await this.redis.sadd(siteRegistryKey(this.options.prefix), site)
    this.registered.add(site)
  }

  /** Every site: those with a key and those that have stored comments, sorted. */
  async sites (): Promise<string[]> {
    const stored = await this.redis.smembers(siteRegistryKey(this.options.prefix))
    return [...new Set([...this.configured, ...stored])].sort()
  }

  /**
   * Leases up to `max` comments of `sites` to `holder`: most urgent lane first, then oldest
   * first, whichever site they come from. Each site takes its share with its own script, from
   * the candidates this claim read. Claimers running at once read the same heads of line, so
   * a claim that lost candidates to another reads again, deeper each time (×4): under
   * contention the claims spread over the line instead of fighting over its head.
   * With a filter (an article, an author) the claim reads deeper from the start, and takes
   * only the matching comments it finds within MAX_PEEK of each lane's head.
   */
  async claim (sites: string[], holder: string, options: { max: number, leaseMs: number, lanes?: QueueLane[], filter?: ClaimFilter }): Promise<ClaimedItem[]> {
    const lanes = options.lanes ?? ALL_LANES.filter((l) => l !== 'dead')
    const items: ClaimedItem[] = []
    let depth = options.filter !== undefined ? Math.max(options.max, FILTERED_PEEK) : options.max
    for (let round = 0; round < CLAIM_ROUNDS && items.length < options.max; round++, depth = Math.min(depth * 4, MAX_PEEK)) {
      const want = options.max - items.length
      const peeks = await Promise.all(sites.map(async (site) => ({ site, peek: await this.site(site).peek(lanes, depth, options.filter) })))
      const all: Array<Candidate & { site: string }> = peeks.flatMap(({ site, peek }) => peek.candidates.map((c) => ({ ...c, site })))
      if (all.length === 0) {
        // A filtered read may find nothing near the head of the line: read deeper.
        if (options.filter !== undefined && depth < MAX_PEEK) continue
        break
      }
      all.sort((a, b) => a.urgency - b.urgency || a.place - b.place)
      // A site's share is how many of the first `want` are its; the rest of what was read
      // stands by in case others take some first.
      const shares = new Map<string, { max: number, ids: string[] }>()
      all.slice(0, depth).forEach((c, i) => {
        const share = shares.get(c.site) ?? { max: 0, ids: [] }
        if (i < want) share.max++
        share.ids.push(c.id)
        shares.set(c.site, share)
      })
      const taken = (await Promise.all([...shares].filter(([, s]) => s.max > 0).map(async ([site, s]) =>
        await this.site(site).take(holder, [], s.ids, { max: s.max, leaseMs: options.leaseMs, lanes })))).flat()
      const order = new Map(all.map((c, i) => [`${c.site}\0${c.id}`, i]))
      items.push(...taken.sort((a, b) => order.get(`${a.site}\0${a.id}`)! - order.get(`${b.site}\0${b.id}`)!))
      // Everything there was has been taken: the lanes hold no more. (A filtered read keeps
      // fewer than it read, so it stops once it has read as deep as a claim reads.)
      if (taken.length === want || (options.filter === undefined ? all.length < depth : depth >= MAX_PEEK)) break
    }
    return items
  }

  /** The comments `holder` holds a lease on, in `sites`, soonest expiry first. */
  async leasedBy (sites: string[], holder: string): Promise<ClaimedItem[]> {
    const each = await Promise.all(sites.map(async (s) => await this.site(s).leasedBy(holder)))
    return each.flat().sort((a, b) => a.leaseExpiresAt - b.leaseExpiresAt)
  }

  /** Figures of several sites added up; the oldest age is the oldest of any. */
  async stats (sites: string[]): Promise<QueueStats> {
    const each = await Promise.all(sites.map(async (s) => await this.site(s).stats()))
    const lanes = {} as QueueStats['lanes']
    for (const lane of ALL_LANES) {
      const ages = each.map((s) => s.lanes[lane].oldestAgeSeconds).filter((a): a is number => a !== null)
      lanes[lane] = { depth: each.reduce((n, s) => n + s.lanes[lane].depth, 0), oldestAgeSeconds: ages.length > 0 ? Math.max(...ages) : null }
    }
    const sum = (k: 'leased' | 'expiredLeases' | 'decisionsLastHour'): number => each.reduce((n, s) => n + s[k], 0)
    return { lanes, leased: sum('leased'), expiredLeases: sum('expiredLeases'), deadLetter: lanes.dead.depth, decisionsLastHour: sum('decisionsLastHour') }
  }

  /** Every decided comment of `sites`, site by site, each in decision order. */
  async * exportDecided (sites: string[], batch = 500): AsyncGenerator<DecidedComment> {
    for (const site of sites) yield * this.site(site).exportDecided(batch)
  }

  async ping (): Promise<void> {
    await this.redis.ping()
  }
}
