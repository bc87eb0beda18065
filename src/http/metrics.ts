// Prometheus metrics at GET /metrics (admin key): requests by route and status with their
// latency, what intake decided, moderators' decisions, the Node process (event-loop lag,
// heap, GC), and, read when scraped, queue depth per lane and the running rules.
// One registry per app, so several apps in one process (tests) never share counters.
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { ALL_LANES } from '../queue/keys.js'
import type { DecisionKind, Screening, Verdict } from '../screening/types.js'
import { errorResponses } from './error-schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export class Metrics {
  readonly registry = new Registry()
  private readonly registers = [this.registry]

  readonly requests = new Counter({
    name: 'moderato_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: this.registers
  })

  readonly duration = new Histogram({
    name: 'moderato_http_request_duration_seconds',
    help: 'Time from request to response, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: this.registers
  })

  private readonly comments = new Counter({
    name: 'moderato_comments_total',
    help: 'New comments stored, by status (pending: queued for review; approved or rejected: decided at once) and lane',
    labelNames: ['status', 'lane'] as const,
    registers: this.registers
  })

  private readonly flags = new Counter({
    name: 'moderato_flags_total',
    help: 'Flags raised on new comments, by category',
    labelNames: ['category'] as const,
    registers: this.registers
  })

  private readonly decisions = new Counter({
    name: 'moderato_decisions_total',
    help: 'Decisions made by moderators (a repeated identical decision is not counted)',
    labelNames: ['decision'] as const,
    registers: this.registers
  })

  /** A comment stored for the first time (an idempotent replay is not counted). */
  commentStored (screening: Screening, verdict: Verdict): void {
    this.comments.inc({ status: verdict.status, lane: verdict.lane })
    for (const f of screening.flags) this.flags.inc({ category: f.category })
  }

  decisionMade (decision: DecisionKind): void {
    this.decisions.inc({ decision })
  }
}

const metricsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const metrics = new Metrics()
  const { registry } = metrics
  collectDefaultMetrics({ register: registry })

  // Read when scraped: a gauge kept up to date on every change would cost the intake path.
  const redisUp = new Gauge({ name: 'moderato_redis_up', help: '1 when the queue\'s Redis answered the last scrape, else 0', registers: [registry] })
  const depth = new Gauge({ name: 'moderato_queue_depth', help: 'Comments waiting in each lane: queued, or back from a lease that ran out (not counting live leases)', labelNames: ['lane'] as const, registers: [registry] })
  const leased = new Gauge({ name: 'moderato_queue_leased', help: 'Comments held by moderators under a live lease', registers: [registry] })
  const expiredLeases = new Gauge({ name: 'moderato_queue_expired_leases', help: 'Leases that ran out and are not yet swept back (their comments count as waiting in their lanes)', registers: [registry] })
  const oldest = new Gauge({ name: 'moderato_queue_oldest_age_seconds', help: 'Age of the oldest comment waiting in each lane', labelNames: ['lane'] as const, registers: [registry] })
  const rules = new Gauge({ name: 'moderato_rules_info', help: 'The rules version running here (value 1)', labelNames: ['version'] as const, registers: [registry] })
  const pooled = new Gauge({ name: 'moderato_screen_threads_comments', help: 'Long comments since start screened on worker threads (answered), or handed back to the main thread (fell_back: the threads could not load its rules version, or failed)', labelNames: ['outcome'] as const, registers: [registry] })
  const redisRestarts = new Gauge({ name: 'moderato_embedded_redis_restarts', help: 'Times since start the embedded redis-server (no REDIS_URL) was started again after it died', registers: [registry] })
  const storeLost = new Gauge({ name: 'moderato_store_lost', help: '1 while Redis has lost its data and writes are refused (POST /v1/admin/accept-empty-store resumes them)', registers: [registry] })
  const rulesError = new Gauge({ name: 'moderato_rules_reload_failed', help: '1 when the last reload of the rules failed (the last good rules keep running)', registers: [registry] })

  async function readQueue (): Promise<void> {
    depth.reset()
    oldest.reset()
    leased.reset()
    expiredLeases.reset()
    try {
      const stats = await app.queue.stats(await app.queue.sites())
      for (const lane of ALL_LANES) {
        depth.set({ lane }, stats.lanes[lane].depth)
        const age = stats.lanes[lane].oldestAgeSeconds
        if (age !== null) oldest.set({ lane }, age)
      }
      leased.set(stats.leased)
      expiredLeases.set(stats.expiredLeases)
      redisUp.set(1)
    } catch {
      // Redis down: say so, and leave the queue figures out rather than report stale ones.
      redisUp.set(0)
    }
  }

  app.decorate('metrics', metrics)

  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: ids in paths would make a series per comment.
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.requests.inc({ method: request.method, route, status: reply.statusCode })
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000)
    done()
  })

  app.get('/metrics', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['ops'],
      summary: 'Prometheus metrics (text exposition format)',
      description: 'Requests, latency, intake outcomes and flags, decisions, queue depth per lane, the running rules version, and the Node process. Scrape with the admin key as a bearer token.',
      response: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
        ...errorResponses(401, 403, 429)
      }
    }
  }, async (_request, reply) => {
    await readQueue()
    const status = app.rules.status()
    rules.reset()
    rules.set({ version: status.version }, 1)
    rulesError.set(status.lastError === null ? 0 : 1)
    storeLost.set(app.epoch.state === 'lost' ? 1 : 0)
    if (app.embeddedRedis !== undefined) redisRestarts.set(app.embeddedRedis.restarts)
    const counts = app.screenPool?.counts
    if (counts !== undefined) {
      pooled.set({ outcome: 'answered' }, counts.answered)
      pooled.set({ outcome: 'fell_back' }, counts.fellBack)
    }
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default fp(metricsPlugin, { name: 'moderato-metrics' })
