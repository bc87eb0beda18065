// Shared TypeBox schemas: each one is the validation, the TypeScript type and the OpenAPI
// documentation of a piece of the API; and the views that fill them from stored records.
import { Type, type Static } from 'typebox'
import { CATEGORIES, DECISIONS, LANES, SEVERITIES, STATUSES } from '../screening/types.js'
import type { Decision as StoredDecision, Overturned } from '../queue/review-queue.js'

/** Printable ASCII without spaces: safe in URLs, logs and Redis keys. */
export const CommentId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[!-~]+$', description: "The site's own comment id (printable ASCII, no spaces, up to 128 characters)" })

export const SiteId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'A site id: the name of its site key' })

/** ?site= on routes that moderators and admins call about one site's data. */
export const SiteQuery = Type.Object({
  site: Type.Optional(SiteId)
}, { additionalProperties: false, description: 'site: needed only when the key sees several sites and the request cannot tell which one it is about (400 SITE_REQUIRED says so)' })

export const Context = Type.Object({
  title: Type.Optional(Type.String({ maxLength: 1000, description: 'Title of the article' })),
  people: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100, description: 'People named in the article; allegations against them are flagged as libel' }))
}, { additionalProperties: false })

export const Flag = Type.Object({
  category: Type.Enum(CATEGORIES),
  rule: Type.String(),
  severity: Type.Enum(SEVERITIES),
  start: Type.Integer({ description: 'UTF-16 offset in the original text (inclusive)' }),
  end: Type.Integer({ description: 'UTF-16 offset in the original text (exclusive); text.slice(start, end) === flag.text' }),
  text: Type.String()
})

export const Screening = Type.Object({
  language: Type.Object({
    code: Type.String({ description: 'ISO 639-3 code, "und" when undetermined' }),
    english: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: too short or too little evidence to tell; never rejected for language' }),
    confidence: Type.Number({ minimum: 0, maximum: 1 })
  }),
  flags: Type.Array(Flag, { description: 'Evidence, in text order. Overlapping matches are one flag of the most specific category. At most 100 flags per rule and category.' }),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  rulesVersion: Type.String(),
  modelVersion: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The learned scorer that judged the comment (a hash of its weights); null when the policy switches it off. Absent on comments screened before the scorer existed.' }))
})

export const Status = Type.Enum(STATUSES)
export const Lane = Type.Enum(LANES)
export const QueueLane = Type.Enum(['reported', ...LANES, 'dead'] as const)

export const Overturns = Type.Object({
  decision: Type.Enum(DECISIONS),
  reason: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.String(),
  decidedAt: Type.String({ format: 'date-time' })
}, { description: 'The decision this one replaced (a moderator overturned it)' })

export const Decision = Type.Object({
  decision: Type.Enum(DECISIONS),
  reason: Type.Union([Type.String(), Type.Null()]),
  note: Type.Optional(Type.String()),
  decidedBy: Type.String(),
  decidedAt: Type.String({ format: 'date-time' }),
  automatic: Type.Optional(Type.Boolean()),
  overturns: Type.Optional(Overturns)
})

/** A replaced decision as the API shows it. */
export function overturnsView (o: Overturned): Static<typeof Overturns> {
  return { decision: o.decision, reason: o.reason === undefined || o.reason === '' ? null : o.reason, decidedBy: o.decidedBy, decidedAt: new Date(o.decidedAt).toISOString() }
}

/** A stored decision as the API shows it; the moderator's note only to moderators and admins. */
export function decisionView (d: StoredDecision, withNote: boolean): Static<typeof Decision> {
  return {
    decision: d.decision,
    reason: d.reason === undefined || d.reason === '' ? null : d.reason,
    ...(withNote && d.note !== undefined && d.note !== '' ? { note: d.note } : {}),
    decidedBy: d.decidedBy,
    decidedAt: new Date(d.decidedAt).toISOString(),
    ...(d.automatic === true ? { automatic: true } : {}),
    ...(d.overturns !== undefined ? { overturns: overturnsView(d.overturns) } : {})
  }
}
