// Delivers each site's decisions to its webhook, from the site's outbox in Redis (written in
// the same script as the decision, so no decision is left out). At least once: an event
// leaves the outbox only after a 2xx. Each process runs the same loop; an event is leased
// while one process delivers it, so two processes never send it at the same time, and a
// process that dies mid-delivery leaves it to another once the lease runs out (a duplicate,
// with the same Idempotency-Key, never a loss). Events of one comment go out in order: the
// outbox lets the next one in only when the previous one is done.
import type { FastifyBaseLogger } from 'fastify'
import type { Webhook } from '../config.js'
import type { ReviewQueue, SiteQueue } from '../queue/review-queue.js'
import type { RulesStore } from '../rules/store.js'
import { feedItem } from '../routes/feed-item.js'
import { VERSION } from '../version.js'
import { postWebhook, RefusedTarget } from './post.js'
import { SIGNATURE_HEADER, signWebhook } from './signature.js'

/** Each try has this long to get an answer. */
export const DELIVERY_TIMEOUT_MS = 5000
/** An event is leased for this long: longer than a try can take. */
const LEASE_MS = 3 * DELIVERY_TIMEOUT_MS
/** Retries stop this long after the decision. */
export const GIVE_UP_AFTER_MS = 24 * 3600 * 1000
/** The longest wait between two tries. */
const MAX_BACKOFF_MS = 3600 * 1000
/** Events taken at once per site. */
const BATCH = 20
/** How often an idle loop looks at the outbox. */
const IDLE_POLL_MS = 200

export type DeliveryResult = 'delivered' | 'failed' | 'gone' | 'expired' | 'refused'

export interface DeliveryCounts { delivered: number, failed: number, gone: number, expired: number, refused: number }

export class WebhookDeliverer {
  readonly counts: DeliveryCounts = { delivered: 0, failed: 0, gone: 0, expired: 0, refused: 0 }
  private stopped = false
  private readonly loops: Array<Promise<void>> = []
  /** Wakes the idle loops at stop. */
  private readonly wakers = new Set<() => void>()

  constructor (
    private readonly queue: ReviewQueue,
    private readonly rules: RulesStore,
    readonly hooks: Webhook[],
    private readonly options: { allowPrivate: boolean, retryBaseMs: number, log: FastifyBaseLogger, onResult?: (result: DeliveryResult) => void }
  ) {}

  start (): void {
    for (const hook of this.hooks) this.loops.push(this.loop(hook))
  }

  /** Stops taking events and waits for the tries in flight (each ends within its timeout). */
  async stop (): Promise<void> {
    this.stopped = true
    for (const wake of this.wakers) wake()
    await Promise.all(this.loops)
  }

  private async loop (hook: Webhook): Promise<void> {
    const site = this.queue.site(hook.site)
    while (!this.stopped) {
      let taken = 0
      try {
        taken = await this.pump(hook, site)
      } catch (err) {
        // Redis away: the events stay in the outbox; try again shortly.
        this.options.log.warn({ site: hook.site, err: (err as Error).message }, 'webhook outbox unavailable')
      }
      if (taken === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const done = (): void => { clearTimeout(timer); this.wakers.delete(done); resolve() }
          const timer = setTimeout(done, IDLE_POLL_MS)
          this.wakers.add(done)
        })
      }
    }
  }

  /** Takes the due events of one site and tries each; returns how many it took. */
  private async pump (hook: Webhook, site: SiteQueue): Promise<number> {
    const gone = await site.webhookGone()
    // The receiver said 410 Gone: nothing more goes to that URL (a new URL resumes delivery).
    if (gone?.url === hook.url.href) return 0
    const members = await site.outboxTake(BATCH, LEASE_MS)
    await Promise.all(members.map(async (m) => { await this.deliver(hook, site, m) }))
    return members.length
  }

  private async deliver (hook: Webhook, site: SiteQueue, member: string): Promise<void> {
    const cursor = member.slice(0, member.indexOf(' '))
    const eventId = `${hook.site}:${cursor}`
    const entry = Date.now() - Number(cursor.split('-')[0]) > GIVE_UP_AFTER_MS ? undefined : await site.feedEntry(cursor)
    if (entry === undefined) {
      // Past the retry window, or removed by retention: give up on it, loudly.
      if (await site.outboxDone(member)) this.count('expired')
      this.options.log.error({ site: hook.site, event: eventId }, 'webhook event given up: undelivered for 24 h, or older than the retention')
      return
    }
    const body = JSON.stringify(feedItem(entry, this.rules.forSite(hook.site)))
    const headers = {
      'content-type': 'application/json',
      'user-agent': `Moderato/${VERSION}`,
      [SIGNATURE_HEADER]: signWebhook(body, hook.secrets),
      'idempotency-key': eventId,
      'moderato-event-id': eventId,
      'moderato-site': hook.site
    }
    let status: number | undefined
    let problem: string | undefined
    let result: DeliveryResult
    try {
      status = await postWebhook(hook.url, body, headers, { timeoutMs: DELIVERY_TIMEOUT_MS, allowPrivate: this.options.allowPrivate })
      result = status >= 200 && status < 300 ? 'delivered' : status === 410 ? 'gone' : 'failed'
    } catch (err) {
      problem = `${(err as Error).name}: ${(err as Error).message}`
      result = err instanceof RefusedTarget ? 'refused' : 'failed'
    }
    if (result === 'delivered') {
      if (await site.outboxDone(member)) this.count('delivered')
      return
    }
    this.count(result)
    if (result === 'gone') {
      await site.setWebhookGone(hook.url.href)
      this.options.log.error({ site: hook.site, url: hook.url.href }, 'webhook URL answered 410 Gone: no more deliveries to it until the URL changes; decisions stay in the feed and the outbox')
    }
    const tries = await site.outboxRetry(member, { baseMs: this.options.retryBaseMs, maxMs: MAX_BACKOFF_MS, jitter: 0.5 + Math.random() / 2 })
    this.options.log.warn({ site: hook.site, event: eventId, status, problem, tries }, 'webhook delivery failed; it will be tried again')
  }

  private count (result: DeliveryResult): void {
    this.counts[result]++
    this.options.onResult?.(result)
  }
}
