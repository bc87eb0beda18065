// Noticing that Redis lost its data. A Redis restarted without its data files (a new
// volume, a failover to an empty replica, FLUSHALL) answers as if nothing were wrong: the
// comments answered 202 are gone, and their ids would be taken again as new. So the store
// carries an epoch marker. Each process remembers the one it found; when that marker vanishes,
// or another appears that no admin accepted, the process stops writing (intake and decisions
// answer 503 STORE_LOST, /readyz fails) until an admin accepts the empty store.
import { randomUUID } from 'node:crypto'
import type { RedisClient } from './connect.js'

/** What the marker holds. `accepted`: written by an admin who accepted an empty store. */
interface Epoch { id: string, origin: 'start' | 'accepted', at: number }

export type EpochState = 'ok' | 'lost' | 'unknown'

export interface EpochEvents {
  /** The store lost its data (once per loss). */
  lost: (detail: string) => void
  /** This process adopted an epoch an admin accepted (here or on another process). */
  adopted: (epoch: string) => void
}

export const epochKey = (prefix: string): string => `${prefix}:epoch`

/** How far the clocks of two service processes may disagree. */
const CLOCK_SKEW_MS = 60000

export class StoreEpoch {
  private current: Epoch | undefined
  private lostSince: number | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  /** `acceptEmpty`: adopt a new epoch by itself (ACCEPT_EMPTY_STORE), logging the loss. */
  constructor (
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly events: EpochEvents,
    private readonly acceptEmpty = false
  ) {}

  get state (): EpochState {
    if (this.lostSince !== undefined) return 'lost'
    return this.current === undefined ? 'unknown' : 'ok'
  }

  /** The epoch id this process writes under, if known. */
  get id (): string | undefined { return this.current?.id }

  /**
   * Reads the marker and compares it with the one remembered. The first call creates the
   * marker when there is none (a first start, or a store from before markers existed).
   * Throws when Redis does not answer: the state stays as it was.
   */
  async check (): Promise<EpochState> {
    const key = epochKey(this.prefix)
    if (this.current === undefined) {
      await this.redis.set(key, JSON.stringify(newEpoch('start')), 'NX')
      this.current = parse(await this.redis.get(key))
      return this.state
    }
    const found = parse(await this.redis.get(key))
    if (found?.id === this.current.id) return this.state
    // An accepted marker written after ours was read replaces it (an admin's decision, here or
    // on another process); one older than ours, beyond clocks' disagreement, came back with
    // an old backup of the data, and is a loss like any other.
    if (found !== undefined && found.origin === 'accepted' && found.at >= this.current.at - CLOCK_SKEW_MS) {
      this.adopt(found)
    } else if (this.lostSince === undefined) {
      this.lostSince = Date.now()
      this.events.lost(found === undefined
        ? 'the epoch marker vanished: Redis restarted empty, or its data was removed'
        : 'another epoch marker replaced ours: Redis restarted empty and another process started on it')
      if (this.acceptEmpty) await this.accept()
    }
    return this.state
  }

  /** An admin accepts the store as it is: a new accepted epoch, adopted by every process. */
  async accept (): Promise<string> {
    const epoch = newEpoch('accepted')
    await this.redis.set(epochKey(this.prefix), JSON.stringify(epoch))
    this.adopt(epoch)
    return epoch.id
  }

  /** Checks every `everyMs` until stopped; a failed check (Redis away) waits for the next. */
  start (everyMs: number): void {
    this.timer = setInterval(() => { this.check().catch(() => {}) }, everyMs)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  private adopt (epoch: Epoch): void {
    this.current = epoch
    this.lostSince = undefined
    this.events.adopted(epoch.id)
  }
}

function newEpoch (origin: Epoch['origin']): Epoch {
  return { id: randomUUID(), origin, at: Date.now() }
}

function parse (value: string | null): Epoch | undefined {
  if (value === null) return undefined
  try {
    const e = JSON.parse(value) as Epoch
    return typeof e.id === 'string' ? e : undefined
  } catch {
    return undefined
  }
}
