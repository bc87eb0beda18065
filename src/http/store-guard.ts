// Writes stop when Redis lost its data (src/redis/store-epoch.ts): routes marked
// `writes: true` answer 503 STORE_LOST until an admin accepts the empty store, so comments
// already answered 202 are not silently forgotten and their ids taken again.
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { StoreEpoch } from '../redis/store-epoch.js'
import type { RedisClient } from '../redis/connect.js'
import { errorResponses } from './error-schema.js'
import { HttpError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route writes comments or decisions: refused while the store is lost. */
    writes?: boolean
  }
  interface FastifyInstance {
    epoch: StoreEpoch
  }
}

/** How often each process looks at the marker (/readyz looks too). */
const CHECK_EVERY_MS = 1000

function storeLost (): HttpError {
  return new HttpError(503, 'STORE_LOST', 'The comment store lost its data (Redis restarted empty, or its data was removed): comments and decisions are refused until an admin checks and accepts the store with POST /v1/admin/accept-empty-store. Reads still work.', { 'retry-after': '30' })
}

const storeGuard: FastifyPluginAsyncTypebox<{ redis: RedisClient }> = async (app, { redis }) => {
  const epoch = new StoreEpoch(redis, app.config.redisPrefix, {
    lost: (detail) => { app.log.error({ detail }, 'the Redis store lost its data: writes are refused until an admin accepts it (POST /v1/admin/accept-empty-store)') },
    adopted: (id) => { app.log.warn({ epoch: id }, 'an empty store was accepted: writes resume') }
  }, app.config.acceptEmptyStore)
  app.decorate('epoch', epoch)
  app.addHook('onReady', async () => {
    await epoch.check().catch(() => {})
    epoch.start(CHECK_EVERY_MS)
  })
  app.addHook('onClose', async () => { epoch.stop() })
  app.addHook('preHandler', (request, _reply, done) => {
    done(request.routeOptions.config.writes === true && epoch.state === 'lost' ? storeLost() : undefined)
  })

  app.post('/v1/admin/accept-empty-store', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['ops'],
      summary: 'Resume writes after the store lost its data, accepting it as it is',
      description: 'Once Redis lost its data (see /readyz `store`), intake and decisions answer 503 STORE_LOST until an admin calls this. Restore the data from a backup first if you can; this accepts whatever the store holds now. Every process resumes within a second.',
      response: { 200: Type.Object({ store: Type.Literal('ok'), epoch: Type.String() }), ...errorResponses(401, 403, 429, 503) }
    }
  }, async () => ({ store: 'ok' as const, epoch: await epoch.accept() }))
}

export default fp(storeGuard, { name: 'moderato-store-guard' })
