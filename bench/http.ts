// HTTP throughput: the real service (auth, validation, screening, durable enqueue in a real
// redis-server) against a bare Fastify route, both in child processes, under the same load.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { freePort } from '../src/redis/embedded.js'

// Compiled code, as in production: this file runs from dist/bench/, the servers from dist/.
const DIST = join(import.meta.dirname, '..')
const ROOT = join(DIST, '..')

export interface HttpRow { name: string, rps: number, p50: number, p99: number, non2xx: number, errors: number }

async function startChild (script: string, env: Record<string, string>): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, [join(DIST, script)], {
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

async function load (url: string, path: string, bodies: string[], seconds: number, key: string): Promise<autocannon.Result> {
  let i = 0
  return await autocannon({
    url: `${url}${path}`,
    connections: 32,
    duration: seconds,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length]! })
    }]
  })
}

function row (name: string, r: autocannon.Result): HttpRow {
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors }
}

export async function benchHttp (texts: string[], redisUrl: string, seconds: number): Promise<{ rows: HttpRow[], intakeVsBare: number, screenVsBare: number }> {
  const comments = texts.slice(0, 2000).map((text, i) => JSON.stringify({ articleId: `a${i % 50}`, text: text.slice(0, 1000) }))
  const screens = texts.slice(0, 2000).map((text) => JSON.stringify({ text: text.slice(0, 1000) }))
  const key = 'bench-site-key-0001'
  const env = { REDIS_URL: redisUrl, API_KEYS: `site:bench:${key}`, RATE_LIMIT_MAX: '1000000000', RULES_WATCH: 'false', LOG_LEVEL: 'info', REDIS_PREFIX: 'bench-http' }
  const rows: HttpRow[] = []
  const children: ChildProcess[] = []
  try {
    const bare = await startChild('bench/servers/bare.js', {})
    children.push(bare.child)
    const service = await startChild('src/server.js', env)
    children.push(service.child)
    await load(bare.url, '/v1/comments', comments, 1, key) // warm-up
    await load(service.url, '/v1/comments', comments, 1, key)
    const bareIntake = row('bare Fastify route, 202', await load(bare.url, '/v1/comments', comments, seconds, key))
    const intake = row('POST /v1/comments (auth, validation, screening, durable enqueue)', await load(service.url, '/v1/comments', comments, seconds, key))
    const bareScreen = row('bare Fastify route, 200', await load(bare.url, '/v1/screen', screens, seconds, key))
    const screenRow = row('POST /v1/screen (auth, validation, screening)', await load(service.url, '/v1/screen', screens, seconds, key))
    rows.push(bareIntake, intake, bareScreen, screenRow)
    return { rows, intakeVsBare: intake.rps / bareIntake.rps, screenVsBare: screenRow.rps / bareScreen.rps }
  } finally {
    for (const child of children) child.kill('SIGTERM')
  }
}
