// Shared TypeBox schemas: each one is the validation, the TypeScript type and the OpenAPI
// documentation of a piece of the API.
import { Type } from 'typebox'
import { CATEGORIES, LANES, SEVERITIES } from '../screening/types.js'


export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ description: 'Stable error code to switch on, e.g. VALIDATION_ERROR' }),
  message: Type.String({ description: 'What went wrong, for people' }),
  id: Type.Optional(Type.String({ description: 'POST /v1/comments, 503 STORE_UNAVAILABLE: the id the comment may have been stored under; retry with it' }))
}, { $id: 'Error' })

/** Printable ASCII without spaces: safe in URLs, logs and Redis keys. */
export const CommentId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[!-~]+$', description: "The site's own comment id (printable ASCII, no spaces, up to 128 characters)" })

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

export const Status = Type.Enum(['pending', 'approved', 'rejected'] as const)
export const Lane = Type.Enum(LANES)
export const QueueLane = Type.Enum([...LANES, 'dead'] as const)

export const Decision = Type.Object({
  decision: Type.Enum(['approve', 'reject'] as const),
  reason: Type.Union([Type.String(), Type.Null()]),
  note: Type.Optional(Type.String()),
  decidedBy: Type.String(),
  decidedAt: Type.String({ format: 'date-time' }),
  automatic: Type.Optional(Type.Boolean())
})

export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, Type.Ref('Error')]))
