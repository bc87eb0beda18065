// The rules CLI: argument parsing and dispatch. rules.ts is the program around it.
import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { loadConfig, type Config } from '../config.js'
import { migrateLegacy } from '../queue/migrate.js'
import { ReviewQueue } from '../queue/review-queue.js'
import { connectStore, waitReady, type RedisClient } from '../redis/connect.js'
import { embeddedRedisUrl } from '../redis/embedded.js'
import { check, readDecisions, runBacktest, screenText, test, toInput, writeSchemas, type Result } from './commands.js'
import type { DecidedInput } from './backtest.js'

const USAGE = `usage: npm run rules -- <command> [options]

  check [dir]                         validate a rules folder and print counts
  test [dir]                          run the example cases in <dir>/tests.yaml
  screen [--rules dir] [--people "A B,C D"] [--site s] "text"
                                      screen one text and show each flag in it (as the
                                      site s sees it: its overlay in sites/s/ over the rules)
  backtest --rules <proposed dir> --against <decisions.jsonl | redis> [--current dir] [--site s] [--json]
                                      replay decided comments through the current and the
                                      proposed rules: per-rule precision, changed verdicts;
                                      --site: the site's comments, with its overlay on both
  export [--out file.jsonl] [--site s]
                                      write decided comments from Redis as JSON lines
                                      (every site, or those named: --site a,b)
  schema [--out dir]                  write the JSON Schemas of the rule files
  migrate [--site s]                  move a store written before sites (one "{q}" tag) to
                                      the per-site layout; idempotent; stop the service first.
                                      --site: the site of feed entries whose comment is gone

dir defaults to RULES_DIR (./rules). check, test, screen and backtest use the learned scorer
in MODEL_DIR (./models) or --models <dir>, as policy.yaml's model section says. export, migrate and "--against redis" read REDIS_URL and REDIS_PREFIX; without REDIS_URL, they use the
embedded redis-server of a service running on DATA_DIR (./data).`

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

async function fromRedis (site: string | undefined): Promise<DecidedInput[]> {
  return await withQueue(async (queue) => {
    const out: DecidedInput[] = []
    for await (const c of queue.exportDecided(await sitesOf(queue, site))) out.push(toInput(c, `comment ${c.site}/${c.id}`))
    return out
  })
}

export async function main (argv: string[]): Promise<Result> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rules: { type: 'string' },
      models: { type: 'string' },
      current: { type: 'string' },
      against: { type: 'string' },
      people: { type: 'string' },
      site: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const [command, ...rest] = positionals
  const defaultDir = (): string => loadConfig().rulesDir
  // The learned scorer as the service would use it: MODEL_DIR (./models), or --models.
  const models = { models: values.models ?? loadConfig().modelDir }
  switch (values.help ? 'help' : command) {
    case 'check': return await check(rest[0] ?? defaultDir(), models)
    case 'test': return await test(rest[0] ?? defaultDir(), models)
    case 'screen': {
      const text = rest.join(' ')
      if (text.trim() === '') return { code: 2, out: 'screen needs the text to screen, e.g. npm run rules -- screen "You are an idiot"' }
      const people = values.people?.split(',').map((p) => p.trim()).filter(Boolean)
      return await screenText(values.rules ?? defaultDir(), text, people, models, values.site)
    }
    case 'backtest': {
      if (values.rules === undefined || values.against === undefined) return { code: 2, out: 'backtest needs --rules <proposed dir> and --against <decisions.jsonl | redis>' }
      const comments = values.against === 'redis' ? await fromRedis(values.site) : await readDecisions(values.against)
      const r = await runBacktest(values.current ?? defaultDir(), values.rules, comments, models, values.site)
      return values.json && r.report !== undefined ? { code: r.code, out: JSON.stringify(r.report, null, 2) } : r
    }
    case 'export': {
      let n = 0
      const out = values.out !== undefined ? createWriteStream(values.out) : process.stdout
      await withQueue(async (queue) => {
        for await (const c of queue.exportDecided(await sitesOf(queue, values.site))) {
          out.write(JSON.stringify(c) + '\n')
          n++
        }
      })
      if (values.out !== undefined) {
        const file = out as ReturnType<typeof createWriteStream>
        await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => err ? reject(err) : resolve()))
        return { code: 0, out: `wrote ${n} decided comments to ${values.out}` }
      }
      return { code: 0, out: '' }
    }
    case 'migrate': {
      const report = await withRedis(async (redis, config) => {
        // The layout before sites never ran on a Cluster: there is nothing to move there.
        if (!(redis instanceof Redis)) throw new Error('migrate works on one Redis (REDIS_URL); the layout before sites never ran on a Cluster')
        const sites = config.apiKeys.filter((k) => k.role === 'site').map((k) => k.name)
        // Feed entries of comments already gone (retention) go to --site, or the only site.
        const defaultSite = values.site ?? (sites.length === 1 ? sites[0] : undefined)
        return await migrateLegacy(redis, { prefix: config.redisPrefix, ...(defaultSite !== undefined ? { defaultSite } : {}) })
      })
      const lines = [`moved ${report.comments} comments and ${report.feedEntries} feed entries to ${report.sites.length} sites (${report.sites.join(', ') || 'none'})`]
      for (const s of report.skipped.slice(0, 20)) lines.push(`  left in place: ${s.id}: ${s.why}`)
      if (report.skipped.length > 20) lines.push(`  … and ${report.skipped.length - 20} more`)
      return { code: report.skipped.length > 0 ? 1 : 0, out: lines.join('\n') }
    }
    case 'schema': return await writeSchemas(values.out ?? 'rules/schemas')
    case 'help': return { code: 0, out: USAGE }
    default: return { code: 2, out: `${command === undefined ? 'no command' : `unknown command "${command}"`}\n\n${USAGE}` }
  }
}
