// A real Redis Cluster for a test: redis-server processes with --cluster-enabled on free
// loopback ports, joined by "redis-cli --cluster create"; all stopped at teardown.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { startRedis, until } from './helper.js'
import type { EmbeddedRedis } from '../src/redis/embedded.js'

const run = promisify(execFile)

export interface TestCluster {
  nodes: EmbeddedRedis[]
  /** "127.0.0.1:port,…", as REDIS_CLUSTER_NODES takes it. */
  seeds: string
}

export async function startCluster (t: Test, primaries = 3, replicasEach = 1): Promise<TestCluster> {
  const nodes = await Promise.all(Array.from({ length: primaries * (1 + replicasEach) }, async () =>
    await startRedis(t, { extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] })))
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`)
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicasEach), '--cluster-yes'])
  // Every node must agree that all slots are served before the test starts.
  await until(t, 'the cluster is up', async () => {
    const states = await Promise.all(nodes.map(async (n) => {
      const c = new Redis(n.url, { lazyConnect: true })
      try { await c.connect(); return /cluster_state:ok/.test(await c.cluster('INFO')) } catch { return false } finally { c.disconnect() }
    }))
    return states.every(Boolean)
  }, 30000)
  return { nodes, seeds: addresses.join(',') }
}

/** The primaries and, for each, how many keys it holds that match `pattern`. */
export async function keysPerPrimary (cluster: TestCluster, pattern: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const node of cluster.nodes) {
    const c = new Redis(node.url)
    try {
      if (!/role:master/.test(await c.info('replication'))) continue
      out.set(node.url, (await c.keys(pattern)).length)
    } finally { c.disconnect() }
  }
  return out
}
