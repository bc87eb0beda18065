// The container files, checked without a Docker engine (there is none where Moderato is
// developed): the HEALTHCHECK command as the Dockerfile writes it, run against a healthy,
// an unhealthy and a missing service; the compose file's restart policies; and that the
// image holds what the service and the rules CLI read.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './helper.js'
import { freePort } from '../src/redis/embedded.js'

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')

/** The HEALTHCHECK's CMD, in exec form (a JSON array, possibly continued over lines). */
function healthcheck (): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ')
  const cmd = /^HEALTHCHECK .*?\bCMD (\[.*\])\s*$/m.exec(joined)
  if (cmd === null) throw new Error('no HEALTHCHECK … CMD [...] in the Dockerfile')
  return JSON.parse(cmd[1]!) as string[]
}

async function serve (status: number): Promise<{ server: Server, port: number }> {
  const server = createServer((req, res) => { res.writeHead(req.url === '/healthz' ? status : 404).end('{}') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port }
}

// Run apart from this process's event loop, which answers the check's request.
async function runCheck (port: number): Promise<number | null> {
  const [program, ...args] = healthcheck()
  t.equal(program, 'node', 'the check needs nothing but the node the image runs on')
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: String(port) }, timeout: 10000, stdio: 'ignore' })
  return await new Promise((resolve) => child.once('exit', resolve))
}

t.test('HEALTHCHECK passes on a healthy service and fails on an unhealthy or a missing one', async (t) => {
  for (const [status, exit] of [[200, 0], [503, 1]] as const) {
    const { server, port } = await serve(status)
    t.teardown(() => { server.close() })
    t.equal(await runCheck(port), exit, `/healthz ${status}: exit ${exit}`)
  }
  t.equal(await runCheck(await freePort()), 1, 'nothing listening: exit 1')
})

t.test('the image holds the compiled service, the rules and the model, and runs as the node user', async (t) => {
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  for (const path of ['./dist', './rules', './models', './node_modules']) t.match(final, new RegExp(`COPY .* ${path.replace('.', '\\.')}\\n`), `copies ${path}`)
  t.match(final, /\nUSER node\n/)
  t.match(final, /CMD \["node", "dist\/src\/server\.js"\]/)
  t.match(dockerfile, /npm ci --omit=dev/, 'production dependencies only')
})

t.test('compose restarts both services and documents polling for Docker Desktop', async (t) => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { restart?: string, environment?: Record<string, string> }> }
  t.equal(compose.services.redis?.restart, 'unless-stopped')
  t.equal(compose.services.moderato?.restart, 'unless-stopped')
  t.ok(compose.services.moderato?.environment?.RULES_WATCH_POLL !== undefined, 'RULES_WATCH_POLL is passed through')
})
