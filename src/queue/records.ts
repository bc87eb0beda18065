// What the queue stores and answers with, and its refusals. Shared by the per-site queue,
// the cross-site view and the HTTP layer.
import { createHash } from 'node:crypto'
import { DECISIONS, type DecisionKind, type Screening, type Status } from '../screening/types.js'
import type { QueueLane } from './keys.js'

export interface CommentRecord {
  id: string
  articleId: string
  text: string
  author?: { id?: string, name?: string }
  context?: { title?: string, people?: string[] }
  /** The site key that submitted it (its name is the site id). */
  submittedBy: string
}

/** JSON with object keys sorted, so that equal values give equal strings whatever the key order. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * A hash of what the submitter sent (and who sent it): a retry carries the same fields and
 * replays; another comment under the same id does not, and is refused as a conflict.
 */
export function fingerprint (record: CommentRecord): string {
  const { articleId, text, author, context, submittedBy } = record
  return createHash('sha256').update(canonical({ articleId, text, author: author ?? null, context: context ?? null, submittedBy })).digest('hex')
}

export interface Decision {
  decision: DecisionKind
  reason?: string
  note?: string
  decidedBy: string
  decidedAt: number
  automatic?: boolean
  /** The decision this one overturned. */
  overturns?: Overturned
}

/** A stored decision's JSON, checked for the fields every decision has. */
export function parseDecision (json: string): Decision {
  const d = JSON.parse(json) as Partial<Decision> | null
  if (typeof d !== 'object' || d === null || !(DECISIONS as readonly unknown[]).includes(d.decision) ||
    typeof d.decidedBy !== 'string' || typeof d.decidedAt !== 'number') {
    throw new Error(`not a decision: ${json.slice(0, 200)}`)
  }
  return d as Decision
}

/** A decision a moderator overturned, as the new one and the feed name it. */
export interface Overturned { decision: DecisionKind, reason?: string, decidedBy: string, decidedAt: number }

export interface EnqueueResult {
  /** False when a comment with this id existed: the result is the original one. */
  created: boolean
  status: Status
  reason?: string
  screening: Screening
}

/** A comment as the queue holds it, with its decision once made (GET /v1/comments/:id answers from it). */
export interface StoredComment {
  id: string
  comment: Omit<CommentRecord, 'submittedBy'>
  status: Status
  lane: QueueLane
  screening: Screening
  decision?: Decision
  receivedAt: number
}

export interface ClaimedItem extends Omit<CommentRecord, 'submittedBy'> {
  /** The site the comment belongs to: name it (?site=) when acting on the comment. */
  site: string
  screening: Screening
  attempts: number
  leaseExpiresAt: number
  /** What readers reported about it (the first 50), when any did. */
  reports?: ReaderReport[]
}

/** A reader's report on a published comment. */
export interface ReaderReport { reporterId: string, reason: string, note?: string, at: number }

/** What a report did: counted towards the threshold, sent the comment back to review, was kept only, or repeated a reporter. */
export type ReportOutcome = 'COUNTED' | 'REOPENED' | 'KEPT' | 'REPEATED'

export interface DecidedComment extends Omit<CommentRecord, 'submittedBy'> {
  site: string
  status: Status
  /** As the API shows it: decidedAt is ISO-8601. */
  decision: Omit<Decision, 'decidedAt'> & { decidedAt: string }
  screening: Screening
  /** Position in the site's decisions feed. */
  feedId: string
}

export interface HistoryEvent { type: string, at: number, [key: string]: unknown }

export interface LaneStats { depth: number, oldestAgeSeconds: number | null }

export interface QueueStats {
  lanes: Record<QueueLane, LaneStats>
  leased: number
  expiredLeases: number
  deadLetter: number
  decisionsLastHour: number
}

export type QueueErrorCode = 'NOT_FOUND' | 'DECIDED' | 'ALREADY_DECIDED' | 'NOT_CLAIMED' | 'HELD_BY_OTHER' | 'LEASE_EXPIRED' | 'ID_CONFLICT' | 'NOT_DECIDED'

/** A refusal of the queue's, about one comment; src/http/errors.ts says it to clients. */
export class QueueError extends Error {
  constructor (readonly code: QueueErrorCode, readonly id: string, readonly decision?: Decision) {
    super(`${code}: ${id}`)
  }
}

/** A stored record as moderators and exports see it: without the site key that sent it. */
export function moderatorView (json: string): Omit<CommentRecord, 'submittedBy'> {
  const { submittedBy: _site, ...visible } = JSON.parse(json) as CommentRecord
  return visible
}
