// Redis connections that fail fast: no offline queue and a command timeout, so a request
// gets a 503 within REDIS_TIMEOUT_MS when Redis is down or slow, and reconnection goes on
// in the background forever, so the service recovers without a restart.
import { Redis, type Cluster } from 'ioredis'

/** A connection the queue can use: one Redis (or Sentinel's primary), or a Redis Cluster. */
export type RedisClient = Redis | Cluster

export interface ConnectOptions {
  timeoutMs: number
  name: string
  onError?: (err: Error) => void
}

export function connectRedis (url: string, options: ConnectOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(1000, options.timeoutMs),
    retryStrategy: (times) => Math.min(50 * times, 1000),
    // Keys are built by QueueKeys; no implicit prefix that a script could not see.
    keyPrefix: '',
    // Commands issued in the same tick (many requests in flight) go out in one write:
    // one syscall instead of one per command, the largest cost under load.
    enableAutoPipelining: true
  })
  // Without a listener ioredis logs every reconnect failure to stderr; route it to our log.
  redis.on('error', (err) => options.onError?.(err))
  return redis
}

/** Resolves when the connection is ready, or after `ms` (the app reports not-ready then). */
export async function waitReady (redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { cleanup(); resolve(false) }, ms)
    const onReady = (): void => { cleanup(); resolve(true) }
    const cleanup = (): void => { clearTimeout(timer); redis.off('ready', onReady) }
    redis.on('ready', onReady)
  })
}
