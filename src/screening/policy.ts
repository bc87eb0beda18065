// The policy turns flags into a verdict: reject outright, hold for review in a lane, or
// (when ops allow it) approve a clean comment automatically.
import { LANES, SEVERITY_RANK, type Category, type Flag, type Lane, type Severity, type Verdict } from './types.js'
import type { LanguageResult } from './language.js'

export interface CategoryPolicy {
  action: 'review' | 'reject'
  lane: Lane
  /** With action reject: only flags at least this severe reject; milder ones are reviewed. */
  minSeverity?: Severity
  /** Reader-facing reason when this category rejects a comment. */
  reason?: string
}

export interface Policy {
  /** A comment with no flags: review in a lane, or approve without review. */
  clean: { action: 'review' | 'approve', lane: Lane }
  /** Text clearly in a language not allowed (ISO 639-3 codes; default English only). */
  language: { action: 'review' | 'reject', lane: Lane, reason: string, allowed?: string[] }
  categories: Partial<Record<Category, CategoryPolicy>>
  /** Lane for flags of a category the policy does not name. */
  defaultLane: Lane
  /** Lanes for the learned scorer's flags, by class; else the category's lane. */
  modelLanes?: Partial<Record<string, Lane>>
}

/** The learned scorer routes and highlights; it never rejects a comment on its own. */
const isModelFlag = (flag: Flag): boolean => flag.rule.startsWith('model:')

const LANE_RANK = new Map<Lane, number>(LANES.map((lane, i) => [lane, i]))

function moreUrgent (a: Lane, b: Lane): Lane {
  return (LANE_RANK.get(a) ?? 99) <= (LANE_RANK.get(b) ?? 99) ? a : b
}

/** Whether the text is clearly in a language the policy does not accept; undetermined text never is. */
export function notAllowed (language: LanguageResult, policy: Policy): boolean {
  const allowed = policy.language.allowed
  if (allowed === undefined) return language.english === false
  return language.english !== null && !allowed.includes(language.code)
}

export function decide (flags: Flag[], language: LanguageResult, policy: Policy): Verdict {
  const foreign = notAllowed(language, policy)
  if (foreign && policy.language.action === 'reject') {
    return { status: 'rejected', lane: policy.language.lane, reason: policy.language.reason, reasonCode: 'language' }
  }
  let lane: Lane | undefined = foreign ? policy.language.lane : undefined
  for (const flag of flags) {
    if (flag.category === 'language') continue
    const rule = policy.categories[flag.category]
    if (isModelFlag(flag)) {
      const modelLane = policy.modelLanes?.[flag.category] ?? rule?.lane ?? policy.defaultLane
      lane = lane === undefined ? modelLane : moreUrgent(lane, modelLane)
      continue
    }
    if (rule === undefined) {
      lane = lane === undefined ? policy.defaultLane : moreUrgent(lane, policy.defaultLane)
      continue
    }
    const severeEnough = rule.minSeverity === undefined || SEVERITY_RANK[flag.severity] >= SEVERITY_RANK[rule.minSeverity]
    if (rule.action === 'reject' && severeEnough) {
      return {
        status: 'rejected',
        lane: rule.lane,
        reason: rule.reason ?? 'Your comment breaks our comment policy.',
        reasonCode: flag.category
      }
    }
    lane = lane === undefined ? rule.lane : moreUrgent(lane, rule.lane)
  }
  if (lane !== undefined) return { status: 'pending', lane }
  return policy.clean.action === 'approve'
    ? { status: 'approved', lane: policy.clean.lane }
    : { status: 'pending', lane: policy.clean.lane }
}
