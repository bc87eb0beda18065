// A private redis-server child process: the zero-setup default when REDIS_URL is not set,
// and what the test harness starts for each test file. Persistence is append-only with
// `appendfsync always`, so a write Redis has acknowledged is on disk before we answer 202.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
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
  /** Resolves when the redis-server has exited, for whatever reason, and its claim on the
   * data directory is released. */
  exited: Promise<void>
  /** pid of a redis-server left running on this directory by a killed process, now stopped. */
  replacedOrphan?: number
}

export class DataDirInUse extends Error {
  constructor (dir: string, ownerPid: number, redisPid: number) {
    super(`The data directory ${dir} is in use: process ${ownerPid} runs redis-server (pid ${redisPid}) on it. Stop that process first, or set DATA_DIR to another directory.`)
  }
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
  /** More redis-server arguments (tests start Cluster nodes with them). */
  extraArgs?: string[]
  /** Where a port comes from when `port` is not set (default freePort; tests race it). */
  pickPort?: () => Promise<number>
}

// Who runs redis-server on a data directory. A process killed with SIGKILL cannot stop its
// child, and two redis-servers must never share one append-only file: the next start reads
// this record and stops such an orphan (SIGTERM: it flushes its AOF and exits) first.
const OWNER_FILE = 'moderato-embedded.json'
interface OwnerRecord {
  ownerPid: number
  redisPid: number
  /** Where its redis-server listens, for tools such as the rules CLI (see embeddedRedisUrl). */
  url?: string
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Whether pid runs `program`; where /proc exists this guards against a reused pid. */
function runs (pid: number, program: string): boolean {
  if (!alive(pid)) return false
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(program)
  } catch {
    return process.platform !== 'linux' // no /proc to ask: trust the pid
  }
}

/**
 * Claims the directory for this process: refuses one that another live process uses, stops
 * an orphan, then writes the owner record (redisPid 0 until the child runs). Returns the
 * orphan's pid. Two processes starting at the same moment cannot both win: the whole check
 * and write run under a lock (a directory, created atomically), and the record is written
 * whole to a temporary file and renamed into place, so no one ever reads half of it. (An
 * exclusive create was not enough: the second start read the first's still-empty file as
 * torn, replaced it, and won too.)
 */
async function claimDataDir (dir: string): Promise<number | undefined> {
  const unlock = await lockDataDir(dir)
  try {
    return await claimLocked(dir)
  } finally {
    await unlock()
  }
}

const LOCK_DIR = '.moderato-claim.lock'
/** A lock older than this was left by a process that died while claiming. */
const STALE_LOCK_MS = 30000

async function lockDataDir (dir: string): Promise<() => Promise<void>> {
  const lock = join(dir, LOCK_DIR)
  for (let waited = 0; ; waited += 20) {
    try {
      await mkdir(lock)
      return async () => { await rm(lock, { recursive: true, force: true }) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true })
      else if (waited > STALE_LOCK_MS + 5000) throw new Error(`${lock} is held by another start; remove it if no Moderato is starting on ${dir}`)
      else await sleep(20)
    }
  }
}

/** The owner record, written whole: a temporary file renamed into place. */
async function writeOwner (file: string, record: OwnerRecord): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`
  await writeFile(temporary, JSON.stringify(record))
  await rename(temporary, file)
}

async function claimLocked (dir: string): Promise<number | undefined> {
  const file = join(dir, OWNER_FILE)
  const owner = existsSync(file) ? await readOwner(file) : undefined
  let orphan: number | undefined
  if (owner !== undefined) {
    const ownerAlive = owner.ownerPid === process.pid || runs(owner.ownerPid, 'node')
    const redisAlive = owner.redisPid > 0 && runs(owner.redisPid, 'redis-server')
    if (ownerAlive && (redisAlive || owner.redisPid === 0)) throw new DataDirInUse(dir, owner.ownerPid, owner.redisPid)
    if (redisAlive) {
      process.kill(owner.redisPid, 'SIGTERM')
      for (let waited = 0; runs(owner.redisPid, 'redis-server'); waited += 50) {
        if (waited > 10000) throw new DataDirInUse(dir, owner.ownerPid, owner.redisPid)
        await sleep(50)
      }
      orphan = owner.redisPid
    }
  }
  // A stale record (its processes gone) or a torn one (written by an older version) is replaced.
  await writeOwner(file, { ownerPid: process.pid, redisPid: 0 })
  return orphan
}

/** The owner record, or undefined when there is none (or only a torn one). */
async function readOwner (file: string): Promise<OwnerRecord | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<OwnerRecord>
    return typeof owner.ownerPid === 'number' && typeof owner.redisPid === 'number' ? owner as OwnerRecord : undefined
  } catch {
    return undefined
  }
}

/**
 * The URL of the redis-server a running service keeps in this data directory, or undefined
 * when none runs there: tools on the same machine need not read its random port from the log.
 */
export async function embeddedRedisUrl (dataDir: string): Promise<string | undefined> {
  const owner = await readOwner(join(resolve(dataDir), OWNER_FILE))
  return owner?.url !== undefined && owner.redisPid > 0 && runs(owner.redisPid, 'redis-server') ? owner.url : undefined
}

/** Removes the owner record once its redis-server has exited, unless a newer one replaced it. */
async function releaseDataDir (dir: string, record: OwnerRecord): Promise<void> {
  const file = join(dir, OWNER_FILE)
  const current = await readOwner(file)
  if (current?.ownerPid === record.ownerPid && current.redisPid === record.redisPid) await rm(file, { force: true })
}

/**
 * How many ports to try. freePort's port is free when it answers, but redis-server binds it
 * a moment later, and any other process may take it in between (another redis-server, or an
 * outgoing connection drawn from the same ephemeral range).
 */
const PORT_ATTEMPTS = 5

export async function startEmbeddedRedis (options: EmbeddedOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dir)
  await mkdir(dir, { recursive: true })
  const replacedOrphan = await claimDataDir(dir)
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? await (options.pickPort ?? freePort)()
    try {
      return { ...await launch(dir, port, options), ...(replacedOrphan !== undefined ? { replacedOrphan } : {}) }
    } catch (err) {
      if (err instanceof PortTaken && options.port === undefined && attempt < PORT_ATTEMPTS) {
        options.onOutput?.(`port ${port} was taken before redis-server bound it; trying another`)
        continue
      }
      await releaseDataDir(dir, { ownerPid: process.pid, redisPid: 0 })
      throw err
    }
  }
}

class PortTaken extends Error {}

/**
 * One redis-server on `port`, answering. The data directory is claimed already; until the
 * server answers, its owner record names it (so that a crash right now leaves an orphan the
 * next start stops), and if it fails to start the record goes back to the bare claim.
 */
async function launch (dir: string, port: number, options: EmbeddedOptions): Promise<Omit<EmbeddedRedis, 'replacedOrphan'>> {
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
    '--loglevel', 'warning',
    ...options.extraArgs ?? []
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
  const record: OwnerRecord = { ownerPid: process.pid, redisPid: child.pid ?? 0 }
  let started = false
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => {
    // A server that never answered is the caller's to clean up (it may try another port).
    if (started) void releaseDataDir(dir, record).finally(resolveExit)
    else resolveExit()
  }))
  const url = `redis://127.0.0.1:${port}`
  await writeOwner(join(dir, OWNER_FILE), { ...record, url })
  try {
    await waitForPing(url, child, output)
  } catch (err) {
    await exited
    await writeOwner(join(dir, OWNER_FILE), { ownerPid: process.pid, redisPid: 0 })
    throw output.some((line) => line.includes('Address already in use')) ? new PortTaken(`port ${port} is in use`) : err
  }
  started = true
  // It exited after answering, before `started` was set: its exit handler released nothing.
  if (child.exitCode !== null || child.signalCode !== null) await releaseDataDir(dir, record)
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return {
    url,
    port,
    dir,
    process: child,
    stop: async () => await stopWith('SIGTERM'),
    kill: async () => await stopWith('SIGKILL'),
    exited
  }
}

async function waitForPing (url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output.slice(-5).join(' | ')}`)
    // Time-limited: whatever else answers on the port (not our redis-server) must not hold us.
    const probe = new Redis(url, {
      lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 1000, commandTimeout: 1000
    })
    probe.on('error', () => {})
    try {
      await probe.connect()
      // While loading a large AOF, Redis answers LOADING; wait until it is really ready. And
      // it must be this child that answers, not a server that took the port first.
      if (await probe.ping() === 'PONG' && (await probe.info('server')).includes(`process_id:${child.pid}\r`)) return
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
