import t from 'tap'
import { Redis } from 'ioredis'
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import { OverLimitMemory, rememberingRedisStore } from '../../src/http/rate-limit-store.js'
import { startRedis } from '../helper.js'

t.test('remembers a key until its window ends, then forgets it', async (t) => {
  let now = 1000
  const memory = new OverLimitMemory(() => now)
  t.equal(memory.remaining('k'), undefined, 'an unknown key is not refused from memory')
  memory.remember('k', 500)
  t.equal(memory.remaining('k'), 500)
  now += 499
  t.equal(memory.remaining('k'), 1)
  now += 1
  t.equal(memory.remaining('k'), undefined, 'the window has ended')
  t.equal(memory.size, 0, 'and the key is gone')
  memory.remember('k', 0)
  t.equal(memory.size, 0, 'a window with no time left is not remembered')
})

t.test('holds at most its capacity: ended windows make room, swept at most once a second', async (t) => {
  let now = 0
  const memory = new OverLimitMemory(() => now, 3)
  memory.remember('a', 10)
  memory.remember('b', 100)
  memory.remember('c', 100)
  memory.remember('d', 100)
  t.equal(memory.size, 3)
  t.equal(memory.remaining('d'), undefined, 'full of live windows: the new key asks Redis as before')
  now = 50
  memory.remember('d', 100)
  t.equal(memory.remaining('d'), undefined, 'the window of a has ended, but the last sweep was less than a second ago')
  now = 1000
  memory.remember('e', 100)
  t.equal(memory.remaining('e'), 100, 'a second later, the ended windows make room')
  t.equal(memory.size, 1, 'and only the new key is left: every other window had ended')
})

t.test('the store counts in Redis, reads without counting, and keeps a route-level child apart', async (t) => {
  const server = await startRedis(t)
  const redis = new Redis(server.url)
  t.teardown(() => { redis.disconnect() })
  const Store = rememberingRedisStore(redis, 'ns:')
  const store = new Store({})
  const incr = async (s: FastifyRateLimitStore, key: string) => await new Promise<{ current: number, ttl: number } | undefined>((resolve, reject) => {
    s.incr(key, (err, res) => { if (err !== null) reject(err); else resolve(res) }, 60000, 1)
  })
  t.match(await incr(store, 'k'), { current: 1 })
  t.match(await incr(store, 'k'), { current: 2 })
  t.match(await incr(store, 'k'), { current: 2 }, 'past the limit, the count comes from memory')
  const read = await new Promise((resolve) => { (store as unknown as { read: (k: string, cb: (e: unknown, r: unknown) => void) => void }).read('k', (_e, r) => { resolve(r) }) })
  t.match(read, { current: 2 }, 'read gives the Redis counter')
  const child = store.child({ routeInfo: { method: 'GET', url: '/x' } } as unknown as Parameters<FastifyRateLimitStore['child']>[0])
  t.match(await incr(child, 'k'), { current: 1 }, 'a route with a limit of its own counts apart')
  t.same((await redis.keys('ns:*')).sort(), ['ns:GET/x-k', 'ns:k'])
})
