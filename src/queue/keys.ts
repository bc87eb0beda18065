// Every Redis key Moderato uses is built here, and nowhere else.
// All keys share the hash tag "{q}", so the Lua scripts that touch several of them run
// unchanged on Redis Cluster (one slot). The scripts build per-comment keys from the same
// prefix (as BullMQ does with job keys), which stays inside that slot.
import { DEAD_LANE, LANES } from '../screening/types.js'

export type QueueLane = typeof LANES[number] | typeof DEAD_LANE

export class QueueKeys {
  /** "moderato:{q}:" — ends with ":" so scripts append "c:<id>", "ready:<lane>" … */
  readonly base: string
  constructor (prefix: string) {
    this.base = `${prefix}:{q}:`
  }

  comment (id: string): string { return `${this.base}c:${id}` }
  history (id: string): string { return `${this.base}h:${id}` }
  ready (lane: QueueLane): string { return `${this.base}ready:${lane}` }
  get leases (): string { return `${this.base}leases` }
  get seq (): string { return `${this.base}seq` }
  get decisions (): string { return `${this.base}decisions` }
  /** Decision times of the last hour (for stats). */
  get recent (): string { return `${this.base}recent` }
  /** Every key of this queue, for tests and `export`. */
  get pattern (): string { return `${this.base}*` }
}

export const ALL_LANES: QueueLane[] = [...LANES, DEAD_LANE]
