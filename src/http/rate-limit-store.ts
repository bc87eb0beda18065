// The rate limiter's store: @fastify/rate-limit's Redis store, with a memory of the keys that
// are over their limit. Once Redis says a key is over its limit for this window, the rest of
// the window is refused from memory: a key flooding far past its limit then costs this process
// no Redis round trip per request, and other sites' requests do not queue behind those calls
// on the limiter's connection (issue 15, "one site's flood must not delay another's intake").
//
// Refusing from memory is exact for a fixed window (our configuration: continueExceeding and
// exponentialBackoff off): a key over its limit stays over it until the window ends, and the
// Redis counter, which the refused requests no longer raise, only decides the 429, not when
// the window ends. Other processes learn the same from Redis on their own first refusal.
import { createRequire } from 'node:module'
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { RedisClient } from '../redis/connect.js'

interface Count { current: number, ttl: number }
type Callback = (error: Error | null, result?: Count) => void
// The Redis store answers an error with a null result.
type RedisCallback = (error: Error | null, result: Count | null) => void
interface RedisStoreLike {
  incr: (key: string, callback: RedisCallback, timeWindow: number, max: number) => void
  read: (key: string, callback: RedisCallback, timeWindow: number, max: number) => void
  child: (routeOptions: unknown) => RedisStoreLike
}
type RedisStoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, redis: RedisClient, key: string) => RedisStoreLike

// The package exports only its plugin; its Redis store (the Lua counter we keep using) is a
// CommonJS file beside it.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor

/** How many refused keys a process remembers at most; past it, refusals ask Redis as before. */
export const MAX_REMEMBERED_KEYS = 10000

/** Keys over their limit, each until its window ends (ms since the epoch). */
export class OverLimitMemory {
  private readonly until = new Map<string, number>()
  private lastSweep = -Infinity

  constructor (private readonly now: () => number = Date.now, private readonly capacity = MAX_REMEMBERED_KEYS) {}

  /** The ms left in `key`'s window if it is known to be over its limit, else undefined. */
  remaining (key: string): number | undefined {
    const until = this.until.get(key)
    if (until === undefined) return undefined
    const left = until - this.now()
    if (left > 0) return left
    this.until.delete(key)
    return undefined
  }

  remember (key: string, ttlMs: number): void {
    if (ttlMs <= 0) return
    // Full: sweep out ended windows, at most once a second, so that many keys refused at
    // once (an attack from many addresses) cost no full sweep per request.
    if (this.until.size >= this.capacity && this.now() - this.lastSweep >= 1000) this.forgetEnded()
    if (this.until.size >= this.capacity) return
    this.until.set(key, this.now() + ttlMs)
  }

  get size (): number { return this.until.size }

  private forgetEnded (): void {
    const now = this.now()
    this.lastSweep = now
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key)
  }
}

class RememberingStore implements FastifyRateLimitStore {
  constructor (private readonly redis: RedisStoreLike, private readonly memory: OverLimitMemory) {}

  incr (key: string, callback: Callback, timeWindow: number, max: number): void {
    const left = this.memory.remaining(key)
    if (left !== undefined) {
      callback(null, { current: max + 1, ttl: left })
      return
    }
    this.redis.incr(key, (error, result) => {
      if (result !== null && result.current > max) this.memory.remember(key, result.ttl)
      callback(error, result ?? undefined)
    }, timeWindow, max)
  }

  read (key: string, callback: Callback, timeWindow: number, max: number): void {
    this.redis.read(key, (error, result) => { callback(error, result ?? undefined) }, timeWindow, max)
  }

  child (routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    return new RememberingStore(this.redis.child(routeOptions), new OverLimitMemory())
  }
}

/**
 * The `store` option for @fastify/rate-limit: counters in `redis` under `nameSpace`, for a
 * fixed window only (continueExceeding and exponentialBackoff move a window's end on each
 * refused request, which a memory of refusals cannot follow; we set neither).
 */
export function rememberingRedisStore (redis: RedisClient, nameSpace: string, memory = new OverLimitMemory()): FastifyRateLimitStoreCtor {
  return class extends RememberingStore {
    constructor () { super(new RedisStore(false, false, redis, nameSpace), memory) }
  }
}
