// Real Sentinel for a test: a primary, its replicas and three sentinels (redis-sentinel)
// on free loopback ports, with short timeouts so that a failover takes a few seconds.
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { startRedis, tempDir, until } from './helper.js'
import { freePort, type EmbeddedRedis } from '../src/redis/embedded.js'

export const MASTER_NAME = 'mymaster'

export interface TestSentinel {
  /** "127.0.0.1:port,…", as REDIS_SENTINELS takes it. */
  sentinels: string
  /** The data servers, by port; a killed one is replaced in this map when started again. */
  servers: Map<number, EmbeddedRedis>
  /** The primary's port, as the sentinels see it now. */
  primaryPort: () => Promise<number>
  /** Starts a killed server again on its port and data directory, as a replica of `of`. */
  restartAsReplica: (port: number, of: number) => Promise<void>
  /** Who is primary and how each server replicates, for a failure message. */
  describe: () => Promise<string>
  /** SIGKILLs the sentinels, then every data server: the test is over, nothing needs flushing. */
  killAll: () => Promise<void>
}

// Redis waits 5 s by default before a diskless full sync, for more replicas to join: a
// replica back after a failover would leave writes unacknowledged that long.
const SYNC_AT_ONCE = ['--repl-diskless-sync-delay', '0']
const replicaArgs = (port: number): string[] => ['--replicaof', '127.0.0.1', String(port), ...SYNC_AT_ONCE]

export async function startSentinel (t: Test, replicas = 1): Promise<TestSentinel> {
  const primary = await startRedis(t, { appendfsync: 'always', extraArgs: SYNC_AT_ONCE })
  const servers = new Map<number, EmbeddedRedis>([[primary.port, primary]])
  for (let i = 0; i < replicas; i++) {
    const r = await startRedis(t, { appendfsync: 'always', extraArgs: replicaArgs(primary.port) })
    servers.set(r.port, r)
  }
  const ports: number[] = []
  const sentinelsExited: Array<Promise<unknown>> = []
  const killSentinels: Array<() => void> = []
  for (let i = 0; i < 3; i++) {
    const port = await freePort()
    const dir = await tempDir(t, 'moderato-sentinel-')
    const conf = join(dir, 'sentinel.conf')
    await writeFile(conf, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primary.port} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 1000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`
    ].join('\n') + '\n')
    const child = spawn('redis-sentinel', [conf], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const kill = (): void => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
    killSentinels.push(kill)
    sentinelsExited.push(exited)
    t.teardown(async () => { kill(); await exited })
    ports.push(port)
  }
  const ask = async (port: number): Promise<number | undefined> => {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 })
    try {
      await c.connect()
      const addr = await c.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME) as [string, string] | null
      return addr === null ? undefined : Number(addr[1])
    } catch { return undefined } finally { c.disconnect() }
  }
  const primaryPort = async (): Promise<number> => {
    const answers = await Promise.all(ports.map(ask))
    return answers.find((p) => p !== undefined) ?? 0
  }
  // Sentinels are up, agree on the primary, and have found its replica.
  await until(t, 'the sentinels watch the primary and its replica', async () => {
    const answers = await Promise.all(ports.map(ask))
    if (!answers.every((p) => p === primary.port)) return false
    const c = new Redis({ port: ports[0], host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 })
    try { await c.connect(); return (await c.call('SENTINEL', 'replicas', MASTER_NAME) as unknown[]).length === replicas } catch { return false } finally { c.disconnect() }
  }, 30000)
  const restartAsReplica = async (port: number, of: number): Promise<void> => {
    const old = servers.get(port)!
    servers.set(port, await startRedis(t, { appendfsync: 'always', dir: old.dir, port, extraArgs: replicaArgs(of) }))
  }
  const describe = async (): Promise<string> => {
    const parts = [`sentinels name ${(await Promise.all(ports.map(ask))).join(', ')}`]
    for (const [port, server] of servers) {
      const c = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 500 })
      try {
        await c.connect()
        const info = await c.info('replication')
        parts.push(`${port}: ${info.split(/\r?\n/).filter((l) => /^(role|master_port|master_link_status|master_sync_in_progress|connected_slaves|slave0)/.test(l)).join(' ')}`)
      } catch (err) { parts.push(`${port}: ${(err as Error).message}`) } finally { c.disconnect() }
    }
    return parts.join('; ')
  }
  const killAll = async (): Promise<void> => {
    for (const kill of killSentinels) kill()
    await Promise.all(sentinelsExited)
    await Promise.all([...servers.values()].map(async (s) => { await s.kill() }))
  }
  return { sentinels: ports.map((p) => `127.0.0.1:${p}`).join(','), servers, primaryPort, restartAsReplica, describe, killAll }
}
