// One site's review queue: the only code that writes a site's Redis keys.
//
// Design: one sorted set per lane (score = place in line) plus one sorted set of leases
// (score = expiry time), rather than Redis Streams with a consumer group. Streams cannot
// give a comment back to its place in line (release), cannot lease comments for different
// lengths of time (XAUTOCLAIM uses one idle time for all), and would need a group per lane
// anyway. Every change is one Lua script, so two claimers can never get the same comment,
// and a lease that runs out is requeued by the next claim, decision or lease call.
// The decisions feed is a Stream: append-only, ordered, and paged by entry id.
// All of a site's keys share one hash tag, and every script declares the keys it touches
// (SiteKeys.scriptKeys): a claim first reads which comments it may take, then takes them.
// The scripts, their arguments and their replies are declared in scripts.ts.
import type { DecisionKind, Lane, Screening, Status } from '../screening/types.js'
import type { Redis } from 'ioredis'
import type { RedisClient } from '../redis/connect.js'
import { ALL_LANES, RECENT_WINDOW_MS, SiteKeys, type QueueLane } from './keys.js'
import {
  fingerprint, moderatorView, parseDecision, QueueError,
  type ClaimedItem, type CommentRecord, type DecidedComment, type Decision, type EnqueueResult,
  type HistoryEvent, type Overturned, type QueueErrorCode, type QueueStats, type ReaderReport, type ReportOutcome, type StoredComment
} from './records.js'
import { argsInOrder, luaSource, orAbsent, Reply, SCRIPTS, type ArgsOf, type ClaimedRow, type ScriptName } from './scripts.js'

type ScriptCall = (numberOfKeys: number, ...args: Array<string | number>) => Promise<unknown>
/** The name a script is defined under on the connection (ioredis defineCommand). */
const commandOf = (name: ScriptName): string => `moderato_${name}`
type Spec<N extends ScriptName> = typeof SCRIPTS[N]
type Parsed<N extends ScriptName> = ReturnType<Spec<N>['parse']>

/** How many expired leases one claim gives back at most: a claim never holds Redis for long. */
const SWEEP_LIMIT = 100

export interface QueueOptions {
  prefix: string
  maxAttempts: number
  /** How long a decided comment and its feed entry are kept, in ms; 0 or absent: forever. */
  retentionMs?: number
  /** Replicas that must have a comment or decision before it is acknowledged (0 or absent: none). */
  minReplicasAck?: number
  /** How long to wait for them, in ms. */
  replicaAckTimeoutMs?: number
  /** Sites with a webhook: their decisions also go to their outbox. */
  webhookSites?: ReadonlySet<string>
  /** The time, in ms since the epoch; Date.now unless a test moves it. Every script gets it
   * as an argument, so lease and retention arithmetic follows one clock. */
  clock?: () => number
}

/** Too few replicas confirmed a write in time: it may or may not survive a failover. */
export class NotReplicated extends Error {
  constructor (wanted: number, acked: number) {
    // The NOREPLICAS prefix is Redis's own for this condition: the HTTP layer answers 503.
    super(`NOREPLICAS ${acked} of ${wanted} replicas confirmed the write in time`)
  }
}

/** A comment a claim may take: its lane's urgency (index in ALL_LANES) and its place in line. */
export interface Candidate { id: string, urgency: number, place: number }

/** What a claim found: leases to give back first, then the comments it may take, in order. */
export interface Peek { expired: string[], candidates: Candidate[] }

/** One entry of a site's decisions feed. */
export interface FeedEntry {
  id: string
  status: Status
  /** The reason code, or null (approvals). */
  reason: string | null
  decidedBy: string
  decidedAt: number
  articleId: string | null
  authorId: string | null
  /** The decision this entry replaces, when a moderator overturned one. */
  overturns: Overturned | null
  /** The entry's stream id: pass it as `after` to read what came after it. */
  cursor: string
}

/** Claim only comments on this article, or by this author. */
export interface ClaimFilter { articleId?: string, authorId?: string }

/** An author's record on one site: decision counts and the latest decided comments. */
export interface AuthorDecisions {
  approved: number
  rejected: number
  recent: Array<{ id: string, articleId: string, text: string, status: Status, decision: Decision }>
}

/** The lane a comment whose lease ran out goes back to (common.lua's return_lane). */
const returnLane = (lane: QueueLane, attempts: number, maxAttempts: number): QueueLane => attempts >= maxAttempts ? 'dead' : lane

/** The author id of a record, when it has one. */
const authorId = (record: CommentRecord): string | undefined => typeof record.author?.id === 'string' ? record.author.id : undefined

/** A replaced decision as the feed entry stores it (Lua writes "" for no reason). */
function overturnedOf (json: string): Overturned {
  const o = JSON.parse(json) as Overturned
  const reason = orAbsent(o.reason)
  return { decision: o.decision, ...(reason !== undefined ? { reason } : {}), decidedBy: o.decidedBy, decidedAt: Number(o.decidedAt) }
}

/** A decisions stream entry as a feed entry. */
function feedEntryOf ([cursor, fields]: [string, string[]]): FeedEntry {
  const f = fieldsOf(fields)
  const orNull = (v: string | undefined): string | null => orAbsent(v) ?? null
  const overturns = orNull(f.overturns)
  // Entries written before they named the article and author (or migrated) have null.
  return {
    id: f.id!, status: f.status as Status, reason: orNull(f.reason), decidedBy: f.decidedBy!, decidedAt: Number(f.decidedAt),
    articleId: orNull(f.articleId), authorId: orNull(f.authorId), overturns: overturns === null ? null : overturnedOf(overturns), cursor
  }
}

/** Field/value pairs of a stream entry as an object. */
function fieldsOf (fields: string[]): Record<string, string> {
  const f: Record<string, string> = {}
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!
  return f
}

export class SiteQueue {
  readonly keys: SiteKeys
  private readonly r: RedisClient

  constructor (redis: RedisClient, readonly site: string, private readonly options: QueueOptions) {
    this.keys = new SiteKeys(options.prefix, site)
    // defineCommand sends EVALSHA and falls back to EVAL once per connection: no script
    // text on the wire after the first call. The number of keys is the first argument.
    for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
      if (!(commandOf(name) in redis)) redis.defineCommand(commandOf(name), { lua: luaSource(name) })
    }
    this.r = redis
  }

  private get retentionMs (): number { return this.options.retentionMs ?? 0 }

  private now (): number { return (this.options.clock ?? Date.now)() }

  /**
   * With REDIS_MIN_REPLICAS_ACK, waits (WAIT) until that many replicas have every write this
   * connection made so far, this one included; throws NotReplicated when they do not in time.
   */
  private async replicated (): Promise<void> {
    const wanted = this.options.minReplicasAck ?? 0
    if (wanted === 0) return
    const acked = await (this.r as Redis).wait(wanted, this.options.replicaAckTimeoutMs ?? 400)
    if (acked < wanted) throw new NotReplicated(wanted, acked)
  }

  /**
   * Runs a script with the site's keys, those of the comments `ids` and of their `author`
   * declared as its declaration says, and its arguments by name. Throws the QueueError of a
   * declared refusal; otherwise waits for the replicas when the answer is acknowledged, and
   * returns the parsed reply.
   */
  private async run<N extends ScriptName> (
    name: N, on: { ids?: string[], author?: string | undefined }, args: ArgsOf<Spec<N>['args']>
  ): Promise<Parsed<N>> {
    const spec: Spec<ScriptName> = SCRIPTS[name]
    const ids = on.ids ?? []
    if ((spec.comments === 'one' && ids.length !== 1) || (spec.comments === 'none' && ids.length > 0)) {
      throw new Error(`${spec.file}.lua takes ${spec.comments === 'one' ? 'one comment' : 'no comments'}, not ${ids.length}`)
    }
    const webhook = this.options.webhookSites?.has(this.site) === true
    const { keys, args: head } = this.keys.scriptKeys(ids, { author: spec.author ? on.author : undefined, webhook, now: this.now() })
    const call = (this.r as unknown as Record<string, ScriptCall>)[commandOf(name)]!
    const raw = await call.call(this.r, keys.length, ...keys, ...head, ...argsInOrder(spec.args, args))
    const reply = new Reply(spec.file, Array.isArray(raw) ? raw : [raw])
    const head0 = reply.items[0]
    if (typeof head0 === 'string' && (spec.refusals as readonly string[]).includes(head0)) {
      throw new QueueError(head0 as QueueErrorCode, ids[0] ?? '', reply.length > 1 ? reply.decision(1) : undefined)
    }
    const parsed = spec.parse(reply) as Parsed<N>
    if (spec.acknowledged) await this.replicated()
    return parsed
  }

  /** The author id a comment was submitted with (records never change, so reading it first is safe). */
  private async authorOf (id: string): Promise<string | undefined> {
    const record = await this.r.hget(this.keys.comment(id), 'record')
    return record === null ? undefined : authorId(JSON.parse(record) as CommentRecord)
  }

  async enqueue (
    record: CommentRecord, screening: Screening, verdict: { status: Status, lane: Lane, reason?: string, reasonCode?: string }
  ): Promise<EnqueueResult> {
    // Same id, other fields: ID_CONFLICT, a second comment under a taken id, never a silent replay.
    const { created, status, reason, storedScreening } = await this.run('enqueue', { ids: [record.id], author: authorId(record) }, {
      record: JSON.stringify(record), screening: JSON.stringify(screening), status: verdict.status, lane: verdict.lane,
      reason: verdict.reason, reasonCode: verdict.reasonCode, submittedBy: record.submittedBy, rulesVersion: screening.rulesVersion,
      retentionMs: this.retentionMs, fingerprint: fingerprint(record)
    })
    return {
      created,
      status,
      ...(reason !== undefined ? { reason } : {}),
      screening: storedScreening === undefined ? screening : JSON.parse(storedScreening) as Screening
    }
  }

  async get (id: string): Promise<StoredComment | undefined> {
    const [status, lane, screening, decision, receivedAt, record] = (await this.r.hmget(this.keys.comment(id), 'status', 'lane', 'screening', 'decision', 'receivedAt', 'record')).map((v) => v ?? undefined)
    if (status === undefined || screening === undefined || record === undefined) return undefined
    return {
      id,
      comment: moderatorView(record),
      status: status as Status,
      lane: lane as QueueLane,
      screening: JSON.parse(screening) as Screening,
      ...(decision !== undefined ? { decision: parseDecision(decision) } : {}),
      receivedAt: Number(receivedAt)
    }
  }

  async exists (id: string): Promise<boolean> {
    return await this.r.exists(this.keys.comment(id)) === 1
  }

  /**
   * The comments a claim of up to `max` would take from `lanes`, most urgent lane first and
   * oldest first. Leases that ran out are given back first (so they are among them).
   */
  async peek (lanes: QueueLane[], max: number, filter?: ClaimFilter): Promise<Peek> {
    const found = await this.peekAll(lanes, max)
    if (filter === undefined) return found
    return { expired: found.expired, candidates: await this.matching(found.candidates, filter) }
  }

  /** The candidates whose comment is on filter.articleId and by filter.authorId (those given). */
  private async matching (candidates: Candidate[], filter: ClaimFilter): Promise<Candidate[]> {
    if (candidates.length === 0) return candidates
    const p = this.r.pipeline()
    for (const c of candidates) p.hget(this.keys.comment(c.id), 'record')
    const rows = (await p.exec()) ?? []
    return candidates.filter((_, i) => {
      const json = rows[i]?.[1]
      if (typeof json !== 'string') return false
      const r = JSON.parse(json) as CommentRecord
      return (filter.articleId === undefined || r.articleId === filter.articleId) && (filter.authorId === undefined || authorId(r) === filter.authorId)
    })
  }

  private async peekAll (lanes: QueueLane[], max: number): Promise<Peek> {
    const read = async (): Promise<{ expired: string[], candidates: Candidate[] }> => {
      const p = this.r.pipeline()
      p.zrangebyscore(this.keys.leases, '-inf', `(${this.now()}`, 'LIMIT', 0, SWEEP_LIMIT)
      for (const lane of lanes) p.zrange(this.keys.ready(lane), '0', String(max - 1), 'WITHSCORES')
      const [expired = [], ...heads] = ((await p.exec()) ?? []).map(([err, v]) => { if (err !== null) throw err; return v as string[] })
      const candidates: Candidate[] = []
      heads.forEach((flat, i) => {
        const urgency = ALL_LANES.indexOf(lanes[i]!)
        for (let j = 0; j + 1 < flat.length; j += 2) candidates.push({ id: flat[j]!, urgency, place: Number(flat[j + 1]) })
      })
      return { expired, candidates }
    }
    const first = await read()
    if (first.expired.length === 0) return first
    await this.take('', first.expired, [], { max: 0, leaseMs: 0, lanes })
    return { expired: [], candidates: (await read()).candidates }
  }

  /** Gives back the `expired` leases that have run out, then leases up to `max` of `ids` (in that order) to `holder`. */
  async take (holder: string, expired: string[], ids: string[], options: { max: number, leaseMs: number, lanes: QueueLane[] }): Promise<ClaimedItem[]> {
    const rows = await this.run('claim', { ids: [...expired, ...ids] }, {
      holder, leaseMs: options.leaseMs, max: options.max, maxAttempts: this.options.maxAttempts, lanes: options.lanes.join(' '), expired: expired.length
    })
    return rows.map((row) => this.claimed(row))
  }

  /** A leased comment as the moderator gets it, from its stored fields. */
  private claimed (row: Omit<ClaimedRow, 'id'>): ClaimedItem {
    return {
      ...moderatorView(row.record),
      site: this.site,
      screening: JSON.parse(row.screening) as Screening,
      attempts: row.attempts,
      leaseExpiresAt: row.leaseExpiresAt,
      ...(row.reports !== undefined ? { reports: JSON.parse(row.reports) as ReaderReport[] } : {})
    }
  }

  async extend (id: string, holder: string, leaseMs: number): Promise<number> {
    return await this.lease(id, holder, 'extend', leaseMs)
  }

  async release (id: string, holder: string): Promise<void> {
    await this.lease(id, holder, 'release', 0)
  }

  /**
   * A reader's report (report.lua): kept in the history, and on an approved comment counted,
   * sending it back to review once `threshold` readers reported it for `reason`.
   */
  async report (
    id: string, report: { reporterId: string, reason: string, note?: string | undefined }, threshold: number
  ): Promise<{ outcome: ReportOutcome, status: Status, count: number }> {
    return await this.run('report', { ids: [id] }, { reporterId: report.reporterId, reason: report.reason, note: report.note, threshold })
  }

  /** Gives the comment back, and keeps it from `holder`'s claims for `forMs`. */
  async skip (id: string, holder: string, forMs: number): Promise<void> {
    await this.lease(id, holder, 'skip', forMs)
  }

  /** The comments `holder` holds a live lease on, soonest expiry first. */
  async leasedBy (holder: string): Promise<ClaimedItem[]> {
    const ids = await this.r.zrangebyscore(this.keys.leases, this.now(), '+inf')
    const p = this.r.pipeline()
    for (const id of ids) p.hmget(this.keys.comment(id), 'holder', 'record', 'screening', 'attempts', 'leaseExpiresAt', 'reports')
    const rows = (await p.exec()) ?? []
    const items: ClaimedItem[] = []
    for (const [, fields] of rows) {
      const [who, record, screening, attempts, expires, reports] = (fields ?? []) as Array<string | null>
      if (who !== holder || record == null || screening == null) continue
      items.push(this.claimed({ record, screening, attempts: Number(attempts), leaseExpiresAt: Number(expires), reports: reports ?? undefined }))
    }
    return items
  }

  /** An author's decision counts and up to `limit` of their latest decided comments. */
  async authorDecisions (author: string, limit: number): Promise<AuthorDecisions> {
    const [counts, ids] = await Promise.all([
      this.r.hmget(this.keys.authorCounts(author), 'approved', 'rejected'),
      this.r.lrange(this.keys.authorRecent(author), 0, limit - 1)
    ])
    const p = this.r.pipeline()
    for (const id of ids) p.hmget(this.keys.comment(id), 'record', 'status', 'decision')
    const rows = (await p.exec()) ?? []
    const recent: AuthorDecisions['recent'] = []
    ids.forEach((id, i) => {
      const [record, status, decision] = (rows[i]?.[1] ?? []) as Array<string | null>
      // Gone with the retention, or (never) undecided: nothing to show.
      if (record == null || decision == null || status === 'pending') return
      const r = JSON.parse(record) as CommentRecord
      recent.push({ id, articleId: r.articleId, text: r.text, status: status as Status, decision: parseDecision(decision) })
    })
    return { approved: Math.max(0, Number(counts[0] ?? 0)), rejected: Math.max(0, Number(counts[1] ?? 0)), recent }
  }

  private async lease (id: string, holder: string, op: 'extend' | 'release' | 'skip', leaseMs: number): Promise<number> {
    return await this.run('lease', { ids: [id] }, { holder, op, ms: leaseMs, maxAttempts: this.options.maxAttempts })
  }

  /** Returns the decision and whether this call made it (false: the same decision was already recorded). */
  async decide (id: string, holder: string, decision: DecisionKind, reason?: string, note?: string): Promise<{ decision: Decision, changed: boolean }> {
    return await this.run('decide', { ids: [id], author: await this.authorOf(id) }, {
      holder, decision, reason, note, maxAttempts: this.options.maxAttempts, retentionMs: this.retentionMs
    })
  }

  /**
   * A moderator replaces the decision of a decided comment (automatic ones too). Returns the
   * new decision and whether this call made it (false: the comment already stood so decided).
   */
  async overturn (id: string, by: string, decision: DecisionKind, reason?: string, note?: string): Promise<{ decision: Decision, changed: boolean }> {
    return await this.run('overturn', { ids: [id], author: await this.authorOf(id) }, { by, decision, reason, note, retentionMs: this.retentionMs })
  }

  /**
   * Queue figures, read-only, in two round trips. A comment whose lease ran out is waiting,
   * even before the next claim sweeps it back: it counts in the lane it will return to (dead
   * once it has used its attempts), with its age.
   */
  async stats (): Promise<QueueStats> {
    const k = this.keys
    const now = this.now()
    const p = this.r.pipeline()
    p.zcount(k.leases, now, '+inf')
    p.zrangebyscore(k.leases, '-inf', `(${now}`, 'LIMIT', 0, 1000)
    p.zcount(k.recent, now - RECENT_WINDOW_MS, '+inf')
    for (const lane of ALL_LANES) p.zcard(k.ready(lane)).zrange(k.ready(lane), '0', '0')
    const [leased, expiredIds, recent, ...perLane] = ((await p.exec()) ?? []).map(([err, v]) => { if (err !== null) throw err; return v })
    const expired = expiredIds as string[]
    const heads = ALL_LANES.map((_, i) => (perLane[2 * i + 1] as string[])[0])
    const q = this.r.pipeline()
    for (const id of expired) q.hmget(k.comment(id), 'status', 'lane', 'attempts', 'receivedAt')
    for (const id of heads) if (id !== undefined) q.hget(k.comment(id), 'receivedAt')
    const rows = ((await q.exec()) ?? []).map(([, v]) => v)
    const waiting = new Map<QueueLane, { count: number, oldest: number }>()
    expired.forEach((_, i) => {
      const [status, lane, attempts, receivedAt] = rows[i] as Array<string | null>
      if (status !== 'pending') return
      const back = returnLane(lane as QueueLane, Number(attempts), this.options.maxAttempts)
      const w = waiting.get(back) ?? { count: 0, oldest: Infinity }
      waiting.set(back, { count: w.count + 1, oldest: Math.min(w.oldest, Number(receivedAt) || Infinity) })
    })
    let row = expired.length
    const lanes = {} as QueueStats['lanes']
    ALL_LANES.forEach((lane, i) => {
      const headAt = heads[i] !== undefined ? Number(rows[row++]) || Infinity : Infinity
      const w = waiting.get(lane)
      const depth = Number(perLane[2 * i]) + (w?.count ?? 0)
      const oldest = Math.min(headAt, w?.oldest ?? Infinity)
      lanes[lane] = { depth, oldestAgeSeconds: depth > 0 && oldest !== Infinity ? Math.max(0, Math.round((now - oldest) / 1000)) : null }
    })
    return { lanes, leased: Number(leased), expiredLeases: expired.length, deadLetter: lanes.dead.depth, decisionsLastHour: Number(recent) }
  }

  /** Pending comments of one lane in queue order, without claiming them. */
  async list (
    lane: QueueLane, limit: number, cursor?: number
  ): Promise<{ items: Array<CommentRecord & { screening: Screening, attempts: number, queuedSeq: number }>, next: number | null }> {
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
  async feed (after: string | undefined, limit: number): Promise<{ items: FeedEntry[], next: string | null }> {
    const start = after === undefined ? '-' : `(${after}`
    const entries = await this.r.xrange(this.keys.decisions, start, '+', 'COUNT', limit)
    const items = entries.map(feedEntryOf)
    const last = entries[entries.length - 1]
    return { items, next: last !== undefined ? last[0] : (after ?? null) }
  }

  /**
   * The screening and current decision of the comments of the last `entries` feed entries,
   * newest first, each comment once (an overturn adds an entry for the same comment).
   */
  async recentlyDecided (entries: number): Promise<Array<{ id: string, screening: Screening, decision: Decision }>> {
    const tail = await this.r.xrevrange(this.keys.decisions, '+', '-', 'COUNT', entries)
    const ids = [...new Set(tail.map(([, fields]) => fieldsOf(fields).id!))]
    const p = this.r.pipeline()
    for (const id of ids) p.hmget(this.keys.comment(id), 'screening', 'decision')
    const rows = (await p.exec()) ?? []
    return ids.flatMap((id, i) => {
      const [screening, decision] = (rows[i]?.[1] ?? []) as Array<string | null>
      return screening == null || decision == null ? [] : [{ id, screening: JSON.parse(screening) as Screening, decision: JSON.parse(decision) as Decision }]
    })
  }

  /** One feed entry by its cursor; undefined once retention removed it. */
  async feedEntry (cursor: string): Promise<FeedEntry | undefined> {
    const [entry] = await this.r.xrange(this.keys.decisions, cursor, cursor)
    return entry === undefined ? undefined : feedEntryOf(entry)
  }

  /**
   * Webhook outbox (outbox-take.lua): leases up to `max` due events for `leaseMs`. Each is
   * "<feed entry id> <comment id>".
   */
  async outboxTake (max: number, leaseMs: number): Promise<string[]> {
    return await this.run('outboxTake', {}, { max, leaseMs })
  }

  /**
   * Schedules another try of an event, baseMs × 2^(tries − 1) from now (at most maxMs), times
   * `jitter`; returns its tries so far (0: another process finished it).
   */
  async outboxRetry (member: string, backoff: { baseMs: number, maxMs: number, jitter: number }): Promise<number> {
    return await this.run('outboxRetry', {}, { member, ...backoff })
  }

  /** The event is delivered or given up; false when another process had finished it. */
  async outboxDone (member: string): Promise<boolean> {
    return await this.run('outboxDone', {}, { member })
  }

  /**
   * Events waiting in the outbox (those due, and those queued behind an earlier event of the
   * same comment), and the time of the oldest (ms), read from up to 10,000 of them.
   */
  async outboxFigures (): Promise<{ depth: number, oldest: number | null }> {
    const [due, waiting] = await Promise.all([this.r.zrange(this.keys.outbox, '0', '9999'), this.r.hvals(this.keys.outboxWait)])
    const queued = waiting.flatMap((w) => w === '' ? [] : w.split(' '))
    // A loop, not Math.min(...times): a large backlog would overflow the argument list.
    let oldest: number | null = null
    for (const entry of [...due.map((m) => m.split(' ')[0]!), ...queued]) {
      const at = Number(entry.split('-')[0])
      if (oldest === null || at < oldest) oldest = at
    }
    return { depth: due.length + queued.length, oldest }
  }

  /** The webhook URL that answered 410 Gone, if one did. */
  async webhookGone (): Promise<{ url: string, at: number } | undefined> {
    const v = await this.r.get(this.keys.webhookGone)
    return v === null ? undefined : JSON.parse(v) as { url: string, at: number }
  }

  async setWebhookGone (url: string): Promise<void> {
    await this.r.set(this.keys.webhookGone, JSON.stringify({ url, at: this.now() }))
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
        const d = parseDecision(decision)
        yield { ...moderatorView(record), site: this.site, status: status as Status, decision: { ...d, decidedAt: new Date(d.decidedAt).toISOString() }, screening: JSON.parse(screening ?? 'null') as Screening, feedId: item.cursor }
      }
      after = page.next ?? undefined
    }
  }
}
