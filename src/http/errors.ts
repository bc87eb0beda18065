// Errors with a stable `code` that clients switch on, and one handler that maps every
// error to { statusCode, code, message }. 5xx bodies never carry internals; the log does.
import type { FastifyError, FastifyInstance } from 'fastify'
import { QueueError, type QueueErrorCode } from '../queue/review-queue.js'
import { DeadlinePassed } from './deadline.js'

export class HttpError extends Error {
  constructor (
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Fields of the body beside statusCode, code and message (documented per route). */
    readonly extra: Record<string, unknown> = {}
  ) {
    // An answer to the client's own mistake (4xx) is never logged with a stack, and capturing
    // one was the largest single cost of a 429 (about 20 µs of each refused request).
    const limit = Error.stackTraceLimit
    if (statusCode < 500) Error.stackTraceLimit = 0
    try {
      super(message)
    } finally {
      Error.stackTraceLimit = limit
    }
  }
}

/**
 * Redis did not answer in time, or is unreachable: the client should retry soon. A timeout
 * can strike after Redis applied the change, so the answer never says nothing happened:
 * every write is safe to retry (intake by its id, decisions are idempotent).
 */
export function storeUnavailable (message = 'The comment store did not answer in time; the change may or may not have been made. Retrying after a second is safe.', extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(503, 'STORE_UNAVAILABLE', message, { 'retry-after': '1' }, extra)
}

/** storeUnavailable for intake: how to retry without storing the comment twice. */
export function intakeUnavailable (id: string, idGiven: boolean): HttpError {
  return storeUnavailable(idGiven
    ? `The comment store did not answer in time; the comment may or may not have been stored. Retry with the same id ("${id}") after a second: that stores it once or answers with what was stored.`
    : `The comment store did not answer in time; the comment may have been stored under the id "${id}", which Moderato made because the request had none. Retry with "id": "${id}" after a second; a retry without it would store a second copy.`, { id })
}

/** A reason code that the site's policy does not list (decisions, overturns, reader reports). */
export function unknownReason (reason: string, reasons: readonly string[]): HttpError {
  return new HttpError(400, 'UNKNOWN_REASON', `"${reason}" is not a reason code; use one of: ${reasons.join(', ')}.`)
}

export function commentNotFound (id: string): HttpError {
  return new HttpError(404, 'COMMENT_NOT_FOUND', `No comment with id "${id}".`)
}

/** Every refusal of the queue's, as clients read it: one entry per code, checked by the type. */
const QUEUE_ERRORS: Record<QueueErrorCode, (id: string) => HttpError> = {
  NOT_FOUND: commentNotFound,
  DECIDED: (id) => new HttpError(409, 'DECIDED', `The comment "${id}" has already been decided.`),
  ALREADY_DECIDED: (id) => new HttpError(409, 'ALREADY_DECIDED', `The comment "${id}" was already decided differently.`),
  NOT_CLAIMED: (id) => new HttpError(409, 'NOT_CLAIMED', `Nobody holds the comment "${id}"; claim it first with POST /v1/review/claim.`),
  HELD_BY_OTHER: (id) => new HttpError(409, 'HELD_BY_OTHER', `Another moderator holds the comment "${id}". If you held it, your lease expired and it was handed out again.`),
  LEASE_EXPIRED: (id) => new HttpError(409, 'LEASE_EXPIRED', `Your lease on the comment "${id}" expired and it went back to the queue; claim again to review it.`),
  NOT_DECIDED: (id) => new HttpError(409, 'NOT_DECIDED', `The comment "${id}" is still waiting for review: decide it with POST /v1/review/${encodeURIComponent(id)}/decision once you have claimed it.`),
  ID_CONFLICT: (id) => new HttpError(409, 'ID_CONFLICT', `A different comment was already submitted with the id "${id}". Ids name one comment: send this one with a new id. A retry of the first must repeat its fields exactly.`)
}

/** A request refused for sending too many: built by the rate limiter, sent by the handler below. */
export function rateLimited (max: number, window: string, ttlMs: number): HttpError {
  return new HttpError(429, 'RATE_LIMITED', rateLimitMessage(max, window, ttlMs))
}

export function rateLimitMessage (max: number, window: string, ttlMs: number): string {
  return `Too many requests: at most ${max} per ${window}. Retry after ${Math.ceil(ttlMs / 1000)} s.`
}

const UNAVAILABLE = /Command timed out|Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries|^LOADING|^MISCONF|^BUSY|^READONLY|^MASTERDOWN|^TRYAGAIN|^CLUSTERDOWN|^NOREPLICAS|OOM command not allowed/i

/** True for ioredis failures (and a passed write deadline) that mean "Redis is down or slow", not a bug of ours. */
export function isStoreUnavailable (err: unknown): boolean {
  if (!(err instanceof Error)) return false
  return err.name === 'MaxRetriesPerRequestError' || err instanceof DeadlinePassed || UNAVAILABLE.test(err.message)
}

const SEND_JSON = 'Send the body as JSON with Content-Type: application/json.'

// Fastify's own error codes for client mistakes, with messages a person can act on.
const FASTIFY_CODES: Record<string, { status: number, code: string, message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: SEND_JSON },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'EMPTY_BODY', message: 'The body is empty; send a JSON object.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: SEND_JSON },
  FST_ERR_CTP_INVALID_CONTENT_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: SEND_JSON }
}

/** The client-facing error for anything thrown; undefined for a fault of ours (a 500). */
function httpErrorFor (err: FastifyError): HttpError | undefined {
  if (err instanceof HttpError) return err
  if (err instanceof QueueError) return QUEUE_ERRORS[err.code](err.id)
  if (err.validation !== undefined) return new HttpError(400, 'VALIDATION_ERROR', err.message)
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new HttpError(400, 'INVALID_JSON', `The body is not valid JSON: ${err.message}`)
  }
  const known = err.code !== undefined ? FASTIFY_CODES[err.code] : undefined
  if (known !== undefined) return new HttpError(known.status, known.code, known.message ?? err.message)
  if (isStoreUnavailable(err)) return storeUnavailable()
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) return new HttpError(status, err.code ?? 'BAD_REQUEST', err.message)
  return undefined
}

/**
 * An error as the log may keep it. ioredis errors carry the command and its arguments, which
 * for intake are the whole comment, its author included: only the name, message and stack
 * are kept (the message of a Redis error names the command, not its arguments).
 */
function loggable (err: Error): Error {
  const safe = new Error(err.message)
  safe.name = err.name
  if (err.stack !== undefined) safe.stack = err.stack
  return safe
}

export function installErrorHandler (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const e = httpErrorFor(err)
    if (e === undefined) {
      request.log.error({ err: loggable(err) }, 'unhandled error')
      return reply.code(500).send({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side; it has been logged.' })
    }
    if (e.code === 'STORE_UNAVAILABLE' && e !== err) request.log.warn({ err: err.message }, 'redis unavailable')
    return reply.code(e.statusCode).headers(e.headers).send({ statusCode: e.statusCode, code: e.code, message: e.message, ...e.extra })
  })

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}; see /docs.` })
  })
}
