// The rules CLI's commands that reach Redis (export, migrate, backtest --against redis).
// main.ts imports this module only when one of them runs, so check, test and screen start
// without the Redis client and the queue.
import { createWriteStream } from 'node:fs'
import { Redis } from 'ioredis'
import { loadConfig, type Config } from '../config.js'
import { migrateLegacy } from '../queue/migrate.js'
import { ReviewQueue } from '../queue/review-queue.js'
import { connectStore, waitReady, type RedisClient } from '../redis/connect.js'
import { embeddedRedisUrl } from '../redis/embedded.js'
import { toInput, type Result } from './commands.js'
import type { DecidedInput } from './backtest.js'

async function withQueue<T> (f: (queue: ReviewQueue) => Promise<T>): Promise<T> {
  return await withRedis(async (redis, config) => await f(ReviewQueue.fromConfig(redis, config)))
}

async function withRedis<T> (f: (redis: RedisClient, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig()
  // Without REDIS_URL, the embedded redis-server of a service running on DATA_DIR.
  const url = config.redisUrl ?? await embeddedRedisUrl(config.dataDir)
  if (url === undefined && config.redisClusterNodes === undefined && config.redisSentinel === undefined) throw new Error(`set REDIS_URL to the Redis that holds the decisions (e.g. redis://127.0.0.1:6379); no service runs an embedded redis-server on DATA_DIR (${config.dataDir})`)
  // The service's connection settings: no command waits for a Redis that is not there.
  const redis = connectStore(config, url, { timeoutMs: config.redisTimeoutMs, name: 'moderato-rules' })
  try {
    if (!await waitReady(redis, 5000)) throw new Error(`cannot reach the Redis at ${config.redisClusterNodes !== undefined ? 'REDIS_CLUSTER_NODES' : config.redisUrl !== undefined ? 'REDIS_URL' : `the URL that DATA_DIR (${config.dataDir}) names`} within 5 s`)
    return await f(redis, config)
  } finally {
    redis.disconnect()
  }
}

/** The sites named by --site (comma-separated), or every site the store knows. */
async function sitesOf (queue: ReviewQueue, site: string | undefined): Promise<string[]> {
  return site !== undefined ? site.split(',').map((s) => s.trim()).filter(Boolean) : await queue.sites()
}

export async function fromRedis (site: string | undefined): Promise<DecidedInput[]> {
  return await withQueue(async (queue) => {
    const out: DecidedInput[] = []
    for await (const c of queue.exportDecided(await sitesOf(queue, site))) out.push(toInput(c, `comment ${c.site}/${c.id}`))
    return out
  })
}

/** export: decided comments as JSON lines, to `outFile` or stdout. */
export async function exportDecided (outFile: string | undefined, site: string | undefined): Promise<Result> {
  let n = 0
  const out = outFile !== undefined ? createWriteStream(outFile) : process.stdout
  await withQueue(async (queue) => {
    for await (const c of queue.exportDecided(await sitesOf(queue, site))) {
      out.write(JSON.stringify(c) + '\n')
      n++
    }
  })
  if (outFile !== undefined) {
    const file = out as ReturnType<typeof createWriteStream>
    await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => err ? reject(err) : resolve()))
    return { code: 0, out: `wrote ${n} decided comments to ${outFile}` }
  }
  return { code: 0, out: '' }
}

/** migrate: the store from before sites to the per-site layout. */
export async function migrate (site: string | undefined): Promise<Result> {
  const report = await withRedis(async (redis, config) => {
    // The layout before sites never ran on a Cluster: there is nothing to move there.
    if (!(redis instanceof Redis)) throw new Error('migrate works on one Redis (REDIS_URL); the layout before sites never ran on a Cluster')
    const sites = config.apiKeys.filter((k) => k.role === 'site').map((k) => k.name)
    // Feed entries of comments already gone (retention) go to --site, or the only site.
    const defaultSite = site ?? (sites.length === 1 ? sites[0] : undefined)
    return await migrateLegacy(redis, { prefix: config.redisPrefix, ...(defaultSite !== undefined ? { defaultSite } : {}) })
  })
  const lines = [`moved ${report.comments} comments and ${report.feedEntries} feed entries to ${report.sites.length} sites (${report.sites.join(', ') || 'none'})`]
  for (const s of report.skipped.slice(0, 20)) lines.push(`  left in place: ${s.id}: ${s.why}`)
  if (report.skipped.length > 20) lines.push(`  … and ${report.skipped.length - 20} more`)
  return { code: report.skipped.length > 0 ? 1 : 0, out: lines.join('\n') }
}
