// The embedded redis-server and its data directory: two redis-servers must never share one
// append-only file, and a redis-server orphaned by a killed process is stopped, not doubled.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { DataDirInUse, freePort, RedisServerMissing, startEmbeddedRedis } from '../../src/redis/embedded.js'
import { startServer, tempDir, until, API_KEYS, KEYS, comment, ROOT, NO_CHILD_COVERAGE } from '../helper.js'

const OWNER_FILE = 'moderato-embedded.json'

/** Whether pid is a running process (a zombie, dead but not yet reaped, is not). */
function running (pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z'
  } catch {
    return false
  }
}

/** The pid of a process that has already exited. */
async function deadPid (): Promise<number> {
  const child = spawn('true')
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

t.test('a killed service leaves its redis-server behind; the next start stops it first and loses nothing', async (t) => {
  const dataDir = await tempDir(t)
  const first = startServer(t, { DATA_DIR: dataDir, API_KEYS })
  const base = await first.address
  const res = await fetch(`${base}/v1/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json' },
    body: JSON.stringify(comment({ id: 'before-the-kill' }))
  })
  t.equal(res.status, 202)
  const { redisPid } = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as { redisPid: number }
  t.teardown(() => { if (running(redisPid)) process.kill(redisPid, 'SIGKILL') })

  const second = startServer(t, { DATA_DIR: dataDir, API_KEYS })
  t.equal(await second.exited, 1, 'a second service on the same DATA_DIR refuses to start')
  t.match(second.output(), /data directory .* is in use: process \d+ runs redis-server/)
  t.ok(running(redisPid), 'and leaves the first one alone')

  first.child.kill('SIGKILL')
  await first.exited
  t.ok(running(redisPid), 'SIGKILL cannot stop the child: its redis-server is orphaned')

  const again = await startEmbeddedRedis({ dir: dataDir })
  t.teardown(async () => { await again.stop() })
  t.equal(again.replacedOrphan, redisPid, 'the next start stops the orphan before starting its own')
  t.notOk(running(redisPid), 'the orphan is gone')
  const redis = new Redis(again.url)
  t.teardown(() => redis.disconnect())
  const keys = await redis.keys('*before-the-kill*')
  t.ok(keys.length > 0, 'the comment accepted before the kill is in the new redis-server')
})

t.test('one directory, one redis-server: a second start in the same process is refused until the first stops', async (t) => {
  const dir = await tempDir(t)
  const first = await startEmbeddedRedis({ dir, appendfsync: 'everysec' })
  const err = await startEmbeddedRedis({ dir }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof DataDirInUse, 'refused')
  t.match((err as Error).message, `${first.process.pid}`, 'naming the redis-server that uses it')
  t.match((err as Error).message, /set DATA_DIR to another directory/, 'and what to do')
  await first.stop()
  t.notOk(existsSync(join(dir, OWNER_FILE)), 'a clean stop removes the owner record')
  const second = await startEmbeddedRedis({ dir, appendfsync: 'everysec' })
  t.equal(second.replacedOrphan, undefined, 'nothing was left to stop')
  await second.stop()

  // Starts at the same moment, several rounds: exactly one wins each time.
  for (let round = 0; round < 5; round++) {
    const race = await Promise.allSettled(Array.from({ length: 6 }, async () => await startEmbeddedRedis({ dir, appendfsync: 'everysec' })))
    const won = race.filter((r) => r.status === 'fulfilled')
    t.equal(won.length, 1, `round ${round + 1}: exactly one of six simultaneous starts wins`)
    t.equal(race.filter((r) => r.status === 'rejected' && r.reason instanceof DataDirInUse).length, 5, 'the others are refused')
    for (const r of won) await r.value.stop()
  }
})

t.test('two processes starting on one directory at the same moment: one wins', async (t) => {
  const dir = await tempDir(t)
  const script = `import('${join(ROOT, 'src/redis/embedded.ts')}').then(async (m) => {
    try { const r = await m.startEmbeddedRedis({ dir: process.argv[1], appendfsync: 'everysec' }); console.log('won'); setTimeout(() => r.stop().then(() => process.exit(0)), 1500) }
    catch (e) { console.log(e instanceof m.DataDirInUse ? 'refused' : 'error ' + e.message); process.exit(0) }
  })`
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(Array.from({ length: 4 }, async () => await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, dir], { env: { ...process.env, ...NO_CHILD_COVERAGE }, stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (d: Buffer) => { out += d.toString() })
      child.on('exit', () => resolve(out.trim()))
    })))
    t.same(results.slice().sort(), ['refused', 'refused', 'refused', 'won'], `round ${round + 1}: ${results.join(', ')}`)
  }
})

t.test('redis-server missing: the claim on the directory is given back', async (t) => {
  const dir = await tempDir(t)
  const path = process.env.PATH
  process.env.PATH = '/nonexistent'
  t.teardown(() => { process.env.PATH = path })
  const err = await startEmbeddedRedis({ dir }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof RedisServerMissing, 'refused with the install hint')
  t.notOk(existsSync(join(dir, OWNER_FILE)), 'no owner record is left behind')
})

t.test('an owner record of processes that are gone, or a torn one, is ignored', async (t) => {
  const dir = await tempDir(t)
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ ownerPid: await deadPid(), redisPid: await deadPid() }))
  const a = await startEmbeddedRedis({ dir, appendfsync: 'everysec' })
  t.equal(a.replacedOrphan, undefined)
  t.equal(JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')).redisPid, a.process.pid, 'the record now names the new redis-server')
  await a.stop()

  writeFileSync(join(dir, OWNER_FILE), '{"ownerPid": 12')
  const b = await startEmbeddedRedis({ dir, appendfsync: 'everysec' })
  t.equal(b.replacedOrphan, undefined)
  await b.stop()
})

t.test('a start waits while another holds the claim, and a claim lock left by a crash is taken over', async (t) => {
  const { mkdirSync, utimesSync, rmSync } = await import('node:fs')
  const dir = await tempDir(t)
  const lock = join(dir, '.moderato-claim.lock')
  mkdirSync(lock)
  let settled = false
  const pending = startEmbeddedRedis({ dir, appendfsync: 'everysec' }).then(() => 'won', (e: unknown) => e instanceof DataDirInUse ? 'refused' : String(e)).finally(() => { settled = true })
  // The other start, holding the lock, records itself (a live owner, its redis not yet up)…
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ ownerPid: process.pid, redisPid: 0 }))
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(settled, 'the second start waits for the lock')
  // …and lets go: the waiting start now sees a live owner.
  rmSync(lock, { recursive: true })
  t.equal(await pending, 'refused')

  rmSync(join(dir, OWNER_FILE))
  mkdirSync(lock)
  const old = new Date(Date.now() - 60000)
  utimesSync(lock, old, old)
  const r = await startEmbeddedRedis({ dir, appendfsync: 'everysec' })
  t.ok(r.port > 0, 'a lock older than 30 s is stale: the start proceeds')
  await r.stop()
})

t.test('the service starts its redis-server again when it dies, and every accepted comment is kept', async (t) => {
  const dataDir = await tempDir(t)
  const server = startServer(t, { DATA_DIR: dataDir, API_KEYS })
  const base = await server.address
  const submit = async (id: string): Promise<number> => (await fetch(`${base}/v1/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json' },
    body: JSON.stringify(comment({ id }))
  })).status
  t.equal(await submit('before-the-crash'), 202)
  const { redisPid } = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as { redisPid: number }
  process.kill(redisPid, 'SIGKILL')
  await until(t, 'the service saw its redis-server die', () => /embedded redis-server died/.test(server.output()))
  // Writes answer 503 until it is back, then 202 again, without restarting the service.
  await until(t, 'accepted again', async () => await submit('after-the-crash') === 202)
  // The new redis-server takes connections a moment before its supervisor counts the restart.
  let health: unknown
  await until(t, 'the restart is counted', async () => {
    health = await (await fetch(`${base}/healthz`)).json()
    return (health as { embeddedRedisRestarts?: number }).embeddedRedisRestarts === 1
  })
  t.match(health, { status: 'ok', embeddedRedisRestarts: 1 })
  const kept = await fetch(`${base}/v1/comments/before-the-crash`, { headers: { authorization: `Bearer ${KEYS.site}` } })
  t.equal(kept.status, 200, 'the comment accepted before the crash is still there')
  t.match(server.output(), /embedded redis-server died; starting it again/, 'and says so')

  // The harness's teardown SIGKILLs a service still running, which would orphan the
  // redis-server started again: stop it as an orchestrator does, and check it takes its own.
  const restarted = (JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as { redisPid: number }).redisPid
  t.not(restarted, redisPid, 'the owner record names the new redis-server')
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'SIGTERM stops the service cleanly')
  t.notOk(running(restarted), 'and the redis-server it started again with it')
})

t.test('a port taken before redis-server binds it: another is tried, and only our own server counts as up', async (t) => {
  const other = await startEmbeddedRedis({ dir: await tempDir(t), appendfsync: 'everysec' })
  t.teardown(async () => { await other.stop() })

  const dir = await tempDir(t)
  const err = await startEmbeddedRedis({ dir, port: other.port }).then(() => undefined, (e: unknown) => e)
  t.match(err, { message: `port ${other.port} is in use` }, 'on a fixed port it fails: the redis-server answering there is not ours')
  t.notOk(existsSync(join(dir, OWNER_FILE)), 'and gives its claim on the directory back')

  const ports = [other.port]
  const lines: string[] = []
  const r = await startEmbeddedRedis({ dir, appendfsync: 'everysec', pickPort: async () => ports.shift() ?? await freePort(), onOutput: (line) => lines.push(line) })
  t.teardown(async () => { await r.stop() })
  t.not(r.port, other.port, 'a port picked and then taken: the next one is tried')
  t.ok(lines.some((line) => line.includes(`port ${other.port} was taken`)), 'and the output says so')
  const redis = new Redis(r.url)
  t.teardown(() => redis.disconnect())
  t.match(await redis.info('server'), `process_id:${r.process.pid}`, 'the server at the URL is the one started')
  t.equal(JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')).redisPid, r.process.pid, 'the owner record names it')
})
