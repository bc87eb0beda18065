// The queue's Lua scripts, each declared once (after BullMQ's src/commands): which comment
// keys a call declares besides the site's own (SiteKeys.scriptKeys), its arguments by name
// in the order it receives them, the refusals it may answer with, and a parser that checks
// its reply. SiteQueue runs scripts only through this table.
// A script reads its arguments by name: luaSource() puts `local A = { holder = ARG[1], … }`
// before it, generated from the same list the caller's arguments are laid out by.
import { readFileSync } from 'node:fs'
import { DEAD_LANE, REPORTED_LANE, STATUSES, type Status } from '../screening/types.js'
import { RECENT_WINDOW_MS } from './keys.js'
import { parseDecision, type Decision, type QueueErrorCode, type ReportOutcome } from './records.js'

/**
 * How an argument travels: text; a number (the script gets it through tonumber); or text
 * that may be absent (the script gets '', which is also how it stores "none").
 */
type ArgKind = 'text' | 'number' | 'optional'
type ArgTypes = Record<string, ArgKind>

/** The arguments a caller passes, by name, typed from a script's declaration. */
export type ArgsOf<S extends ArgTypes> =
  { [K in keyof S as S[K] extends 'optional' ? never : K]: S[K] extends 'number' ? number : string } &
  { [K in keyof S as S[K] extends 'optional' ? K : never]?: string | undefined }

export interface Script<S extends ArgTypes, R> {
  /** The Lua file in lua/, run after common.lua. */
  file: string
  /** The comments whose hash and history keys a call declares: none, exactly one, or any number. */
  comments: 'none' | 'one' | 'many'
  /** The keys of the comments' author are declared too (scripts that record a decision). */
  author: boolean
  args: S
  /** The queue refusals it may answer with: { code } or { code, decision JSON }. */
  refusals: readonly QueueErrorCode[]
  /**
   * Its answer is something a client is told was stored: with REDIS_MIN_REPLICAS_ACK, the
   * caller waits for the replicas before answering (refusals wrote nothing, and do not wait).
   */
  acknowledged: boolean
  parse: (reply: Reply) => R
}

/** Lua has no absent value in a string field: the scripts write '' for "none", read back here. */
export const orAbsent = (v: string | null | undefined): string | undefined => v === undefined || v === null || v === '' ? undefined : v

/** A script reply answered something its declaration does not allow: a bug, never the client's fault. */
export class ScriptReplyError extends Error {
  constructor (file: string, items: readonly unknown[], what: string) {
    super(`${file}.lua answered ${JSON.stringify(items).slice(0, 200)}: ${what}`)
  }
}

/** Typed, checked access to the items of a script's reply. */
export class Reply {
  constructor (readonly file: string, readonly items: readonly unknown[]) {}

  get length (): number { return this.items.length }

  private fail (i: number, what: string): never { throw new ScriptReplyError(this.file, this.items, `item ${i + 1} is not ${what}`) }

  text (i: number): string {
    const v = this.items[i]
    return typeof v === 'string' ? v : this.fail(i, 'text')
  }

  /** Text the script writes as '' for "none". */
  optional (i: number): string | undefined {
    const v = this.items[i]
    if (v !== undefined && v !== null && typeof v !== 'string') return this.fail(i, 'text')
    return orAbsent(v)
  }

  number (i: number): number {
    const v = this.items[i]
    const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN
    return Number.isFinite(n) ? n : this.fail(i, 'a number')
  }

  /** 1 or 0. */
  flag (i: number): boolean {
    const v = this.items[i]
    return v === 1 ? true : v === 0 ? false : this.fail(i, '1 or 0')
  }

  oneOf<T extends string> (i: number, values: readonly T[]): T {
    const v = this.items[i]
    return (values as readonly unknown[]).includes(v) ? v as T : this.fail(i, `one of ${values.join(', ')}`)
  }

  decision (i: number): Decision {
    try {
      return parseDecision(this.text(i))
    } catch (err) {
      return this.fail(i, `a decision (${(err as Error).message})`)
    }
  }
}

/** Declares a script; the function only gives the declaration its types. */
const script = <S extends ArgTypes, R>(spec: Script<S, R>): Script<S, R> => spec

/** What enqueue.lua did: stored a new comment, or found it stored (a retry) and wrote nothing. */
export interface Enqueued { created: boolean, status: Status, reason: string | undefined, storedScreening: string | undefined }

/** A comment a claim leased, as the script read it. */
export interface ClaimedRow { id: string, record: string, screening: string, attempts: number, leaseExpiresAt: number, reports: string | undefined }

/** A decision decide.lua or overturn.lua recorded; changed is false when it stood already (a retry). */
export interface Decided { decision: Decision, changed: boolean }

/** The comment keys, arguments and replies of every queue script. */
export const SCRIPTS = {
  enqueue: script({
    file: 'enqueue',
    comments: 'one',
    author: true,
    args: {
      record: 'text', screening: 'text', status: 'text', lane: 'text', reason: 'optional', reasonCode: 'optional',
      submittedBy: 'text', rulesVersion: 'text', retentionMs: 'number', fingerprint: 'text'
    },
    refusals: ['ID_CONFLICT'],
    acknowledged: true,
    parse: (r): Enqueued => {
      const created = r.oneOf(0, ['CREATED', 'REPLAYED'] as const) === 'CREATED'
      return { created, status: r.oneOf(1, STATUSES), reason: r.optional(2), storedScreening: created ? undefined : r.text(3) }
    }
  }),

  claim: script({
    file: 'claim',
    comments: 'many',
    author: false,
    args: { holder: 'text', leaseMs: 'number', max: 'number', maxAttempts: 'number', lanes: 'text', expired: 'number' },
    refusals: [],
    acknowledged: false,
    parse: (r): ClaimedRow[] => {
      if (r.length % 6 !== 0) throw new ScriptReplyError(r.file, r.items, 'not six items per comment')
      const rows: ClaimedRow[] = []
      for (let i = 0; i < r.length; i += 6) {
        rows.push({
          id: r.text(i), record: r.text(i + 1), screening: r.text(i + 2), attempts: r.number(i + 3), leaseExpiresAt: r.number(i + 4), reports: r.optional(i + 5)
        })
      }
      return rows
    }
  }),

  lease: script({
    file: 'lease',
    comments: 'one',
    author: false,
    args: { holder: 'text', op: 'text', ms: 'number', maxAttempts: 'number' },
    refusals: ['NOT_FOUND', 'DECIDED', 'NOT_CLAIMED', 'HELD_BY_OTHER', 'LEASE_EXPIRED'],
    acknowledged: false,
    parse: (r): number => { r.oneOf(0, ['OK'] as const); return r.number(1) }
  }),

  decide: script({
    file: 'decide',
    comments: 'one',
    author: true,
    args: { holder: 'text', decision: 'text', reason: 'optional', note: 'optional', maxAttempts: 'number', retentionMs: 'number' },
    refusals: ['NOT_FOUND', 'ALREADY_DECIDED', 'NOT_CLAIMED', 'HELD_BY_OTHER', 'LEASE_EXPIRED'],
    acknowledged: true,
    parse: (r): Decided => ({ changed: r.oneOf(0, ['OK', 'SAME'] as const) === 'OK', decision: r.decision(1) })
  }),

  overturn: script({
    file: 'overturn',
    comments: 'one',
    author: true,
    args: { by: 'text', decision: 'text', reason: 'optional', note: 'optional', retentionMs: 'number' },
    refusals: ['NOT_FOUND', 'NOT_DECIDED'],
    acknowledged: true,
    parse: (r): Decided => ({ changed: r.oneOf(0, ['OK', 'SAME'] as const) === 'OK', decision: r.decision(1) })
  }),

  report: script({
    file: 'report',
    comments: 'one',
    author: false,
    args: { reporterId: 'text', reason: 'text', note: 'optional', threshold: 'number' },
    refusals: ['NOT_FOUND'],
    acknowledged: true,
    parse: (r): { outcome: ReportOutcome, status: Status, count: number } =>
      ({ outcome: r.oneOf(0, ['REOPENED', 'COUNTED', 'KEPT', 'REPEATED'] as const), status: r.oneOf(1, STATUSES), count: r.number(2) })
  }),

  outboxTake: script({
    file: 'outbox-take',
    comments: 'none',
    author: false,
    args: { max: 'number', leaseMs: 'number' },
    refusals: [],
    acknowledged: false,
    parse: (r): string[] => r.items.map((_, i) => r.text(i))
  }),

  outboxRetry: script({
    file: 'outbox-retry',
    comments: 'none',
    author: false,
    args: { member: 'text', baseMs: 'number', maxMs: 'number', jitter: 'number' },
    refusals: [],
    acknowledged: false,
    parse: (r): number => r.number(0)
  }),

  outboxDone: script({
    file: 'outbox-done',
    comments: 'none',
    author: false,
    args: { member: 'text' },
    refusals: [],
    acknowledged: false,
    parse: (r): boolean => r.flag(0)
  })
} as const

export type ScriptName = keyof typeof SCRIPTS

const LUA_DIR = new URL('./lua/', import.meta.url)
const lua = (file: string): string => readFileSync(new URL(`${file}.lua`, LUA_DIR), 'utf8')

/** Values the scripts share with TypeScript, defined there once. */
const constants = [
  `local RECENT_WINDOW_MS = ${RECENT_WINDOW_MS}`,
  `local DEAD_LANE, REPORTED_LANE = '${DEAD_LANE}', '${REPORTED_LANE}'`
].join('\n')

/** A script's full text: the shared constants and helpers, its arguments by name, then its own code. */
export function luaSource (name: ScriptName): string {
  const spec = SCRIPTS[name]
  const fields = Object.entries(spec.args).map(([arg, kind], i) => `${arg} = ${kind === 'number' ? `tonumber(ARG[${i + 1}])` : `ARG[${i + 1}]`}`)
  return `${constants}\n${lua('common')}\nlocal A = { ${fields.join(', ')} }\n${lua(spec.file)}`
}

/** The caller's arguments in the order the script receives them (absent optional ones as ''). */
export function argsInOrder (declared: ArgTypes, args: Readonly<Record<string, string | number | undefined>>): Array<string | number> {
  return Object.keys(declared).map((name) => args[name] ?? '')
}
