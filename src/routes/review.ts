// Moderators' side: claim comments, extend or release leases, decide; queue listing,
// stats and each comment's history. The site follows decisions through /v1/decisions.
import { Type, type Static } from 'typebox'
import { FeedItem, feedItem } from './feed-item.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { commentNotFound, HttpError, unknownReason } from '../http/errors.js'
import type { ClaimedItem, HistoryEvent } from '../queue/review-queue.js'
import { errorResponses } from '../http/error-schema.js'
import { CommentId, Context, Decision, decisionView, QueueLane, Screening, SiteId, SiteQuery, Status } from './schemas.js'
import { oneSite, siteOfComment, sitesFor } from '../http/site-scope.js'
import { compareStreamIds } from '../queue/stream-ids.js'

const DEFAULT_LEASE_SECONDS = 300
const LeaseSeconds = Type.Integer({ minimum: 5, maximum: 3600, default: DEFAULT_LEASE_SECONDS })
/** A body may be absent (null), so the schema's default is not always filled in. */
const leaseMs = (seconds: number | undefined): number => (seconds ?? DEFAULT_LEASE_SECONDS) * 1000

const ClaimBody = Type.Object({
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  leaseSeconds: Type.Optional(LeaseSeconds),
  lane: Type.Optional(QueueLane),
  articleId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only comments on this article' })),
  authorId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only comments by this author (author.id as submitted)' })),
  site: Type.Optional(SiteId)
}, { additionalProperties: false })

/** How long a skipped comment is kept from the moderator who skipped it. */
export const SKIP_SECONDS = 600

const Item = Type.Object({
  id: Type.String(),
  site: Type.String({ description: 'The site of the comment: pass it as ?site= when acting on it, if the key sees several sites' }),
  articleId: Type.String(),
  text: Type.String(),
  author: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
  context: Type.Optional(Context),
  screening: Screening,
  attempts: Type.Integer({ description: 'How many times this comment has been handed out, this time included' }),
  leaseExpiresAt: Type.String({ format: 'date-time' }),
  reports: Type.Optional(Type.Array(Type.Object({
    reporterId: Type.String(),
    reason: Type.String(),
    note: Type.Optional(Type.String()),
    at: Type.String({ format: 'date-time' })
  }), { description: "Readers' reports (the first 50): why a published comment is back in the reported lane" }))
})

export const DecisionBody = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Required to reject: one of the reason codes in rules/policy.yaml' })),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'Internal note, never shown to the site' }))
}, { additionalProperties: false })

const IdParams = Type.Object({ id: CommentId })

/** One history event: its type and time, and whatever else that type of event carries. */
const Event = Type.Object({ type: Type.String(), at: Type.String({ format: 'date-time' }) }, { additionalProperties: true })

const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { queue } = app
  const moderator = { roles: ['moderator' as const] }

  app.post('/v1/review/claim', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: 'Lease comments for review: most urgent lane first, oldest first',
      description: 'From every site the key sees, whichever site a comment comes from, or only from `site`. Each item names its site. `lane` claims from that lane only (`dead`, the dead-letter lane, is claimed only so); `articleId` and `authorId` take only matching comments, looking up to 500 deep in each lane.',
      body: Type.Union([ClaimBody, Type.Null()]),
      response: { 200: Type.Object({ items: Type.Array(Item) }), ...errorResponses(400, 401, 403, 415, 429, 503) }
    }
  }, async (request) => {
    const body = request.body
    const sites = await sitesFor(queue, request.principal!, body?.site ?? undefined)
    const filter = {
      ...(body?.articleId !== undefined ? { articleId: body.articleId } : {}),
      ...(body?.authorId !== undefined ? { authorId: body.authorId } : {})
    }
    const items = await queue.claim(sites, request.principal!.name, {
      max: body?.max ?? 10,
      leaseMs: leaseMs(body?.leaseSeconds),
      ...(body?.lane !== undefined ? { lanes: [body.lane] } : {}),
      ...(Object.keys(filter).length > 0 ? { filter } : {})
    })
    return { items: items.map(itemView) }
  })

  app.get('/v1/review/mine', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: 'The comments you hold a lease on, soonest expiry first',
      description: 'Of every site the key sees, or of the one named in ?site=. A lease that ran out is not listed.',
      querystring: SiteQuery,
      response: { 200: Type.Object({ items: Type.Array(Item) }), ...errorResponses(401, 403, 404, 429, 503) }
    }
  }, async (request) => {
    const sites = await sitesFor(queue, request.principal!, request.query.site)
    return { items: (await queue.leasedBy(sites, request.principal!.name)).map(itemView) }
  })

  app.post('/v1/review/:id/extend', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: "Renew the caller's lease",
      params: IdParams,
      querystring: SiteQuery,
      body: Type.Union([Type.Object({ leaseSeconds: Type.Optional(LeaseSeconds) }, { additionalProperties: false }), Type.Null()]),
      response: { 200: Type.Object({ id: Type.String(), leaseExpiresAt: Type.String({ format: 'date-time' }) }), ...errorResponses(400, 401, 403, 404, 409, 429, 503) }
    }
  }, async (request) => {
    const { id } = request.params
    const site = await siteOfComment(queue, request.principal!, id, request.query.site)
    const expires = await site.extend(id, request.principal!.name, leaseMs(request.body?.leaseSeconds))
    return { id, leaseExpiresAt: new Date(expires).toISOString() }
  })

  app.post('/v1/review/:id/release', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: 'Give the comment back to the queue, in its old place',
      params: IdParams,
      querystring: SiteQuery,
      response: { 200: Type.Object({ id: Type.String(), released: Type.Literal(true) }), ...errorResponses(401, 403, 404, 409, 429, 503) }
    }
  }, async (request) => {
    const { id } = request.params
    const site = await siteOfComment(queue, request.principal!, id, request.query.site)
    await site.release(id, request.principal!.name)
    return { id, released: true as const }
  })

  app.post('/v1/review/:id/skip', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: 'Give the comment back without deciding, and do not get it again for a while',
      description: `Like release (the comment keeps its place in line and the hand-out does not count as an attempt), but your own claims pass the comment over for ${SKIP_SECONDS / 60} minutes, so the next claim brings you something else. Other moderators get it as usual.`,
      params: IdParams,
      querystring: SiteQuery,
      response: { 200: Type.Object({ id: Type.String(), skippedUntil: Type.String({ format: 'date-time' }) }), ...errorResponses(401, 403, 404, 409, 429, 503) }
    }
  }, async (request) => {
    const { id } = request.params
    const site = await siteOfComment(queue, request.principal!, id, request.query.site)
    await site.skip(id, request.principal!.name, SKIP_SECONDS * 1000)
    return { id, skippedUntil: new Date(Date.now() + SKIP_SECONDS * 1000).toISOString() }
  })

  app.post('/v1/review/:id/decision', {
    config: { ...moderator, writes: true },
    schema: {
      tags: ['review'],
      summary: 'Approve or reject a comment you hold',
      description: 'Only the lease holder may decide. The same decision sent again answers 200 with no second effect.',
      params: IdParams,
      querystring: SiteQuery,
      body: DecisionBody,
      response: { 200: Type.Object({ id: Type.String(), status: Status, decision: Decision }), ...errorResponses(400, 401, 403, 404, 409, 415, 429, 503) }
    }
  }, async (request) => await applyDecision(app, request, 'decide'))

  app.get('/v1/review/queue', {
    config: moderator,
    schema: {
      tags: ['review'],
      summary: 'List pending comments of one lane in queue order, without claiming them',
      querystring: Type.Object({
        lane: Type.Optional(QueueLane),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        cursor: Type.Optional(Type.Integer({ minimum: 0, description: 'The `next` of the previous page' })),
        site: Type.Optional(SiteId)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          lane: QueueLane,
          items: Type.Array(Type.Object({ id: Type.String(), articleId: Type.String(), text: Type.String(), screening: Screening, attempts: Type.Integer() })),
          next: Type.Union([Type.Integer(), Type.Null()])
        }),
        ...errorResponses(400, 401, 403, 429, 503)
      }
    }
  }, async (request) => {
    const q = request.query
    const lane = q.lane ?? 'urgent'
    const site = await oneSite(queue, request.principal!, q.site)
    const page = await queue.site(site).list(lane, q.limit ?? 50, q.cursor)
    const items = page.items.map((i) => ({ id: i.id, articleId: i.articleId, text: i.text, screening: i.screening, attempts: i.attempts }))
    return { lane, items, next: page.next }
  })

  const LaneStats = Type.Object({ depth: Type.Integer(), oldestAgeSeconds: Type.Union([Type.Integer(), Type.Null()]) })
  app.get('/v1/review/stats', {
    config: { roles: ['moderator', 'admin'] },
    schema: {
      tags: ['review'],
      summary: 'Queue depth per lane, oldest pending age, leases, dead letters, decisions in the last hour',
      description: 'Of every site the key sees, added up, or of the one named in ?site=.',
      querystring: SiteQuery,
      response: {
        200: Type.Object({
          lanes: Type.Object({ reported: LaneStats, urgent: LaneStats, high: LaneStats, normal: LaneStats, low: LaneStats, dead: LaneStats }),
          leased: Type.Integer(),
          expiredLeases: Type.Integer({ description: 'Leases that ran out and go back to the queue at the next claim; their comments already count as waiting in their lanes' }),
          deadLetter: Type.Integer(),
          decisionsLastHour: Type.Integer()
        }),
        ...errorResponses(401, 403, 429, 503)
      }
    }
  }, async (request) => await queue.stats(await sitesFor(queue, request.principal!, request.query.site)))

  app.get('/v1/comments/:id/history', {
    config: { roles: ['moderator', 'admin'] },
    schema: {
      tags: ['review'],
      summary: 'Every event of a comment: screened, queued, claimed, released, lease expired, decided',
      params: IdParams,
      querystring: SiteQuery,
      response: { 200: Type.Object({ id: Type.String(), events: Type.Array(Event) }), ...errorResponses(401, 403, 404, 429, 503) }
    }
  }, async (request) => {
    const { id } = request.params
    const events = await (await siteOfComment(queue, request.principal!, id, request.query.site)).history(id)
    if (events === undefined) throw commentNotFound(id)
    return { id, events: events.map(eventView) }
  })

  app.get('/v1/decisions', {
    config: { roles: ['site', 'admin'] },
    schema: {
      tags: ['comments'],
      summary: "Every final decision of the caller's site in order (automatic ones too); follow `next`",
      description: 'With RETENTION_DAYS set, decisions older than the retention leave the feed: read it more often than that.',
      querystring: Type.Object({
        after: Type.Optional(Type.String({ pattern: '^\\d+(-\\d+)?$', description: 'The `next` of the previous page (a stream id, `<ms>-<seq>`); omit it or send `0` to start at the beginning. 400 INVALID_CURSOR for an id Redis cannot hold or one ahead of the feed.' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        site: Type.Optional(SiteId)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(FeedItem),
          next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` to get the next page; the same value again when nothing new has come' })
        }),
        ...errorResponses(400, 401, 403, 429, 503)
      }
    }
  }, async (request) => {
    const q = request.query
    const after = cursorOf(q.after)
    // Each site has its own feed: a site key reads its own; an admin names the site.
    const feed = queue.site(await oneSite(queue, request.principal!, q.site))
    const page = await feed.feed(after, q.limit ?? 100)
    // A cursor ahead of the feed would get empty pages forever: say so instead.
    if (after !== undefined && page.items.length === 0) {
      const end = await feed.feedEnd()
      if (end === null || compareStreamIds(after, end) > 0) throw new HttpError(400, 'INVALID_CURSOR', `after=${after} is ahead of the decisions feed (last entry ${end ?? 'none'}); send the \`next\` of a page you received, or no \`after\` to start again.`)
    }
    const rules = app.rules.forSite(feed.site)
    return { items: page.items.map((i) => feedItem(i, rules)), next: page.next }
  })
}

export default reviewRoutes

/** A claimed comment as the API shows it. */
const itemView = ({ reports, ...i }: ClaimedItem): Static<typeof Item> => ({
  ...i,
  leaseExpiresAt: new Date(i.leaseExpiresAt).toISOString(),
  // Lua's cjson writes an empty note as "".
  ...(reports !== undefined ? { reports: reports.map((r) => ({ reporterId: r.reporterId, reason: r.reason, ...(r.note !== undefined && r.note !== '' ? { note: r.note } : {}), at: new Date(r.at).toISOString() })) } : {})
})

/** What applyDecision reads of a request (typed by the route's schemas). */
type DecisionRequest = Pick<FastifyRequest, 'principal'> & { params: { id: string }, query: { site?: string | undefined }, body: Static<typeof DecisionBody> }

/**
 * Records the decision a request asks for on comment :id: as the lease holder (`decide`) or
 * over an earlier decision (`overturn`). Answers with the decision, and whether this request
 * made it.
 */
export async function applyDecision (app: FastifyInstance, request: DecisionRequest, how: 'decide' | 'overturn'): Promise<{ id: string, status: 'approved' | 'rejected', decision: Static<typeof Decision>, changed: boolean }> {
  const { params: { id }, body } = request
  const site = await siteOfComment(app.queue, request.principal!, id, request.query.site)
  checkReason(body, app.rules.forSite(site.site).reasons)
  const { decision, changed } = await site[how](id, request.principal!.name, body.decision, body.reason, body.note)
  if (changed) app.metrics.decisionMade(decision.decision)
  return { id, status: decision.decision === 'approve' ? 'approved' : 'rejected', decision: decisionView(decision, true), changed }
}

/** 400 unless a rejection names a reason, and any reason is one of the site's codes. */
function checkReason (body: { decision: string, reason?: string | undefined }, reasons: readonly string[]): void {
  if (body.decision === 'reject' && body.reason === undefined) {
    throw new HttpError(400, 'REASON_REQUIRED', `A rejection needs a reason, one of: ${reasons.join(', ')}.`)
  }
  if (body.reason !== undefined && !reasons.includes(body.reason)) throw unknownReason(body.reason, reasons)
}

const MAX_ID_PART = 2n ** 64n - 1n

/** The feed position in `after`, or undefined for the beginning; 400 when Redis cannot hold it. */
function cursorOf (after: string | undefined): string | undefined {
  if (after === undefined || after === '0') return undefined
  const [ms = '', seq = '0'] = after.split('-')
  // The largest id has no successor, so nothing can come after it (and Redis refuses it as
  // an exclusive start).
  if (BigInt(ms) > MAX_ID_PART || BigInt(seq) > MAX_ID_PART || (BigInt(ms) === MAX_ID_PART && BigInt(seq) === MAX_ID_PART)) {
    throw new HttpError(400, 'INVALID_CURSOR', `after=${after} is not a position in the decisions feed (each part is at most ${MAX_ID_PART}); send the \`next\` of a page you received.`)
  }
  return `${ms}-${seq}`
}

function eventView (e: HistoryEvent): Static<typeof Event> {
  const out: Static<typeof Event> & Record<string, unknown> = { ...e, at: new Date(e.at).toISOString() }
  for (const k of ['leaseExpiresAt', 'skippedUntil'] as const) if (typeof e[k] === 'number') out[k] = new Date(e[k]).toISOString()
  const overturns = e.overturns as { decidedAt?: unknown } | undefined
  if (typeof overturns?.decidedAt === 'number') out.overturns = { ...overturns, decidedAt: new Date(overturns.decidedAt).toISOString() }
  // Lua's cjson writes empty strings for absent reasons and notes; leave them out.
  for (const k of ['reason', 'note', 'by']) if (out[k] === '') delete out[k]
  return out
}
