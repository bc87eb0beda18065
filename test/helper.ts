// Test harness: a real redis-server per test file (free port, its own temporary data
// directory, stopped and removed afterwards) and the real app built against it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded.js'
import { connectStore, waitReady, type RedisClient } from '../src/redis/connect.js'
import { loadConfig, type Config } from '../src/config.js'
import { buildApp, type AppDeps } from '../src/app.js'
import { RulesStore } from '../src/rules/store.js'
import { openScreenPool } from '../src/pool/screen-pool.js'
import { rateLimitTimeoutMs } from '../src/redis/failure-window.js'

export const ROOT = resolve(import.meta.dirname, '..')
/** The shipped rules, which ops edit: only the suites that check them read these. */
export const RULES_DIR = join(ROOT, 'rules')
/** The service, queue and HTTP tests' own rules, which a routine rule change leaves alone. */
export const SERVICE_RULES_DIR = join(ROOT, 'test/fixtures/rules-service')
export const MODEL_DIR = join(ROOT, 'models')

export const KEYS = {
  site: 'site-secret-rasa',
  alice: 'moderator-secret-alice',
  bob: 'moderator-secret-bob',
  carol: 'moderator-secret-carol',
  dave: 'moderator-secret-dave',
  admin: 'admin-secret-ops'
}
export const API_KEYS = [
  `site:rasa:${KEYS.site}`, `moderator:alice:${KEYS.alice}`, `moderator:bob:${KEYS.bob}`,
  `moderator:carol:${KEYS.carol}`, `moderator:dave:${KEYS.dave}`, `admin:ops:${KEYS.admin}`
].join(',')

export const auth = (secret: string): Record<string, string> => ({ authorization: `Bearer ${secret}` })

export async function tempDir (t: Test, name = 'moderato-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), name))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A redis-server of this test only; stopped and its directory removed at teardown. */
export async function startRedis (t: Test, options: { appendfsync?: 'always' | 'everysec', dir?: string, port?: number, extraArgs?: string[] } = {}): Promise<EmbeddedRedis> {
  const dir = options.dir ?? await tempDir(t, 'moderato-redis-')
  const server = await startEmbeddedRedis({ dir, appendfsync: options.appendfsync ?? 'everysec', ...(options.port !== undefined ? { port: options.port } : {}), ...(options.extraArgs !== undefined ? { extraArgs: options.extraArgs } : {}) })
  t.teardown(async () => { await stopWithin(t, server, 20000) })
  return server
}

/**
 * SIGTERM, and SIGKILL if the redis-server has not exited after `ms`. Once, under a full
 * suite's load, a Redis Cluster node had not exited after SIGTERM, and its test file waited
 * for tap's 180 s timeout; the comment leaves a trace of it, without failing a test that
 * does not test stopping.
 */
async function stopWithin (t: Test, server: EmbeddedRedis, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms) })
  const stopped = await Promise.race([server.stop().then(() => true), late])
  clearTimeout(timer)
  if (stopped) return
  t.comment(`redis-server on port ${server.port} had not exited ${ms} ms after SIGTERM: killed`)
  await server.kill()
}

export interface TestApp {
  app: FastifyInstance
  redis: RedisClient
  config: Config
  rules: RulesStore
}

/** The real app on a given Redis, with a key prefix of its own and the test API keys. */
export async function buildTestApp (
  t: Test, redisUrl: string, env: Record<string, string> = {}, logger?: FastifyBaseLogger, deps: Pick<AppDeps, 'embeddedRedis' | 'clock'> = {}
): Promise<TestApp> {
  const config = loadConfig({
    API_KEYS,
    // A Cluster or Sentinel test names its nodes instead (in env).
    ...(env.REDIS_CLUSTER_NODES === undefined && env.REDIS_SENTINELS === undefined ? { REDIS_URL: redisUrl } : {}),
    REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    RULES_DIR: SERVICE_RULES_DIR,
    MODEL_DIR,
    RULES_WATCH: 'false',
    LOG_LEVEL: 'silent',
    ...env
  })
  const redis = connectStore(config, redisUrl, { timeoutMs: config.redisTimeoutMs, name: 'test' })
  const rateLimitRedis = connectStore(config, redisUrl, { timeoutMs: rateLimitTimeoutMs(config.redisTimeoutMs), name: 'test-rl' })
  if (!await waitReady(redis, 20000)) throw new Error('the test Redis did not become ready')
  const rules = await RulesStore.open(config.rulesDir, undefined, { models: config.modelDir })
  // Worker threads only where a test asks for them: most tests screen short comments.
  const screenPool = env.SCREEN_THREADS !== undefined ? openScreenPool(config.screenThreads, rules) : undefined
  const app = await buildApp({
    config, redis, rateLimitRedis, rules, ...deps,
    ...(logger !== undefined ? { logger } : {}),
    ...(screenPool !== undefined ? { screenPool } : {})
  })
  t.teardown(async () => {
    await app.close()
    await screenPool?.close()
    await rules.close()
    redis.disconnect()
    rateLimitRedis.disconnect()
  })
  return { app, redis, config, rules }
}

/** A clock a test moves by hand (passed to buildTestApp as `clock: c.now`): leases end without sleeping. */
export class TestClock {
  constructor (private ms = Date.now()) {}
  readonly now = (): number => this.ms
  advance (ms: number): void { this.ms += ms }
}

/** A valid comment body, with fields overridden. */
export function comment (over: Record<string, unknown> = {}): Record<string, unknown> {
  return { articleId: 'article-1', text: 'Thank you for this careful article about the new bridge.', ...over }
}

export interface ServerProcess { child: ChildProcess, output: () => string, exited: Promise<number | null>, address: Promise<string> }

/**
 * tap records coverage in child processes too, but these run through tsx, whose
 * transpiled code does not map onto tap's own: merged, it marks whole files as covered.
 * So children report no coverage; what they run is covered by in-process tests.
 */
export const NO_CHILD_COVERAGE = { _TAPJS_PROCESSINFO_COV_EXCLUDE_: '/./' }

/** The real service as a child process (from source, through tsx); killed at teardown. */
export function startServer (t: Test, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', RULES_DIR: SERVICE_RULES_DIR, LOG_LEVEL: 'info', ...NO_CHILD_COVERAGE, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let found: (a: string) => void = () => {}
  const address = new Promise<string>((resolve) => { found = resolve })
  const onData = (chunk: Buffer): void => {
    out += chunk.toString()
    const m = /moderato listening on (http:\/\/[^\s"]+) /.exec(out)
    if (m !== null) found(m[1]!)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  return { child, output: () => out, exited, address }
}

/** Waits until `check` holds, polling every 25 ms; passes saying `what`, or fails after `ms`. */
export async function until (t: Test, what: string, check: () => boolean | Promise<boolean>, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) {
      t.fail(`still waiting after ${ms} ms: ${what}`)
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  t.pass(what)
}
