// The floor of durable intake: the least any service that stores what it accepts must do.
// The service's own body schema and key check, then one Lua script that writes the body to
// a hash and the id to a sorted set, on the same redis-server (same persistence) as the
// service. No screening, no idempotency, no history: what remains is HTTP, JSON, auth and
// one durable write, so intake ÷ floor says what Moderato's own work costs on top.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import auth from '../../src/http/auth.js'
import { parseApiKeys } from '../../src/config.js'
import { CommentBody } from '../../src/routes/comments.js'

const STORE = "redis.call('HSET', KEYS[1], 'body', ARGV[1], 'at', ARGV[2]); redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]); return 1"

const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false })
redis.defineCommand('store', { numberOfKeys: 2, lua: STORE })
const store = redis as unknown as { store: (...args: string[]) => Promise<number> }

const app = Fastify({ logger: false })
await app.register(auth, { keys: parseApiKeys(process.env.API_KEYS!) })
app.post('/v1/comments', { config: { roles: ['site'] }, schema: { body: CommentBody } }, async (request, reply) => {
  const id = randomUUID()
  await store.store(`bench-floor:c:${id}`, 'bench-floor:ready', JSON.stringify(request.body), String(Date.now()), id)
  return await reply.code(202).send({ id, status: 'pending' })
})
await new Promise((resolve) => redis.once('ready', resolve))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => { void app.close().then(() => { redis.disconnect(); process.exit(0) }) })
