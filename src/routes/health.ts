// Liveness and readiness for orchestrators; no key needed, no rate limit.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { VERSION } from '../version.js'

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const Health = Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('unhealthy')]),
    version: Type.String({ description: 'The Moderato release' }),
    rulesVersion: Type.String({ description: 'The rules this process screens with' }),
    embeddedRedisRestarts: Type.Optional(Type.Integer({ description: 'Without REDIS_URL: times the embedded redis-server was started again after it died' }))
  })

  app.get('/healthz', {
    config: { rateLimit: false },
    schema: {
      tags: ['health'],
      summary: 'The process is alive',
      description: '503 when the embedded redis-server (no REDIS_URL) died and could not be started again five times in a row: restart the process.',
      response: { 200: Health, 503: Health }
    }
  }, async (_request, reply) => {
    const embedded = app.embeddedRedis
    const healthy = embedded?.healthy ?? true
    return await reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'ok' as const : 'unhealthy' as const,
      version: VERSION,
      rulesVersion: app.rules.status().version,
      ...(embedded !== undefined ? { embeddedRedisRestarts: embedded.restarts } : {})
    })
  })

  const Ready = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    redis: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
    store: Type.Union([Type.Literal('ok'), Type.Literal('lost'), Type.Literal('unknown')], { description: 'lost: Redis lost its data; writes are refused until an admin accepts the store (POST /v1/admin/accept-empty-store)' }),
    rulesVersion: Type.String({ description: 'Compare across replicas to confirm they run the same rules' }),
    modelVersion: Type.Union([Type.String(), Type.Null()], { description: 'The learned scorer in use; null when switched off' }),
    rulesError: Type.Union([Type.String(), Type.Null()], { description: 'The last failed reload, if any (the last good rules keep running)' })
  })

  app.get('/readyz', {
    config: { rateLimit: false },
    schema: { tags: ['health'], summary: 'Redis answers, has not lost its data, and rules are loaded', response: { 200: Ready, 503: Ready } }
  }, async (_request, reply) => {
    let redis: 'ok' | 'unreachable' = 'ok'
    try {
      await app.queue.ping()
      await app.epoch.check()
    } catch {
      redis = 'unreachable'
    }
    const store = app.epoch.state
    const ready = redis === 'ok' && store !== 'lost'
    const status = app.rules.status()
    const body = { status: ready ? 'ready' as const : 'unavailable' as const, redis, store, rulesVersion: status.version, modelVersion: status.modelVersion, rulesError: status.lastError?.message ?? null }
    return reply.code(ready ? 200 : 503).send(body)
  })
}

export default healthRoutes
