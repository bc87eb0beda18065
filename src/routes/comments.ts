// Intake: the news site submits comments; Moderato screens them, stores them durably and
// answers with the verdict. Also: status of one comment, and screening without storing.
import { randomUUID } from 'node:crypto'
import { Type, type Static } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { screen, screenSteps } from '../screening/screen.js'
import { WINDOW } from '../screening/windows.js'
import { runCooperatively } from '../cooperative.js'
import type { Ruleset } from '../screening/ruleset.js'
import type { ScreenResult } from '../screening/types.js'
import type { ScreenPool } from '../pool/screen-pool.js'
import { commentNotFound, HttpError, intakeUnavailable, isStoreUnavailable, unknownReason } from '../http/errors.js'
import { badCharacters } from '../http/validation.js'
import { beforeDeadline, writeDeadlineMs } from '../http/deadline.js'
import { errorResponses } from '../http/error-schema.js'
import { CommentId, Context, Decision, decisionView, Screening, SiteQuery, Status, Lane } from './schemas.js'
import { siteOfComment } from '../http/site-scope.js'
import type { EnqueueResult } from '../queue/review-queue.js'

export const CommentBody = Type.Object({
  id: Type.Optional(CommentId),
  articleId: Type.String({ minLength: 1, maxLength: 256 }),
  text: Type.String({ description: 'The comment, 1 to MAX_TEXT_LENGTH characters (default 10,000), not only white space' }),
  author: Type.Optional(Type.Object({
    id: Type.Optional(Type.String({ maxLength: 256 })),
    name: Type.Optional(Type.String({ maxLength: 256 }))
  }, { additionalProperties: false })),
  context: Type.Optional(Context)
}, { additionalProperties: false, description: 'Unknown fields are rejected with 400 VALIDATION_ERROR.' })

const ScreenBody = Type.Object({
  text: Type.String({ description: 'The text to screen, 1 to MAX_TEXT_LENGTH characters' }),
  context: Type.Optional(Context)
}, { additionalProperties: false })

const Accepted = Type.Object({
  id: Type.String(),
  status: Status,
  reason: Type.Optional(Type.String({ description: 'Reader-facing reason when rejected outright' })),
  screening: Screening
})

export const CommentView = Type.Object({
  id: Type.String(),
  status: Status,
  screening: Screening,
  decision: Type.Optional(Decision),
  comment: Type.Optional(Type.Object({
    articleId: Type.String(),
    text: Type.String(),
    author: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
    context: Type.Optional(Context)
  }, { description: 'What was submitted: to moderators and admins only (the site has it)' }))
})

/**
 * Screens a request's text. A comment longer than one window goes to a worker thread
 * (src/pool/screen-pool.ts), or without one is screened a window at a time with the event
 * loop free in between, so a long (or hostile) comment never holds up the requests that
 * arrive meanwhile; shorter ones, nearly all, take the direct path.
 */
async function screenBody (body: { text: string, context?: Static<typeof Context> }, ruleset: Ruleset, pool: ScreenPool | undefined): Promise<ScreenResult> {
  const input = { text: body.text, ...(body.context !== undefined ? { context: body.context } : {}) }
  if (body.text.length <= WINDOW) return screen(input, ruleset)
  return await pool?.screen(input, ruleset.version) ?? await runCooperatively(screenSteps(input, ruleset))
}

// A character a reader can see: not white space, not a format character (zero-width, bidi
// controls), not a combining mark or variation selector, not a Hangul filler.
const VISIBLE = /[^\s\p{Cf}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0]/u

const commentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { queue, rules, config, screenPool } = app
  const writeDeadline = writeDeadlineMs(config)

  /** Checks a schema cannot express: characters that do not survive storage, length in characters. */
  function checkText (request: FastifyRequest, text: string): void {
    const bad = badCharacters(request.body, 'body')
    if (bad !== undefined) throw new HttpError(400, 'INVALID_CHARACTERS', bad)
    if (VISIBLE.exec(text) === null) throw new HttpError(400, 'EMPTY_TEXT', 'body/text is empty, or only white space or invisible characters; send the comment text.')
    // UTF-16 length bounds the number of characters from above: count only when needed.
    if (text.length > config.maxTextLength && [...text].length > config.maxTextLength) {
      throw new HttpError(413, 'TEXT_TOO_LONG', `body/text has more than ${config.maxTextLength} characters; shorten the comment.`)
    }
  }

  app.post('/v1/comments', {
    config: { roles: ['site'], writes: true },
    schema: {
      tags: ['comments'],
      summary: 'Submit a comment: screen it and queue it for review',
      description: 'Answers 202 once the comment and its queue entry are stored in Redis in one atomic step. The same `id` (or Idempotency-Key header) sent again returns the original result and stores nothing new (header `Idempotent-Replayed: true`).',
      headers: Type.Object({ 'idempotency-key': Type.Optional(CommentId) }),
      body: CommentBody,
      response: { 202: Accepted, ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503) }
    }
  }, async (request, reply) => {
    const { body } = request
    checkText(request, body.text)
    const headerKey = request.headers['idempotency-key']
    const id = body.id ?? headerKey ?? randomUUID()
    // A site key's name is its site: ids, idempotency, reads and its rules overlay are per site.
    const site = request.principal!.name
    // One rule set for the whole request, however many reloads happen meanwhile.
    const { ruleset } = rules.forSite(site)
    const { screening, verdict } = await screenBody(body, ruleset, screenPool)
    const store = async (): Promise<EnqueueResult> => {
      await queue.register(site)
      return await queue.site(site).enqueue({
        id,
        articleId: body.articleId,
        text: body.text,
        ...(body.author !== undefined ? { author: body.author } : {}),
        ...(body.context !== undefined ? { context: body.context } : {}),
        submittedBy: site
      }, screening, verdict)
    }
    const result = await beforeDeadline(store(), reply.elapsedTime, writeDeadline).catch((err: unknown) => {
      // Intake's own 503: it says how to retry without storing the comment twice.
      if (isStoreUnavailable(err)) {
        request.log.warn({ err: (err as Error).message, commentId: id }, 'redis unavailable')
        throw intakeUnavailable(id, body.id !== undefined || headerKey !== undefined)
      }
      throw err
    })
    if (result.created) app.metrics.commentStored(screening, verdict)
    request.logFields = { commentId: id, status: result.status, replay: !result.created, flags: result.screening.flags.length }
    return reply.code(202).header('idempotent-replayed', String(!result.created)).send({
      id,
      status: result.status,
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
      screening: result.screening
    })
  })

  app.get('/v1/comments/:id', {
    config: { roles: ['site', 'moderator', 'admin'] },
    schema: {
      tags: ['comments'],
      summary: 'Status of one comment, with the decision once made',
      description: '404 COMMENT_NOT_FOUND for an unknown id, and, when RETENTION_DAYS is set, for a comment decided longer ago than that.',
      params: Type.Object({ id: CommentId }),
      querystring: SiteQuery,
      response: { 200: CommentView, ...errorResponses(400, 401, 403, 404, 429, 503) }
    }
  }, async (request) => {
    const { id } = request.params
    const view = await (await siteOfComment(queue, request.principal!, id, request.query.site)).get(id)
    if (view === undefined) throw commentNotFound(id)
    const staff = request.principal!.role !== 'site'
    return {
      id,
      status: view.status,
      screening: view.screening,
      // Moderators' notes are internal: the site sees the decision and reason only.
      ...(view.decision !== undefined ? { decision: decisionView(view.decision, staff) } : {}),
      ...(staff ? { comment: view.comment } : {})
    }
  })

  app.post('/v1/comments/:id/reports', {
    config: { roles: ['site'], writes: true },
    schema: {
      tags: ['comments'],
      summary: 'A reader reports a comment',
      description: "Every report is kept in the comment's history. A reporter counts once per comment. On an approved comment, once as many readers as policy.yaml's reportThresholds says (1 for threat and libel, 3 otherwise, by default) report it for one reason, it goes back to review in the `reported` lane, reports in view; when decided again, the feed says so. Reports on a pending or rejected comment are kept and change nothing.",
      params: Type.Object({ id: CommentId }),
      body: Type.Object({
        reporterId: Type.String({ minLength: 1, maxLength: 256, description: "The site's own id of the reader" }),
        reason: Type.String({ minLength: 1, maxLength: 64, description: 'One of the reason codes in policy.yaml' }),
        note: Type.Optional(Type.String({ maxLength: 2000, description: "The reader's words" }))
      }, { additionalProperties: false }),
      response: {
        202: Type.Object({
          id: Type.String(),
          status: Status,
          counted: Type.Boolean({ description: 'false when this reader had reported the comment already, or it is not published' }),
          reopened: Type.Boolean({ description: 'This report sent the comment back to review' }),
          reports: Type.Integer({ description: 'Reports for this reason that count towards the threshold, this one included (0 when it did not count)' }),
          threshold: Type.Integer()
        }),
        ...errorResponses(400, 401, 403, 404, 415, 429, 503)
      }
    }
  }, async (request, reply) => {
    const { id } = request.params
    // A site key reports on its own site's comments.
    const site = request.principal!.name
    const siteRules = rules.forSite(site)
    const { reason } = request.body
    if (!siteRules.reasons.includes(reason)) throw unknownReason(reason, siteRules.reasons)
    // The loader gives every reason code a threshold (policy.yaml's, or the default).
    const threshold = siteRules.reportThresholds[reason]!
    const r = await queue.site(site).report(id, request.body, threshold)
    request.logFields = { commentId: id, report: r.outcome }
    return await reply.code(202).send({ id, status: r.status, counted: r.outcome === 'COUNTED' || r.outcome === 'REOPENED', reopened: r.outcome === 'REOPENED', reports: r.count, threshold })
  })

  app.post('/v1/screen', {
    config: { roles: ['site', 'moderator', 'admin'] },
    schema: {
      tags: ['comments'],
      summary: 'Screen a text without storing anything',
      body: ScreenBody,
      response: {
        200: Type.Object({ status: Status, reason: Type.Optional(Type.String()), lane: Lane, screening: Screening }),
        ...errorResponses(400, 401, 403, 413, 415, 429)
      }
    }
  }, async (request) => {
    const { body } = request
    checkText(request, body.text)
    // A site screens with its own rules (its overlay); moderators and admins with the shared ones.
    const principal = request.principal!
    const { ruleset } = principal.role === 'site' ? rules.forSite(principal.name) : rules.current
    const { screening, verdict } = await screenBody(body, ruleset, screenPool)
    return { status: verdict.status, ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}), lane: verdict.lane, screening }
  })
}

export default commentRoutes
