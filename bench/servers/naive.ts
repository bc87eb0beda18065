// The card's naive build: what a team gets by wiring the named packages together directly.
// Fastify, franc for the language, bad-words' isProfane, and an ioredis LPUSH of the JSON
// on the same redis-server as the service. No auth, no evidence, no review queue: Moderato
// does more per comment, and intake ÷ naive says whether it is still faster.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { franc } from 'franc'
import { Filter } from 'bad-words'

const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false })
const filter = new Filter()

const app = Fastify({ logger: false })
app.post<{ Body: { text: string } }>('/v1/comments', async (request, reply) => {
  const { text } = request.body
  const english = franc(text) === 'eng'
  const profane = filter.isProfane(text)
  const id = randomUUID()
  await redis.lpush('bench-naive:comments', JSON.stringify({ id, ...request.body, english, profane, at: Date.now() }))
  return await reply.code(202).send({ id, status: english && !profane ? 'pending' : 'rejected' })
})
await new Promise((resolve) => redis.once('ready', resolve))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => { void app.close().then(() => { redis.disconnect(); process.exit(0) }) })
