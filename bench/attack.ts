// Screening under attack: what one hostile caller can do to everyone else.
//   1. Adversarial families (bench/adversarial.ts): how screening time grows with length.
//   2. A live service receiving ten adversarial 10,000-character comments a second from one
//      site key: the p99 of /healthz, of a moderator's claims and of another site's intake,
//      against the same figures with no attack, measured in the same run.
//   3. The same probes while that key sends ordinary comments at 90% of its rate limit: the
//      load of a busy site that keeps to its limit, all of it screened and stored.
//   4. The same probes while that key floods ordinary comments as fast as 16 connections
//      go (from a worker thread: bench/flooder.ts): its rate limit (FLOOD_LIMIT a second,
//      for every key) answers the rest 429. Then the control: as many requests a second
//      sent to a bare server beside the service, which shows what the flood costs the
//      machine (2 cores shared by the flooder, the service and Redis) with nothing of ours
//      in its path.
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { FAMILIES, timeFamilies, type FamilyTiming } from './adversarial.js'
import { screen } from '../src/screening/screen.js'
import type { Ruleset } from '../src/screening/ruleset.js'
import { serviceEnv, startChild } from './http.js'
import type { FloodOrder } from './flooder.js'

export interface FamilyResults {
  worst: FamilyTiming
  slowest10k: FamilyTiming
  all: FamilyTiming[]
}

export function benchFamilies (rules: Ruleset, quick: boolean): FamilyResults {
  const lengths = quick ? [1000, 10000] : [1000, 10000, 100000]
  const all = timeFamilies((text) => screen({ text }, rules), lengths, { rounds: 3, budget: quick ? 20000 : 100000 })
  const worst = all.reduce((a, b) => Math.max(...b.ratios) > Math.max(...a.ratios) ? b : a)
  const slowest10k = all.reduce((a, b) => b.ms[10000]! > a.ms[10000]! ? b : a)
  return { worst, slowest10k, all }
}

const KEYS = { attacker: 'bench-attacker-key-01', other: 'bench-other-site-key', moderator: 'bench-moderator-key-01' }
const ATTACKS_PER_SECOND = 10

export interface Latencies { healthz: number, claim: number, otherIntake: number }
export interface AttackResults {
  quiet: Latencies
  attacked: Latencies
  attacks: number
  attackStatuses: Record<string, number>
  /** The probes while the key sends at 90% of its limit: accepted work, no refusals. */
  withinLimit: Latencies
  withinLimitStatuses: Record<string, number>
  flooded: Latencies
  floodStatuses: Record<string, number>
  /** The probes while the same number of requests a second go to a bare server beside it:
   * what the machine's shared cores cost, with nothing of Moderato's in the flood's path. */
  machineFlooded: Latencies
}

/** Every key's rate limit here, a second: twice what each probe sends (50/s). */
export const FLOOD_LIMIT = 100
const FLOOD_CONNECTIONS = 16

const p99 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN
}

async function timed (f: () => Promise<Response>): Promise<number> {
  const t0 = performance.now()
  const res = await f()
  await res.arrayBuffer()
  if (res.status >= 500) throw new Error(`${res.url}: ${res.status}`)
  return performance.now() - t0
}

/** The p99 of each probe, each sent in a loop at about 50 requests a second until `ms` pass. */
async function probe (url: string, ms: number): Promise<Latencies> {
  const until = Date.now() + ms
  const times: Record<keyof Latencies, number[]> = { healthz: [], claim: [], otherIntake: [] }
  const json = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' })
  let n = 0
  const loop = async (name: keyof Latencies, send: () => Promise<Response>): Promise<void> => {
    while (Date.now() < until) {
      times[name].push(await timed(send))
      await sleep(20)
    }
  }
  await Promise.all([
    loop('healthz', async () => await fetch(`${url}/healthz`)),
    loop('claim', async () => await fetch(`${url}/v1/review/claim`, { method: 'POST', headers: json(KEYS.moderator), body: JSON.stringify({ max: 1, leaseSeconds: 5 }) })),
    loop('otherIntake', async () => await fetch(`${url}/v1/comments`, { method: 'POST', headers: json(KEYS.other), body: JSON.stringify({ articleId: 'a1', text: `An ordinary comment about the match, number ${n++}.` }) }))
  ])
  return { healthz: p99(times.healthz), claim: p99(times.claim), otherIntake: p99(times.otherIntake) }
}

export async function benchAttack (redisUrl: string, seconds: number): Promise<AttackResults> {
  const env = { ...serviceEnv(redisUrl), RATE_LIMIT_MAX: String(FLOOD_LIMIT), RATE_LIMIT_WINDOW: '1 second', API_KEYS: `site:attacker:${KEYS.attacker},site:other:${KEYS.other},moderator:mod:${KEYS.moderator}`, REDIS_PREFIX: 'bench-attack' }
  const { child, url }: { child: ChildProcess, url: string } = await startChild('src/server.js', env)
  try {
    await probe(url, 1000) // warm-up
    const quiet = await probe(url, seconds * 1000)
    // The attacker: the slowest families at 10,000 characters, ten a second, each sent
    // without waiting for the one before (a real attacker does not wait either).
    const texts = FAMILIES.map((f) => f.make(10000))
    const statuses: Record<string, number> = {}
    let attacks = 0
    let stop = false
    const inFlight: Array<Promise<void>> = []
    const attacker = (async () => {
      for (let i = 0; !stop; i++) {
        inFlight.push(fetch(`${url}/v1/comments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEYS.attacker}`, 'content-type': 'application/json' },
          body: JSON.stringify({ articleId: 'x', text: texts[i % texts.length] })
        }).then(
          async (res) => { await res.arrayBuffer(); statuses[res.status] = (statuses[res.status] ?? 0) + 1 },
          () => { statuses.error = (statuses.error ?? 0) + 1 }
        ))
        attacks++
        await sleep(1000 / ATTACKS_PER_SECOND)
      }
    })()
    const attacked = await probe(url, seconds * 1000)
    stop = true
    await attacker
    await Promise.all(inFlight)

    const flood = async (order: FloodOrder): Promise<{ latencies: Latencies, statuses: Record<string, number> }> => {
      const flooder = new Worker(new URL('./flooder.js', import.meta.url), { workerData: order })
      const statuses = new Promise<Record<string, number>>((resolve, reject) => { flooder.once('message', resolve).once('error', reject) })
      const latencies = await probe(url, seconds * 1000)
      flooder.postMessage('stop')
      return { latencies, statuses: await statuses }
    }
    const withinLimit = await flood({ url, key: KEYS.attacker, connections: FLOOD_CONNECTIONS, perSecond: FLOOD_LIMIT * 0.9 })
    const flooded = await flood({ url, key: KEYS.attacker, connections: FLOOD_CONNECTIONS })
    // The control: as many requests a second, to a bare Fastify route in a process of its own.
    const sent = Object.values(flooded.statuses).reduce((a, b) => a + b, 0)
    const bare = await startChild('bench/servers/bare.js', {})
    let machineFlooded: Latencies
    try {
      machineFlooded = (await flood({ url: bare.url, key: KEYS.attacker, connections: FLOOD_CONNECTIONS, perSecond: sent / seconds })).latencies
    } finally {
      const bareExited = new Promise((resolve) => bare.child.once('exit', resolve))
      if (bare.child.kill('SIGTERM')) await bareExited
    }
    return {
      quiet, attacked, attacks, attackStatuses: statuses,
      withinLimit: withinLimit.latencies, withinLimitStatuses: withinLimit.statuses,
      flooded: flooded.latencies, floodStatuses: flooded.statuses, machineFlooded
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    if (child.kill('SIGTERM')) await exited
  }
}
