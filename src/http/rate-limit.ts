// Rate limits per caller: a site key, a moderator or admin key, or an address without a key.
// @fastify/rate-limit counts in Redis, shared by every process. A caller it has refused is
// then refused here, first thing, until its window ends: a key flooding far past its limit
// costs this process a header check and a short answer per request, no Redis call, no
// promise and no error object, so that other sites' requests are not delayed by it
// (issue 15: one site's flood must not delay another site's intake).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config.js'
import type { RedisClient } from '../redis/connect.js'
import { FailureWindow } from '../redis/failure-window.js'
import { rateLimited, rateLimitMessage } from './errors.js'
import { OverLimitMemory, rememberingRedisStore } from './rate-limit-store.js'
import { rateLimitBase } from '../queue/keys.js'

const callerKey = (request: FastifyRequest): string =>
  request.principal !== undefined ? `key:${request.principal.role}:${request.principal.name}` : `ip:${request.ip}`

/** The window as the 429's message says it: "1 minute", or milliseconds when configured as a number. */
const windowText = (window: number | string): string => typeof window === 'number' ? `${window} ms` : window

/** The same headers @fastify/rate-limit sets on its 429s, so that a refusal reads the same from either. */
function refuse (reply: FastifyReply, max: number, window: string, ttlMs: number): void {
  const seconds = Math.ceil(ttlMs / 1000)
  void reply.code(429).headers({ 'x-ratelimit-limit': max, 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': seconds, 'retry-after': seconds })
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ statusCode: 429, code: 'RATE_LIMITED', message: rateLimitMessage(max, window, ttlMs) }))
}

/**
 * Registers the limiter on every route but those with `config: { rateLimit: false }`. Call
 * after the auth plugin, whose onRequest hook names the caller.
 */
export async function installRateLimit (app: FastifyInstance, redis: RedisClient, config: Pick<Config, 'rateLimit' | 'redisPrefix'>): Promise<void> {
  const { max, timeWindow } = config.rateLimit
  const window = windowText(timeWindow)
  const overLimit = new OverLimitMemory()
  app.addHook('onRequest', (request, reply, done) => {
    const left = request.routeOptions.config.rateLimit === false ? undefined : overLimit.remaining(callerKey(request))
    if (left === undefined) done()
    else refuse(reply, max, window, left)
  })
  // While the limiter's Redis fails, requests skip the limiter for a second rather than each
  // waiting out its timeout: a 503 from the store then comes after REDIS_TIMEOUT_MS, not later.
  const limiterFailing = new FailureWindow(redis, 1000)
  await app.register(rateLimit, {
    global: true,
    allowList: () => limiterFailing.open,
    max,
    timeWindow,
    store: rememberingRedisStore(redis, rateLimitBase(config.redisPrefix), overLimit),
    // Redis down must not take the API down with it, nor make requests wait.
    skipOnError: true,
    keyGenerator: callerKey,
    errorResponseBuilder: (_request, context) => rateLimited(context.max, window, context.ttl)
  })
}
