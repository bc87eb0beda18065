// What moderators need around the queue: overturning a decision, an author's record, the
// reason codes they may use; and for ops, how each rule fares with moderators.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../http/error-schema.js'
import { oneSite } from '../http/site-scope.js'
import { ruleEffectiveness } from '../rules/effectiveness.js'
import { CommentId, Decision, decisionView, SiteId, SiteQuery, Status } from './schemas.js'
import { applyDecision, DecisionBody } from './review.js'

const moderationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { queue } = app

  app.post('/v1/comments/:id/decision', {
    config: { roles: ['moderator'], writes: true },
    schema: {
      tags: ['review'],
      summary: 'Overturn the decision of a decided comment (automatic ones too)',
      description: "The new decision replaces the old one: the history records who overturned what, and the decisions feed gets a new entry whose `overturns` names the decision it replaces, so the site publishes or unpublishes. Sending the decision the comment already has answers 200 with no second effect. A comment still waiting for review answers 409 NOT_DECIDED: claim it and decide it instead.",
      params: Type.Object({ id: CommentId }),
      querystring: SiteQuery,
      body: DecisionBody,
      response: { 200: Type.Object({ id: Type.String(), status: Status, decision: Decision, changed: Type.Boolean({ description: 'false when the comment already stood so decided' }) }), ...errorResponses(400, 401, 403, 404, 409, 415, 429, 503) }
    }
  }, async (request) => await applyDecision(app, request, 'overturn'))

  app.get('/v1/authors/:authorId/decisions', {
    config: { roles: ['moderator', 'admin'] },
    schema: {
      tags: ['review'],
      summary: "An author's earlier decisions on one site: counts, and the latest decided comments",
      description: 'Authors are per site (author.id as the site sent it). Counts follow overturns. With RETENTION_DAYS set, decisions older than that are forgotten.',
      params: Type.Object({ authorId: Type.String({ minLength: 1, maxLength: 256 }) }),
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 5 })),
        site: Type.Optional(SiteId)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          authorId: Type.String(),
          site: Type.String(),
          approved: Type.Integer(),
          rejected: Type.Integer(),
          recent: Type.Array(Type.Object({ id: Type.String(), articleId: Type.String(), text: Type.String(), status: Status, decision: Decision }), { description: 'Newest first' })
        }),
        ...errorResponses(400, 401, 403, 404, 429, 503)
      }
    }
  }, async (request) => {
    const { authorId } = request.params
    const site = await oneSite(queue, request.principal!, request.query.site)
    const record = await queue.site(site).authorDecisions(authorId, request.query.limit ?? 5)
    const recent = record.recent.map((r) => ({ ...r, decision: decisionView(r.decision, true) }))
    return { authorId, site, approved: record.approved, rejected: record.rejected, recent }
  })

  app.get('/v1/review/reasons', {
    config: { roles: ['moderator', 'admin'] },
    schema: {
      tags: ['review'],
      summary: "The reason codes a rejection may give on one site, with the reader's message of each",
      querystring: SiteQuery,
      response: {
        200: Type.Object({ site: Type.String(), reasons: Type.Array(Type.Object({ code: Type.String(), readerMessage: Type.Union([Type.String(), Type.Null()]) }), { description: "In policy.yaml's order" }) }),
        ...errorResponses(400, 401, 403, 404, 429)
      }
    }
  }, async (request) => {
    const site = await oneSite(queue, request.principal!, request.query.site)
    const rules = app.rules.forSite(site)
    return { site, reasons: rules.reasons.map((code) => ({ code, readerMessage: rules.readerMessages[code] ?? null })) }
  })

  app.get('/v1/rules/effectiveness', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['rules'],
      summary: 'How each rule fared with moderators over the last decisions of one site',
      description: 'For each rule that flagged one of the comments of the last `last` decisions: how many it flagged, how many of those a moderator decided, and how many the moderator approved (a false alarm). `precision` is the share of reviewed flags that moderators upheld. Sorted by how often the rule fired.',
      querystring: Type.Object({
        last: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
        site: Type.Optional(SiteId)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          site: Type.String(),
          comments: Type.Integer({ description: 'Decided comments looked at' }),
          rules: Type.Array(Type.Object({
            rule: Type.String(),
            categories: Type.Array(Type.String()),
            fired: Type.Integer(),
            reviewed: Type.Integer(),
            approved: Type.Integer(),
            precision: Type.Union([Type.Number(), Type.Null()])
          }))
        }),
        ...errorResponses(400, 401, 403, 404, 429, 503)
      }
    }
  }, async (request) => {
    const site = await oneSite(queue, request.principal!, request.query.site)
    const decided = await queue.site(site).recentlyDecided(request.query.last ?? 1000)
    return { site, comments: decided.length, rules: ruleEffectiveness(decided) }
  })
}

export default moderationRoutes
