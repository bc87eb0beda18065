// A write's 503 comes a bounded time after the request arrived, not after it was sent to
// Redis. ioredis times each command from when it is sent; under load a request can wait
// first (its body, screening, its turn on the event loop, the rate limiter), and fifty
// requests into a paused Redis answered up to 120 ms past REDIS_TIMEOUT_MS (issue 13,
// point 4). The deadline counts from arrival, so the answer comes on time; the write itself
// may still land later, which the 503 says ("may have been stored; retry with the same id").
import type { FastifyReply, FastifyRequest, onRequestHookHandler, preParsingHookHandler } from 'fastify'
import type { Config } from '../config.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The ms this request's body took to arrive and parse (set by bodyTimer). */
    bodyMs: number
  }
}

export class DeadlinePassed extends Error {
  override name = 'DeadlinePassed'
  constructor (ms: number) { super(`no answer from the store within ${ms} ms of the request's arrival`) }
}

/**
 * The time a write may take from arrival: REDIS_TIMEOUT_MS, plus the replicas' WAIT (at most
 * 0.8 of it, see ReviewQueue.fromConfig) when REDIS_MIN_REPLICAS_ACK asks for one.
 */
export function writeDeadlineMs (config: Pick<Config, 'redisTimeoutMs' | 'minReplicasAck'>): number {
  const wait = config.minReplicasAck > 0 ? Math.floor(config.redisTimeoutMs * 0.8) : 0
  return config.redisTimeoutMs + wait
}

/**
 * Route hooks that time the body's arrival and parsing. A client that uploads slowly is not
 * waiting on us, so the store always gets at least that long (see beforeDeadline).
 */
export const bodyTimer: { preParsing: preParsingHookHandler, preValidation: onRequestHookHandler } = {
  preParsing: (request, reply, payload, done) => { request.bodyMs = reply.elapsedTime; done(null, payload) },
  preValidation: (request, reply, done) => { request.bodyMs = reply.elapsedTime - request.bodyMs; done() }
}

/**
 * `work`, or DeadlinePassed once `deadlineMs` have passed since the request arrived. The
 * work gets at least as long as the body took to arrive (at most `deadlineMs`), so a slow
 * upload does not leave the store no time at all.
 */
export async function beforeDeadline<T> (work: Promise<T>, request: FastifyRequest, reply: FastifyReply, deadlineMs: number): Promise<T> {
  const left = Math.max(deadlineMs - reply.elapsedTime, Math.min(request.bodyMs, deadlineMs))
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new DeadlinePassed(deadlineMs)) }, left)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
