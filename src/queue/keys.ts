// Every Redis key Moderato uses is built here, and nowhere else.
// Each site's keys share one hash tag, "{s:<site>}": on Redis Cluster a site lives in one
// slot (so its scripts are atomic there), and different sites spread over the shards.
// Scripts receive every key they touch in KEYS (see scriptKeys), never build one.
import { DEAD_LANE, LANES } from '../screening/types.js'
import { SITE_ID } from '../config.js'

export type QueueLane = typeof LANES[number] | typeof DEAD_LANE

export const ALL_LANES: QueueLane[] = [...LANES, DEAD_LANE]

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
  /** Decision times of the last hour (for stats). */
  get recent (): string { return `${this.base}recent` }
  /** An author's decision counts (approved, rejected). */
  authorCounts (author: string): string { return `${this.base}a:${author}` }
  /** An author's most recently decided comment ids, newest first. */
  authorRecent (author: string): string { return `${this.base}ar:${author}` }
  /** Every key of this site, for tests. */
  get pattern (): string { return `${this.base}*` }

  /**
   * KEYS and the leading ARGV of a script call (the convention common.lua reads): the site's
   * keys, one ready set per lane, then the hash and history of each comment in `ids`, then
   * the keys of `author` (the author of the comments a decision is about), if any.
   */
  scriptKeys (ids: string[], author?: string): { keys: string[], args: Array<string | number> } {
    const keys = [this.leases, this.seq, this.decisions, this.recent, ...ALL_LANES.map((l) => this.ready(l))]
    for (const id of ids) keys.push(this.comment(id), this.history(id))
    if (author !== undefined) keys.push(this.authorCounts(author), this.authorRecent(author))
    return { keys, args: [ALL_LANES.join(' '), ids.length, ...ids] }
  }
}

/** The set of site ids that have stored comments (its own slot; never used inside a script). */
export const siteRegistryKey = (prefix: string): string => `${prefix}:sites`

/** The layout before sites (one "{q}" tag for everything): read only by the migration. */
export const legacyBase = (prefix: string): string => `${prefix}:{q}:`
