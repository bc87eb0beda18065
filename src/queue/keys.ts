// Every Redis key Moderato uses is built here, and nowhere else.
// Each site's keys share one hash tag, "{s:<site>}": on Redis Cluster a site lives in one
// slot (so its scripts are atomic there), and different sites spread over the shards.
// Scripts receive every key they touch in KEYS (see scriptKeys), never build one.
import { DEAD_LANE, LANES, REPORTED_LANE } from '../screening/types.js'
import { SITE_ID } from '../site-id.js'

export type QueueLane = typeof REPORTED_LANE | typeof LANES[number] | typeof DEAD_LANE

/**
 * Most urgent first. Reported comments come first: they are published, and readers
 * flagged them. The dead-letter lane is last, and claimed only on request.
 */
export const ALL_LANES: QueueLane[] = [REPORTED_LANE, ...LANES, DEAD_LANE]

/** How far back a site's `recent` set keeps decision times (stats' "decisions in the last hour"). */
export const RECENT_WINDOW_MS = 3_600_000

export class SiteKeys {
  /** "moderato:{s:rasa}:" */
  readonly base: string
  constructor (prefix: string, readonly site: string) {
    if (!SITE_ID.test(site)) throw new Error(`not a site id: ${JSON.stringify(site)}`)
    this.base = `${prefix}:{s:${site}}:`
  }

  comment (id: string): string { return `${this.base}c:${id}` }
  history (id: string): string { return `${this.base}h:${id}` }
  ready (lane: QueueLane): string { return `${this.base}ready:${lane}` }
  get leases (): string { return `${this.base}leases` }
  get seq (): string { return `${this.base}seq` }
  get decisions (): string { return `${this.base}decisions` }
  /** Decision times of the last RECENT_WINDOW_MS (for stats). */
  get recent (): string { return `${this.base}recent` }
  /** Webhook events due (member "<feed entry id> <comment id>", score = next try, ms). */
  get outbox (): string { return `${this.base}outbox` }
  /** Per comment with an event in the outbox: its later events, waiting their turn. */
  get outboxWait (): string { return `${this.base}outbox-wait` }
  /** Tries so far per outbox member. */
  get outboxTries (): string { return `${this.base}outbox-tries` }
  /** The webhook URL that answered 410 Gone: nothing more is sent to it. */
  get webhookGone (): string { return `${this.base}webhook-gone` }
  /** An author's decision counts (approved, rejected). */
  authorCounts (author: string): string { return `${this.base}a:${author}` }
  /** An author's most recently decided comment ids, newest first. */
  authorRecent (author: string): string { return `${this.base}ar:${author}` }
  /** Every key of this site, for tests. */
  get pattern (): string { return `${this.base}*` }
  /** Every key of every site under `prefix`, for tests. */
  static everySite (prefix: string): string { return `${prefix}:{s:*}:*` }

  /**
   * KEYS and the leading ARGV of a script call (the convention common.lua reads): the site's
   * keys, one ready set per lane, then the hash and history of each comment in `ids`, then
   * the keys of `author` (the author of the comments a decision is about), if any.
   * `webhook`: the site has a webhook, so decisions also go to its outbox.
   */
  scriptKeys (ids: string[], options: { author?: string | undefined, webhook?: boolean, now: number }): { keys: string[], args: Array<string | number> } {
    const keys = [this.leases, this.seq, this.decisions, this.recent, this.outbox, this.outboxWait, this.outboxTries, ...ALL_LANES.map((l) => this.ready(l))]
    for (const id of ids) keys.push(this.comment(id), this.history(id))
    if (options.author !== undefined) keys.push(this.authorCounts(options.author), this.authorRecent(options.author))
    return { keys, args: [ALL_LANES.join(' '), options.webhook === true ? 1 : 0, options.now, ids.length, ...ids] }
  }
}

/** The prefix of the rate limiter's counters (one per limited key per window). */
export const rateLimitBase = (prefix: string): string => `${prefix}:rl:`

/** The set of site ids that have stored comments (its own slot; never used inside a script). */
export const siteRegistryKey = (prefix: string): string => `${prefix}:sites`

/** The layout before sites (one "{q}" tag for everything): read only by the migration. */
export const legacyBase = (prefix: string): string => `${prefix}:{q}:`
