// The baseline: a bare Fastify route that parses the same JSON body and answers 202.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
let n = 0
app.post('/v1/comments', async (_request, reply) => reply.code(202).send({ id: String(++n), status: 'pending' }))
app.post('/v1/screen', async () => ({ status: 'pending' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
