// Redis connections that fail fast: no offline queue and a command timeout, so a request
// gets a 503 within REDIS_TIMEOUT_MS when Redis is down or slow, and reconnection goes on
// in the background forever, so the service recovers without a restart.
import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { Config } from '../config.js'

/** A connection the queue can use: one Redis (or Sentinel's primary), or a Redis Cluster. */
export type RedisClient = Redis | Cluster

export interface ConnectOptions {
  timeoutMs: number
  name: string
  onError?: (err: Error) => void
}

/** Options of every connection: fail fast, reconnect forever, pipeline what goes out together. */
function failFast (options: ConnectOptions): RedisOptions {
  return {
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
  }
}

export function connectRedis (url: string, options: ConnectOptions): Redis {
  const redis = new Redis(url, failFast(options))
  // Without a listener ioredis logs every reconnect failure to stderr; route it to our log.
  redis.on('error', (err) => options.onError?.(err))
  return redis
}

/**
 * A Redis Cluster from its seed nodes. Each node connection fails fast as connectRedis's do;
 * commands follow MOVED/ASK redirections and slot changes after a failover by themselves.
 */
export function connectCluster (nodes: Array<{ host: string, port: number }>, options: ConnectOptions): Cluster {
  const { enableAutoPipelining: _, ...node } = failFast(options)
  const cluster = new Cluster(nodes, {
    redisOptions: node,
    enableOfflineQueue: false,
    // ioredis's automatic pipelining on a Cluster routes a script call by its first argument
    // (the number of keys, for scripts whose key count varies) instead of its first key, and
    // then refuses the batch as cross-slot. Explicit per-site pipelines still batch.
    enableAutoPipelining: false,
    clusterRetryStrategy: (times) => Math.min(50 * times, 1000),
    // A failover takes the cluster a few seconds: keep following redirections meanwhile.
    retryDelayOnClusterDown: 100,
    retryDelayOnFailover: 100
  })
  cluster.on('error', (err) => options.onError?.(err))
  return cluster
}

/**
 * The primary that Sentinel names, followed through failovers: after one, ioredis asks the
 * sentinels again and reconnects to the new primary (requests meanwhile get 503 at once).
 */
export function connectSentinel (sentinel: NonNullable<Config['redisSentinel']>, options: ConnectOptions): Redis {
  const redis = new Redis({
    ...failFast(options),
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    // Hear "+switch-master" from the sentinels and move at once, rather than at the next
    // failed reconnect; and retry often while the sentinels still name the dead primary.
    failoverDetector: true,
    retryStrategy: (times) => Math.min(50 * times, 250),
    // A sentinel slow to learn of a failover can name the old primary, which may be back by
    // then as a replica: every write would get READONLY forever. Ask the sentinels again.
    reconnectOnError: (err) => err.message.startsWith('READONLY') ? 1 : false,
    sentinelRetryStrategy: (times) => Math.min(100 * times, 1000)
  })
  redis.on('error', (err) => options.onError?.(err))
  // ioredis 6 can give up for good during a failover: a reconnect it starts itself (switch
  // detected, READONLY) while it is still asking the sentinels aborts that connect, and the
  // connection ends instead of retrying (seen in test/sentinel-failover.test.ts). Only our
  // own disconnect() may end it: any other end starts a new connect.
  let closing = false
  const disconnect = redis.disconnect.bind(redis)
  redis.disconnect = (reconnect = false) => { if (!reconnect) closing = true; disconnect(reconnect) }
  redis.on('end', () => {
    if (closing) return
    setTimeout(() => { if (!closing && redis.status === 'end') redis.connect().catch(() => {}) }, 250).unref()
  })
  return redis
}

/** The store as the settings name it: a Redis Cluster, a Sentinel-watched primary, or one Redis at `url`. */
export function connectStore (config: Pick<Config, 'redisClusterNodes' | 'redisSentinel'>, url: string | undefined, options: ConnectOptions): RedisClient {
  if (config.redisClusterNodes !== undefined) return connectCluster(config.redisClusterNodes, options)
  if (config.redisSentinel !== undefined) return connectSentinel(config.redisSentinel, options)
  if (url === undefined) throw new Error('no Redis to connect to: set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS')
  return connectRedis(url, options)
}

/** Resolves when the connection is ready, or after `ms` (the app reports not-ready then). */
export async function waitReady (redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { cleanup(); resolve(false) }, ms)
    const onReady = (): void => { cleanup(); resolve(true) }
    const cleanup = (): void => { clearTimeout(timer); redis.off('ready', onReady) }
    redis.on('ready', onReady)
  })
}
