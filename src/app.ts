// Builds the Fastify app: external plugins, then ours, then routes. It receives its
// collaborators (config, Redis connections, rules) ready-made, so tests build the same app
// against their own redis-server, and the process concerns stay in server.ts.
import { createServer, type IncomingMessage } from 'node:http'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { RedisClient } from './redis/connect.js'
import type { Config } from './config.js'
import type { RulesStore } from './rules/store.js'
import type { ScreenPool } from './pool/screen-pool.js'
import type { RedisSupervisor } from './redis/supervisor.js'
import { ReviewQueue } from './queue/review-queue.js'
import auth from './http/auth.js'
import metrics from './http/metrics.js'
import { installErrorHandler } from './http/errors.js'
import { installRateLimit } from './http/rate-limit.js'
import { installValidators } from './http/validation.js'
import { installJsonParser } from './http/json-body.js'
import { ErrorBody } from './http/error-schema.js'
import healthRoutes from './routes/health.js'
import commentRoutes from './routes/comments.js'
import reviewRoutes from './routes/review.js'
import rulesRoutes from './routes/rules.js'
import moderationRoutes from './routes/moderation.js'
import consoleRoutes from './routes/console.js'
import storeGuard from './http/store-guard.js'
import webhookRoutes from './routes/webhooks.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Extra fields for this request's access-log line (e.g. the comment id). */
    logFields?: Record<string, unknown>
  }
  interface FastifyInstance {
    config: Config
    queue: ReviewQueue
    rules: RulesStore
    screenPool: ScreenPool | undefined
    embeddedRedis: EmbeddedRedisHealth | undefined
  }
}

/** What /healthz and /metrics read of the supervised embedded redis-server. */
type EmbeddedRedisHealth = Pick<RedisSupervisor, 'healthy' | 'restarts'>

export interface AppDeps {
  config: Config
  /** Commands of the queue; fails fast (no offline queue) so requests get 503, not a hang. */
  redis: RedisClient
  /** A second connection for rate-limit counters, so a slow limiter never delays a write. */
  rateLimitRedis: RedisClient
  rules: RulesStore
  /** Worker threads for long comments; without it they are screened on the main thread. */
  screenPool?: ScreenPool
  /** The supervised embedded redis-server, when REDIS_URL is not set: /healthz reports it. */
  embeddedRedis?: EmbeddedRedisHealth
  /** The process's pino logger; no logging when absent (tests). */
  logger?: FastifyBaseLogger
  /** The queue's clock (ms since the epoch); Date.now unless a test moves time itself. */
  clock?: () => number
}

import { VERSION } from './version.js'

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = Fastify({
    ...(deps.logger !== undefined ? { loggerInstance: deps.logger } : { logger: false }),
    // Room for a text of MAX_TEXT_LENGTH characters written entirely as \uXXXX\uXXXX escapes
    // (12 bytes per character) plus the other fields; a larger body is refused with 413.
    bodyLimit: config.maxTextLength * 12 + 64 * 1024,
    // One log line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    // Comment ids are up to 128 printable characters; percent-encoded in a path that is up
    // to 384. Fastify's default (100) refused longer ids with a bare 414 on every /:id route.
    routerOptions: { maxParamLength: 384 },
    trustProxy: false,
    // Slow clients: a request must arrive whole within REQUEST_TIMEOUT_MS (answered 408 and
    // closed otherwise), idle keep-alive connections close after KEEP_ALIVE_TIMEOUT_MS.
    // Node checks these every connectionsCheckingInterval (30 s by default, so a 1 s
    // timeout could take 31 s): the server is made here to check 10 times per timeout.
    serverFactory: (handler) => createServer({
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.round(config.requestTimeoutMs / 10))
    }, handler),
    ajv: { customOptions: { coerceTypes: false } }
  })
  app.decorate('config', config)
  app.decorate('queue', ReviewQueue.fromConfig(deps.redis, config, deps.clock))
  app.decorate('rules', deps.rules)
  app.decorate('screenPool', deps.screenPool)
  app.decorate('embeddedRedis', deps.embeddedRedis)

  // The access log: one line per request, without bodies (no comment text at info level)
  // and without the Authorization header.
  app.decorateRequest('logFields', undefined)
  // Hooks on every request take a done callback: no promise and no extra microtask each.
  app.addHook('onResponse', (request, reply, done) => {
    const id = (request.params as { id?: unknown } | undefined)?.id
    request.log.info({
      method: request.method,
      // The route's pattern and the comment id, never the URL: a query string can carry what
      // must not be kept (a key pasted into a link by mistake).
      route: request.routeOptions.url ?? 'unmatched',
      ...(typeof id === 'string' ? { commentId: id } : {}),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      caller: request.principal?.name,
      ...request.logFields
    }, 'request')
    done()
  })

  // During shutdown, answer in-flight requests with Connection: close, so keep-alive
  // sockets do not hold close() open after their last response. A request whose body is
  // still arriving has had nothing accepted yet: its connection is cut at once, so that a
  // slow client cannot hold the shutdown up to SHUTDOWN_TIMEOUT_MS.
  let closing = false
  const receiving = new Set<IncomingMessage>()
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw
    const hasBody = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0'
    if (hasBody && !raw.complete) {
      receiving.add(raw)
      const settled = (): void => { receiving.delete(raw) }
      raw.once('end', settled)
      raw.once('close', settled)
    }
    done()
  })
  app.addHook('preClose', async () => {
    closing = true
    // destroy() on the request destroys its connection (and is safe on inject()'s requests).
    // `complete`, not 'end': a body that has fully arrived may not be read yet (its request
    // waits in a hook, such as the rate limiter's Redis), and that request finishes.
    for (const raw of receiving) if (!raw.complete) raw.destroy()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })

  installValidators(app)
  installErrorHandler(app)
  // Only JSON is accepted; a text/plain body gets 415 instead of a confusing 400.
  app.removeContentTypeParser(['text/plain'])
  installJsonParser(app)
  app.addSchema(ErrorBody)

  await app.register(swagger, {
    openapi: {
      info: { title: 'Moderato', version: VERSION, description: 'Comment moderation: screening, review queue and decisions. Errors are `{ statusCode, code, message }`; switch on `code`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key from API_KEYS' } } }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(auth, { keys: config.apiKeys })
  await app.register(metrics)
  await app.register(storeGuard, { redis: deps.redis })
  await installRateLimit(app, deps.rateLimitRedis, config)

  await app.register(healthRoutes)
  await app.register(commentRoutes)
  await app.register(reviewRoutes)
  await app.register(rulesRoutes)
  await app.register(moderationRoutes)
  await app.register(consoleRoutes)
  await app.register(webhookRoutes)
  return app
}
