// HTTP throughput: the real service (auth, validation, screening, durable enqueue in a real
// redis-server) against a bare Fastify route, both in child processes, under the same load.
//
// Contenders run in alternating rounds (bare, service, bare, service, …) and the ratio is
// the median of the rounds' ratios, so a slow patch of a shared machine hits both sides.
// Each row also says how much CPU every process spent per request: on a small machine
// the load generator, the service and Redis share the cores, and these figures show
// where a ratio comes from.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { freePort } from '../src/redis/embedded.js'

// Compiled code, as in production: this file runs from dist/bench/, the servers from dist/.
const DIST = join(import.meta.dirname, '..')
const ROOT = join(DIST, '..')
const CONNECTIONS = 32
const KEY = 'bench-site-key-0001'

/** CPU microseconds per request spent by each process; undefined where /proc is missing. */
export interface CpuPerRequest { server?: number, redis?: number, loadGenerator: number }

export interface HttpRow { name: string, rps: number, p50: number, p99: number, non2xx: number, errors: number, cpu: CpuPerRequest }


/** CPU time (user + system) a process has used so far, in microseconds, from /proc. */
function processCpu (pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 1e6 / 100 // clock ticks, USER_HZ = 100
  } catch {
    return undefined
  }
}

export async function startChild (script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(DIST, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).status < 500) return { child, url }
    } catch { /* not yet */ }
    await sleep(50)
  }
  throw new Error(`${script} did not start`)
}

interface Target { name: string, child: ChildProcess, url: string, path: string, bodies: string[] }

interface Sample { result: autocannon.Result, cpu: CpuPerRequest }

async function load (target: Target, seconds: number, redisPid: number | undefined): Promise<Sample> {
  let i = 0
  const before = { server: processCpu(target.child.pid), redis: processCpu(redisPid), own: process.cpuUsage() }
  const result = await autocannon({
    url: `${target.url}${target.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      setupRequest: (req) => ({ ...req, body: target.bodies[i++ % target.bodies.length]! })
    }]
  })
  const n = Math.max(1, result.requests.total)
  const own = process.cpuUsage(before.own)
  const per = (start: number | undefined, end: number | undefined): number | undefined =>
    start !== undefined && end !== undefined ? (end - start) / n : undefined
  const server = per(before.server, processCpu(target.child.pid))
  const redis = per(before.redis, processCpu(redisPid))
  return {
    result,
    cpu: { ...(server !== undefined ? { server } : {}), ...(redis !== undefined ? { redis } : {}), loadGenerator: (own.user + own.system) / n }
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!

/** One row from several rounds: the median of each figure. */
function row (name: string, samples: Sample[]): HttpRow {
  const m = (f: (s: Sample) => number | undefined): number | undefined => {
    const values = samples.map(f).filter((v): v is number => v !== undefined)
    return values.length === samples.length ? median(values) : undefined
  }
  const server = m((s) => s.cpu.server)
  const redis = m((s) => s.cpu.redis)
  return {
    name,
    rps: m((s) => s.result.requests.average)!,
    p50: m((s) => s.result.latency.p50)!,
    p99: m((s) => s.result.latency.p99)!,
    non2xx: samples.reduce((a, s) => a + s.result.non2xx, 0),
    errors: samples.reduce((a, s) => a + s.result.errors, 0),
    cpu: { ...(server !== undefined ? { server } : {}), ...(redis !== undefined ? { redis } : {}), loadGenerator: m((s) => s.cpu.loadGenerator)! }
  }
}

/**
 * Runs `service` and each baseline in turn, `rounds` times (service, baseline 1, …), so a
 * slow patch of a shared machine hits every contender. Returns a row each, and for each
 * baseline the median over rounds of service ÷ baseline throughput.
 */
async function compare (
  service: Target, baselines: Target[], rounds: number, seconds: number, redisPid: number | undefined
): Promise<{ rows: HttpRow[], ratios: number[] }> {
  const samples: Sample[][] = [service, ...baselines].map(() => [])
  for (let r = 0; r < rounds; r++) {
    for (const [i, target] of [service, ...baselines].entries()) samples[i]!.push(await load(target, seconds, redisPid))
  }
  const rps = (s: Sample): number => s.result.requests.average
  const ratios = baselines.map((_, b) => median(samples[0]!.map((s, r) => rps(s) / rps(samples[b + 1]![r]!))))
  return { rows: [service, ...baselines].map((t, i) => row(t.name, samples[i]!)), ratios }
}

/** Comments of the corpus cut to 250 characters, the length the CPU targets are set for. */
export const BODY_CHARS = 250
const commentBodies = (texts: string[]): string[] => texts.slice(0, 2000).map((text, i) => JSON.stringify({ articleId: `a${i % 50}`, text: text.slice(0, BODY_CHARS) }))
export const serviceEnv = (redisUrl: string): Record<string, string> =>
  ({ REDIS_URL: redisUrl, API_KEYS: `site:bench:${KEY}`, RATE_LIMIT_MAX: '1000000000', RULES_WATCH: 'false', LOG_LEVEL: 'info', REDIS_PREFIX: 'bench-http' })

/** The service under intake load with V8's CPU profiler on; its .cpuprofile lands in `dir`. */
export async function profileIntake (texts: string[], redisUrl: string, seconds: number, dir: string): Promise<void> {
  const service = await startChild('src/server.js', serviceEnv(redisUrl), ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  const exited = new Promise((resolve) => service.child.once('exit', resolve))
  try {
    const target: Target = { name: 'intake', ...service, path: '/v1/comments', bodies: commentBodies(texts) }
    await load(target, 1, undefined) // warm-up
    await load(target, seconds, undefined)
  } finally {
    service.child.kill('SIGTERM') // a clean exit writes the profile
    await exited
  }
}

export interface HttpResult {
  /** The service's intake row first, then the bare route, the floor and the naive build. */
  intake: HttpRow[]
  /** The service's /v1/screen row, then the bare route. */
  screen: HttpRow[]
  intakeVsBare: number
  intakeVsFloor: number
  intakeVsNaive: number
  screenVsBare: number
  rounds: number
}

export async function benchHttp (texts: string[], redisUrl: string, redisPid: number | undefined, rounds: number, seconds: number): Promise<HttpResult> {
  const comments = commentBodies(texts)
  const screens = texts.slice(0, 2000).map((text) => JSON.stringify({ text: text.slice(0, BODY_CHARS) }))
  const children: ChildProcess[] = []
  const start = async (script: string, env: Record<string, string>): Promise<{ child: ChildProcess, url: string }> => {
    const started = await startChild(script, env)
    children.push(started.child)
    return started
  }
  try {
    const bare = await start('bench/servers/bare.js', {})
    const floor = await start('bench/servers/floor.js', { REDIS_URL: redisUrl, API_KEYS: `site:bench:${KEY}` })
    const naive = await start('bench/servers/naive.js', { REDIS_URL: redisUrl })
    const service = await start('src/server.js', serviceEnv(redisUrl))
    const intake: Target = { name: 'POST /v1/comments (auth, validation, screening, durable enqueue)', ...service, path: '/v1/comments', bodies: comments }
    const bareIntake: Target = { name: 'bare Fastify route, 202', ...bare, path: '/v1/comments', bodies: comments }
    const floorIntake: Target = { name: 'floor: same schema and key check, one Lua write (hash + sorted set)', ...floor, path: '/v1/comments', bodies: comments }
    const naiveIntake: Target = { name: 'naive build: franc + bad-words isProfane + ioredis LPUSH', ...naive, path: '/v1/comments', bodies: comments }
    const screenOnly: Target = { name: 'POST /v1/screen (auth, validation, screening)', ...service, path: '/v1/screen', bodies: screens }
    const bareScreen: Target = { name: 'bare Fastify route, 200', ...bare, path: '/v1/screen', bodies: screens }
    for (const target of [intake, bareIntake, floorIntake, naiveIntake]) await load(target, 1, redisPid) // warm-up: JIT, connections
    const a = await compare(intake, [bareIntake, floorIntake, naiveIntake], rounds, seconds, redisPid)
    const b = await compare(screenOnly, [bareScreen], rounds, seconds, redisPid)
    const [intakeVsBare, intakeVsFloor, intakeVsNaive] = a.ratios as [number, number, number]
    return { intake: a.rows, screen: b.rows, intakeVsBare, intakeVsFloor, intakeVsNaive, screenVsBare: b.ratios[0]!, rounds }
  } finally {
    // Wait for the servers to be gone, so they take no CPU from what is measured next.
    await Promise.all(children.map(async (child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      if (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')) await exited
    }))
  }
}
