// The process: configuration, logger, Redis (embedded or external), rules, listen, and a
// graceful shutdown that finishes in-flight requests before closing Redis.
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { ConfigError, loadConfig } from './config.js'
import { buildApp } from './app.js'
import { rateLimitTimeoutMs } from './redis/failure-window.js'
import { Redis } from 'ioredis'
import { connectStore, waitReady } from './redis/connect.js'
import { hasLegacyData } from './queue/migrate.js'
import { DataDirInUse, RedisServerMissing } from './redis/embedded.js'
import { RedisSupervisor } from './redis/supervisor.js'
import { RulesStore } from './rules/store.js'
import { RulesLoadError } from './rules/load.js'
import { openScreenPool } from './pool/screen-pool.js'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`moderato: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const logger = pino({
    level: config.logLevel,
    // Secrets never reach the log, even at debug level.
    redact: ['req.headers.authorization', 'headers.authorization']
  })
  if (config.devKeys) {
    logger.warn('=================================================================')
    logger.warn('NO API_KEYS SET: using the DEVELOPMENT keys dev-site-key, dev-moderator-key, dev-admin-key.')
    logger.warn('Anyone who reads the README can call this service. Set API_KEYS before exposing it.')
    logger.warn('=================================================================')
  }

  let embedded: RedisSupervisor | undefined
  let url = config.redisUrl
  if (url === undefined && config.redisClusterNodes === undefined && config.redisSentinel === undefined) {
    try {
      embedded = await RedisSupervisor.start({ dir: config.dataDir, onOutput: (line) => logger.debug({ redis: line }) }, logger)
    } catch (err) {
      if (err instanceof RedisServerMissing || err instanceof DataDirInUse) {
        logger.fatal(err.message)
        process.exit(1)
      }
      throw err
    }
    const first = embedded.redis
    url = first.url
    if (first.replacedOrphan !== undefined) {
      logger.warn({ pid: first.replacedOrphan }, 'stopped a redis-server left running on the data directory by a killed Moderato process')
    }
    // Whatever ends this process, the private redis-server (the one running now, after any
    // restarts) must not outlive it.
    const supervisor = embedded
    process.once('exit', () => { const child = supervisor.redis.process; if (child.exitCode === null) child.kill('SIGTERM') })
    logger.info({ dir: first.dir, port: first.port, url: first.url }, `started embedded redis-server at ${first.url} (appendonly yes, appendfsync always)`)
  }

  let rules: RulesStore
  try {
    rules = await RulesStore.open(config.rulesDir, logger, { models: config.modelDir })
  } catch (err) {
    logger.fatal({ problems: err instanceof RulesLoadError ? err.problems : undefined }, `cannot load rules from ${config.rulesDir}: ${(err as Error).message}`)
    await embedded?.stop()
    process.exit(1)
  }
  const screenPool = openScreenPool(config.screenThreads, rules, logger)
  if (config.rulesWatch) rules.watch(200, config.rulesWatchPoll)
  process.on('SIGHUP', () => { void rules.reload() })

  const onError = (err: Error): void => logger.warn({ err: err.message }, 'redis connection error')
  const redis = connectStore(config, url, { timeoutMs: config.redisTimeoutMs, name: 'moderato', onError })
  const rateLimitRedis = connectStore(config, url, { timeoutMs: rateLimitTimeoutMs(config.redisTimeoutMs), name: 'moderato-ratelimit', onError })
  if (!await waitReady(redis, 5000)) logger.warn('redis is not reachable yet; /readyz reports unavailable until it is')
  // Comments stored by a version before sites are invisible to this one until moved.
  else if (redis instanceof Redis && await hasLegacyData(redis, config.redisPrefix).catch(() => false)) {
    logger.error('this Redis holds comments in the layout before sites (keys under "{q}"): they are not served until moved; stop the service and run "npm run rules -- migrate" (see the README, "Sites")')
  }

  const app = await buildApp({
    config, redis, rateLimitRedis, rules, logger,
    ...(screenPool !== undefined ? { screenPool } : {}),
    ...(embedded !== undefined ? { embeddedRedis: embedded } : {})
  })

  // SIGHUP means "reload the rules" here, not "shut down".
  closeWithGrace({ delay: config.shutdownTimeoutMs, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err !== undefined) logger.error({ err }, 'shutting down after an error')
    else logger.info({ signal }, 'shutting down: finishing in-flight requests')
    // close() stops accepting connections and resolves when in-flight requests are done.
    await app.close()
    await rules.close()
    await screenPool?.close()
    redis.disconnect()
    rateLimitRedis.disconnect()
    await embedded?.stop()
    logger.info('stopped')
  })

  const address = await app.listen({ port: config.port, host: config.host })
  logger.info({ address, rulesVersion: rules.current.ruleset.version }, `moderato listening on ${address} (docs at ${address}/docs)`)
}

await main()
