// The vocabulary shared by the screening engine, the rules compiler and the HTTP layer.
import type { LanguageResult } from './language.js'

export const CATEGORIES = [
  'profanity', 'insult', 'identity-attack', 'libel', 'threat', 'religion', 'law', 'spam', 'language'
] as const
export type Category = typeof CATEGORIES[number]

export const SEVERITIES = ['low', 'medium', 'high'] as const
export type Severity = typeof SEVERITIES[number]
export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 }

/** Review lanes, most urgent first. Fixed names so the queue never strands a lane. */
export const LANES = ['urgent', 'high', 'normal', 'low'] as const
export type Lane = typeof LANES[number]
/** Where comments go after too many expired leases; claimed only on request. */
export const DEAD_LANE = 'dead'
/** Where an approved comment goes back when readers report it; claimed first. */
export const REPORTED_LANE = 'reported'

/** Who a targeted word is aimed at. */
export const TARGET_KINDS = ['you', 'person', 'group'] as const
export type TargetKind = typeof TARGET_KINDS[number]

export interface Flag {
  category: Category
  /** Rule id: "list:<list id>" or "pattern:<pattern id>" or a built-in check. */
  rule: string
  severity: Severity
  /** UTF-16 offsets into the original text: text.slice(start, end) === flag.text. */
  start: number
  end: number
  text: string
}

export interface Screening {
  language: LanguageResult
  flags: Flag[]
  /** 0..1: how likely the comment breaks the policy, from its flags' severities. */
  score: number
  rulesVersion: string
  /** The learned scorer's version (a hash of its weights), or null when it is off. */
  modelVersion: string | null
}

/** Where a comment stands: waiting for a moderator, or decided either way. */
export const STATUSES = ['pending', 'approved', 'rejected'] as const
export type Status = typeof STATUSES[number]

/** What a moderator (or the policy, automatically) decides. */
export const DECISIONS = ['approve', 'reject'] as const
export type DecisionKind = typeof DECISIONS[number]

export interface Verdict {
  status: Status
  lane: Lane
  /** Reader-facing reason, set when the policy rejects the comment outright. */
  reason?: string
  /** The reason code for the decisions feed when rejected automatically. */
  reasonCode?: string
}

export interface ScreenInput {
  text: string
  context?: { title?: string, people?: string[] }
}

export interface ScreenResult {
  screening: Screening
  verdict: Verdict
}
