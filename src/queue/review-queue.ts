// The review queue: the only code that reads or writes Moderato's Redis keys.
//
// Design: one sorted set per lane (score = arrival sequence) plus one sorted set of
// leases (score = expiry time), rather than Redis Streams with a consumer group. Streams
// cannot give a comment back to its place in line (release), cannot lease comments for
// different lengths of time (XAUTOCLAIM uses one idle time for all), and would need a
// group per lane anyway. Sorted sets give the same guarantees with O(log n) claims:
// every change is one Lua script, so two claimers can never get the same comment, and a
// lease that runs out is requeued by the next claim, decision or lease call.
// The decisions feed is a Stream: append-only, ordered, and paged by entry id.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import type { DecisionKind, Lane, Screening, Status } from '../screening/types.js'
import { ALL_LANES, QueueKeys, type QueueLane } from './keys.js'
import type { Config } from '../config.js'

export interface CommentRecord {
  id: string
  articleId: string
  text: string
  author?: { id?: string, name?: string }
  context?: { title?: string, people?: string[] }
  /** The site key that submitted it. */
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
}

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
  status: Status
  lane: QueueLane
  screening: Screening
  decision?: Decision
  receivedAt: number
}

export interface ClaimedItem extends Omit<CommentRecord, 'submittedBy'> {
  screening: Screening
  attempts: number
  leaseExpiresAt: number
}

export interface DecidedComment extends Omit<CommentRecord, 'submittedBy'> {
  status: Status
  /** As the API shows it: decidedAt is ISO-8601. */
  decision: Omit<Decision, 'decidedAt'> & { decidedAt: string }
  screening: Screening
  /** Position in the decisions feed. */
  feedId: string
}

export interface HistoryEvent { type: string, at: number, [key: string]: unknown }

export interface QueueStats {
  lanes: Record<QueueLane, { depth: number, oldestAgeSeconds: number | null }>
  leased: number
  expiredLeases: number
  deadLetter: number
  decisionsLastHour: number
}

export type QueueErrorCode = 'NOT_FOUND' | 'DECIDED' | 'ALREADY_DECIDED' | 'NOT_CLAIMED' | 'HELD_BY_OTHER' | 'LEASE_EXPIRED' | 'ID_CONFLICT'

/** A refusal of the queue's, about one comment; src/http/errors.ts says it to clients. */
export class QueueError extends Error {
  constructor (readonly code: QueueErrorCode, readonly id: string, readonly decision?: Decision) {
    super(`${code}: ${id}`)
  }
}

/** A stored record as moderators and exports see it: without the site key that sent it. */
function moderatorView (json: string): Omit<CommentRecord, 'submittedBy'> {
  const { submittedBy: _site, ...visible } = JSON.parse(json) as CommentRecord
  return visible
}

const LUA_DIR = new URL('./lua/', import.meta.url)
const common = readFileSync(new URL('common.lua', LUA_DIR), 'utf8')
const script = (name: string): string => `${common}\n${readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8')}`

type Reply = Array<string | number | null>
interface QueueCommands {
  mqEnqueue: (...args: Array<string | number>) => Promise<Reply>
  mqClaim: (...args: Array<string | number>) => Promise<Reply>
  mqLease: (...args: Array<string | number>) => Promise<Reply>
  mqDecide: (...args: Array<string | number>) => Promise<Reply>
  mqStats: (...args: Array<string | number>) => Promise<Reply>
}

export interface ReviewQueueOptions {
  prefix: string
  maxAttempts: number
  /** How long a decided comment and its feed entry are kept, in ms; 0 or absent: forever. */
  retentionMs?: number
}

export class ReviewQueue {
  readonly keys: QueueKeys
  private readonly r: Redis & QueueCommands

  /** The queue as the service's settings describe it: the one way the service and the CLI build it. */
  static fromConfig (redis: Redis, config: Pick<Config, 'redisPrefix' | 'maxAttempts' | 'retentionMs'>): ReviewQueue {
    return new ReviewQueue(redis, { prefix: config.redisPrefix, maxAttempts: config.maxAttempts, retentionMs: config.retentionMs })
  }

  constructor (redis: Redis, private readonly options: ReviewQueueOptions) {
    this.keys = new QueueKeys(options.prefix)
    // defineCommand sends EVALSHA and falls back to EVAL once per connection: no
    // script text on the wire after the first call.
    const commands: Array<[keyof QueueCommands, string, number]> = [
      ['mqEnqueue', 'enqueue', 5], ['mqClaim', 'claim', -1], ['mqLease', 'lease', 2],
      ['mqDecide', 'decide', 4], ['mqStats', 'stats', -1]
    ]
    for (const [name, file, keys] of commands) {
      if (!(name in redis)) redis.defineCommand(name, keys >= 0 ? { numberOfKeys: keys, lua: script(file) } : { lua: script(file) })
    }
    this.r = redis as Redis & QueueCommands
  }

  private get retentionMs (): number { return this.options.retentionMs ?? 0 }

  async enqueue (record: CommentRecord, screening: Screening, verdict: { status: Status, lane: Lane, reason?: string, reasonCode?: string }): Promise<EnqueueResult> {
    const k = this.keys
    const reply = await this.r.mqEnqueue(
      k.comment(record.id), k.seq, k.ready(verdict.lane), k.decisions, k.recent,
      k.base, record.id, JSON.stringify(record), JSON.stringify(screening), verdict.status, verdict.lane,
      verdict.reason ?? '', verdict.reasonCode ?? '', record.submittedBy, screening.rulesVersion, this.retentionMs,
      fingerprint(record)
    )
    const [created, status, reason, stored] = reply as [number, Status, string, string]
    // Same id, other fields: a second comment under a taken id, never a silent replay.
    if (created === 2) throw new QueueError('ID_CONFLICT', record.id)
    return {
      created: created === 1,
      status,
      ...(reason !== '' ? { reason } : {}),
      screening: created === 1 ? screening : JSON.parse(stored) as Screening
    }
  }

  async get (id: string): Promise<StoredComment | undefined> {
    const [status, lane, screening, decision, receivedAt] = (await this.r.hmget(this.keys.comment(id), 'status', 'lane', 'screening', 'decision', 'receivedAt')).map((v) => v ?? undefined)
    if (status === undefined || screening === undefined) return undefined
    return {
      id,
      status: status as Status,
      lane: lane as QueueLane,
      screening: JSON.parse(screening) as Screening,
      ...(decision !== undefined ? { decision: JSON.parse(decision) as Decision } : {}),
      receivedAt: Number(receivedAt)
    }
  }

  async claim (holder: string, options: { max: number, leaseMs: number, lanes?: QueueLane[] }): Promise<ClaimedItem[]> {
    const lanes = options.lanes ?? ALL_LANES.filter((l) => l !== 'dead')
    const k = this.keys
    const keys = [k.leases, ...lanes.map((l) => k.ready(l))]
    const reply = await this.r.mqClaim(keys.length, ...keys, k.base, holder, options.leaseMs, options.max, this.options.maxAttempts)
    const items: ClaimedItem[] = []
    for (let i = 0; i + 4 < reply.length; i += 5) {
      items.push({ ...moderatorView(String(reply[i + 1])), screening: JSON.parse(String(reply[i + 2])) as Screening, attempts: Number(reply[i + 3]), leaseExpiresAt: Number(reply[i + 4]) })
    }
    return items
  }

  async extend (id: string, holder: string, leaseMs: number): Promise<number> {
    return await this.lease(id, holder, 'extend', leaseMs)
  }

  async release (id: string, holder: string): Promise<void> {
    await this.lease(id, holder, 'release', 0)
  }

  private async lease (id: string, holder: string, op: 'extend' | 'release', leaseMs: number): Promise<number> {
    const [code, expires] = await this.r.mqLease(this.keys.comment(id), this.keys.leases, this.keys.base, id, holder, op, leaseMs, this.options.maxAttempts)
    if (code !== 'OK') throw new QueueError(code as QueueErrorCode, id)
    return Number(expires)
  }

  /** Returns the decision and whether this call made it (false: the same decision was already recorded). */
  async decide (id: string, holder: string, decision: DecisionKind, reason?: string, note?: string): Promise<{ decision: Decision, changed: boolean }> {
    const k = this.keys
    const [code, json] = await this.r.mqDecide(k.comment(id), k.leases, k.decisions, k.recent, k.base, id, holder, decision, reason ?? '', note ?? '', this.options.maxAttempts, this.retentionMs)
    const parsed = typeof json === 'string' ? JSON.parse(json) as Decision : undefined
    if (code === 'OK' || code === 'SAME') return { decision: parsed!, changed: code === 'OK' }
    throw new QueueError(code as QueueErrorCode, id, parsed)
  }

  async stats (): Promise<QueueStats> {
    const k = this.keys
    const keys = [k.leases, k.recent, ...ALL_LANES.map((l) => k.ready(l))]
    const reply = (await this.r.mqStats(keys.length, ...keys, k.base, this.options.maxAttempts)).map(Number)
    const [now = 0, leased = 0, expiredLeases = 0, decisionsLastHour = 0] = reply
    const lanes = {} as QueueStats['lanes']
    ALL_LANES.forEach((lane, i) => {
      const depth = reply[4 + 2 * i] ?? 0
      const oldest = reply[5 + 2 * i] ?? 0
      lanes[lane] = { depth, oldestAgeSeconds: depth > 0 && oldest > 0 ? Math.max(0, Math.round((now - oldest) / 1000)) : null }
    })
    return { lanes, leased, expiredLeases, deadLetter: lanes.dead.depth, decisionsLastHour }
  }

  /** Pending comments of one lane in queue order, without claiming them. */
  async list (lane: QueueLane, limit: number, cursor?: number): Promise<{ items: Array<CommentRecord & { screening: Screening, attempts: number, queuedSeq: number }>, next: number | null }> {
    const min = cursor === undefined ? '-inf' : `(${cursor}`
    const flat = await this.r.zrangebyscore(this.keys.ready(lane), min, '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
    const ids: Array<[string, number]> = []
    for (let i = 0; i + 1 < flat.length; i += 2) ids.push([flat[i]!, Number(flat[i + 1])])
    const pipeline = this.r.pipeline()
    for (const [id] of ids) pipeline.hmget(this.keys.comment(id), 'record', 'screening', 'attempts')
    const rows = (await pipeline.exec()) ?? []
    const items = []
    for (const [i, [, seq]] of ids.entries()) {
      const [err, fields] = rows[i] ?? []
      const [record, screening, attempts] = (fields ?? []) as Array<string | null>
      if (err !== null || record === null || record === undefined || screening === null || screening === undefined) continue
      items.push({ ...(JSON.parse(record) as CommentRecord), screening: JSON.parse(screening) as Screening, attempts: Number(attempts), queuedSeq: seq })
    }
    const last = ids[ids.length - 1]
    return { items, next: ids.length === limit && last !== undefined ? last[1] : null }
  }

  async history (id: string): Promise<HistoryEvent[] | undefined> {
    const [exists, events] = await Promise.all([this.r.exists(this.keys.comment(id)), this.r.lrange(this.keys.history(id), 0, -1)])
    if (exists === 0) return undefined
    return events.map((e) => JSON.parse(e) as HistoryEvent)
  }

  /** Final decisions in the order they were made, after a cursor (a stream entry id). */
  async feed (after: string | undefined, limit: number): Promise<{ items: Array<{ id: string, status: Status, reason: string | null, decidedBy: string, decidedAt: number, cursor: string }>, next: string | null }> {
    const start = after === undefined ? '-' : `(${after}`
    const entries = await this.r.xrange(this.keys.decisions, start, '+', 'COUNT', limit)
    const items = entries.map(([cursor, fields]) => {
      const f: Record<string, string> = {}
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!
      return { id: f.id!, status: f.status as Status, reason: f.reason === '' || f.reason === undefined ? null : f.reason, decidedBy: f.decidedBy!, decidedAt: Number(f.decidedAt), cursor }
    })
    const last = entries[entries.length - 1]
    return { items, next: last !== undefined ? last[0] : (after ?? null) }
  }

  /** The id of the feed's last entry, or null when it is empty. */
  async feedEnd (): Promise<string | null> {
    const [last] = await this.r.xrevrange(this.keys.decisions, '+', '-', 'COUNT', 1)
    return last?.[0] ?? null
  }

  /** Every decided comment with its text and decision, in decision order (for audits and backtests). */
  async * exportDecided (batch = 500): AsyncGenerator<DecidedComment> {
    let after: string | undefined
    for (;;) {
      const page = await this.feed(after, batch)
      if (page.items.length === 0) return
      const pipeline = this.r.pipeline()
      for (const item of page.items) pipeline.hmget(this.keys.comment(item.id), 'record', 'screening', 'decision', 'status')
      const rows = (await pipeline.exec()) ?? []
      for (const [i, item] of page.items.entries()) {
        const [record, screening, decision, status] = (rows[i]?.[1] ?? []) as Array<string | null>
        if (record === null || record === undefined || decision === null || decision === undefined) continue
        const d = JSON.parse(decision) as Decision
        yield { ...moderatorView(record), status: status as Status, decision: { ...d, decidedAt: new Date(d.decidedAt).toISOString() }, screening: JSON.parse(screening ?? 'null') as Screening, feedId: item.cursor }
      }
      after = page.next ?? undefined
    }
  }

  async ping (): Promise<void> {
    await this.r.ping()
  }
}
