// A private redis-server child process: the zero-setup default when REDIS_URL is not set,
// and what the test harness starts for each test file. Persistence is append-only with
// `appendfsync always`, so a write Redis has acknowledged is on disk before we answer 202.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'

export interface EmbeddedRedis {
  url: string
  port: number
  dir: string
  process: ChildProcess
  /** SIGTERM (Redis flushes the AOF), wait for exit. */
  stop: () => Promise<void>
  /** A crash, for tests: SIGKILL without any flush. */
  kill: () => Promise<void>
}

export class RedisServerMissing extends Error {
  constructor () {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:6379 to use a server you run.')
  }
}

export async function freePort (): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

export interface EmbeddedOptions {
  dir: string
  port?: number
  /** "always" (default) or "everysec"; tests that do not check durability may relax it. */
  appendfsync?: 'always' | 'everysec'
  /** Output of the child for debugging. */
  onOutput?: (line: string) => void
}

export async function startEmbeddedRedis (options: EmbeddedOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dir)
  await mkdir(dir, { recursive: true })
  const port = options.port ?? await freePort()
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', options.appendfsync ?? 'always',
    // RDB snapshots add nothing to AOF durability and pause the server on large data sets.
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--loglevel', 'warning'
  ]
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const spawned = await new Promise<Error | undefined>((resolveSpawn) => {
    child.once('spawn', () => resolveSpawn(undefined))
    child.once('error', (err) => resolveSpawn(err))
  })
  if (spawned !== undefined) {
    if ((spawned as NodeJS.ErrnoException).code === 'ENOENT') throw new RedisServerMissing()
    throw spawned
  }
  const output: string[] = []
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      output.push(line)
      options.onOutput?.(line)
    }
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
  const url = `redis://127.0.0.1:${port}`
  await waitForPing(url, child, output)
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return { url, port, dir, process: child, stop: async () => await stopWith('SIGTERM'), kill: async () => await stopWith('SIGKILL') }
}

async function waitForPing (url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output.slice(-5).join(' | ')}`)
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
    probe.on('error', () => {})
    try {
      await probe.connect()
      // While loading a large AOF, Redis answers LOADING; wait until it is really ready.
      if (await probe.ping() === 'PONG') return
    } catch {
      // not yet listening or still loading
    } finally {
      probe.disconnect()
    }
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer within 10 s: ${output.slice(-5).join(' | ')}`)
}
