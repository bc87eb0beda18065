// A decision as the site receives it, in the decisions feed and in webhook deliveries alike:
// the decision, what to tell the reader (from the site's rules as they are now), the article
// and author, and the entry's cursor.
import { Type, type Static, type TSchema } from 'typebox'
import type { FeedEntry } from '../queue/site-queue.js'
import type { SiteRules } from '../rules/load.js'
import type { Category } from '../screening/types.js'
import { Overturns, overturnsView, Status } from './schemas.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const FeedItem = Type.Object({
  id: Type.String(),
  status: Status,
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Nullable(Type.String({ description: 'The reason code of a rejection' })),
  readerMessage: Nullable(Type.String({ description: "What to tell the reader: policy.yaml's readerMessages for the reason code (or, for an automatic rejection, the policy's own reason text), as the site's rules say now" })),
  articleId: Nullable(Type.String()),
  authorId: Nullable(Type.String({ description: 'author.id as submitted; null when none was sent' })),
  decidedBy: Type.String({ description: 'The moderator, or "moderato" for an automatic decision' }),
  decidedAt: Type.String({ format: 'date-time' }),
  overturns: Nullable(Overturns),
  cursor: Type.String({ description: "This entry's position: `after=<cursor>` reads what came after it. Increases with every entry." })
})

/** A feed entry as the site reads it: with the decision and what to tell the reader. */
export function feedItem (entry: FeedEntry, rules: SiteRules): Static<typeof FeedItem> {
  const { policy } = rules.ruleset
  const reason = entry.reason
  const readerMessage = reason === null
    ? null
    : rules.readerMessages[reason] ?? (reason === 'language' ? policy.language.reason : policy.categories[reason as Category]?.reason) ?? null
  return {
    ...entry,
    decision: entry.status === 'approved' ? 'approve' : 'reject',
    readerMessage,
    decidedAt: new Date(entry.decidedAt).toISOString(),
    overturns: entry.overturns === null ? null : overturnsView(entry.overturns)
  }
}
