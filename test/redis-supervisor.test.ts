// The embedded redis-server is started again when it dies, with every acknowledged write;
// when it cannot be, /healthz says so.
import t, { type Test } from 'tap'
import { createServer, type Server } from 'node:net'
import { Redis } from 'ioredis'
import { RedisSupervisor, MAX_FAILURES } from '../src/redis/supervisor.js'
import { buildTestApp, tempDir, until } from './helper.js'

async function start (t: Test): Promise<{ supervisor: RedisSupervisor, client: Redis }> {
  const logged: string[] = []
  const log = { info: () => {}, warn: (_: object, msg: string) => { logged.push(msg) }, error: (_: object, msg: string) => { logged.push(msg) } }
  const supervisor = await RedisSupervisor.start({ dir: await tempDir(t, 'moderato-supervised-'), appendfsync: 'always' }, log)
  const client = new Redis(supervisor.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 })
  client.on('error', () => {})
  t.teardown(async () => { client.disconnect(); await supervisor.stop() })
  return { supervisor, client }
}

t.test('a killed redis-server is started again on the same port, with its data', async (t) => {
  const { supervisor, client } = await start(t)
  await client.set('kept', 'yes')
  const firstPid = supervisor.redis.process.pid
  const port = supervisor.redis.port
  supervisor.redis.process.kill('SIGKILL')
  await until(t, 'started again', () => supervisor.restarts === 1)
  t.not(supervisor.redis.process.pid, firstPid, 'a new process')
  t.equal(supervisor.redis.port, port, 'on the same port, where the connections are')
  await until(t, 'the old connection reaches it', async () => await client.get('kept').then((v) => v === 'yes', () => false))
  t.ok(supervisor.healthy)
})

t.test('a redis-server that cannot start again makes the service unhealthy until it can', async (t) => {
  const { supervisor } = await start(t)
  const { app } = await buildTestApp(t, supervisor.redis.url, {}, undefined, { embeddedRedis: supervisor })
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
  const port = supervisor.redis.port
  supervisor.redis.process.kill('SIGKILL')
  // Take its port as soon as it is free: every start fails until it is given back.
  let holder: Server | undefined
  await until(t, 'the port is taken', async () => {
    // Connections are dropped at once, so that closing it later is not held up by them.
    const server = createServer((socket) => socket.destroy())
    holder = await new Promise<Server | undefined>((resolve) => {
      server.once('error', () => resolve(undefined))
      server.listen(port, '127.0.0.1', () => resolve(server))
    })
    return holder !== undefined
  })
  await until(t, `unhealthy after ${MAX_FAILURES} failed starts`, () => !supervisor.healthy)
  const sick = await app.inject({ url: '/healthz' })
  t.equal(sick.statusCode, 503)
  t.match(sick.json(), { status: 'unhealthy', embeddedRedisRestarts: 0 })
  await new Promise((resolve) => holder!.close(resolve))
  await until(t, 'started again once the port is free', () => supervisor.restarts === 1 && supervisor.healthy)
  t.match((await app.inject({ url: '/healthz' })).json(), { status: 'ok', embeddedRedisRestarts: 1 })
})

t.test('stop() while waiting to start again returns at once', async (t) => {
  const supervisor = await RedisSupervisor.start({ dir: await tempDir(t, 'moderato-supervised-'), appendfsync: 'everysec' })
  supervisor.redis.process.kill('SIGKILL')
  await supervisor.redis.exited
  await supervisor.stop()
  t.equal(supervisor.restarts, 0, 'not started again after stop')
})
