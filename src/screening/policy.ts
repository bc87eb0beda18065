// The policy turns flags into a verdict: reject outright, hold for review in a lane, or
// (when ops allow it) approve a clean comment automatically.
import { LANES, SEVERITY_RANK, type Category, type Flag, type Lane, type Verdict } from './types.js'
import type { LanguageResult } from './language.js'
import type { PolicyFile } from '../rules/schema.js'

/**
 * What screening reads of policy.yaml: its sections exactly as the file defines them (one
 * definition, the schema in rules/schema.ts, which also validates the file), and the
 * learned scorer's lanes by class (else the category's lane).
 */
export type Policy = Pick<PolicyFile, 'clean' | 'language' | 'categories' | 'defaultLane'> & {
  modelLanes?: Partial<Record<string, Lane>>
}

/** One category's line in policy.yaml: review in a lane, or reject (from minSeverity up). */
export type CategoryPolicy = NonNullable<PolicyFile['categories'][Category]>

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
