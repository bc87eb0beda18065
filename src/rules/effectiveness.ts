// How well each rule does, judged by what moderators decided about the comments it flagged:
// ops read this before tuning a rule. A rule whose flags moderators mostly approve is
// flagging acceptable comments (a precision proxy; it says nothing of what rules miss).
import type { Screening } from '../screening/types.js'
import type { Decision } from '../queue/records.js'

/** One decided comment: its screening and where its decision stands now. */
export interface Judged { screening: Screening, decision: Pick<Decision, 'decision' | 'automatic'> }

export interface RuleEffectiveness {
  rule: string
  /** Categories the rule flagged under (a rule may serve several). */
  categories: string[]
  /** Comments it flagged. */
  fired: number
  /** Of those, comments a moderator decided (not automatically). */
  reviewed: number
  /** Of the reviewed, those a moderator approved: flags that were false alarms. */
  approved: number
  /** reviewed − approved over reviewed; null when nothing was reviewed. */
  precision: number | null
}

/** Per rule over `comments`, most fired first (ties by rule id). A rule counts once per comment. */
export function ruleEffectiveness (comments: Iterable<Judged>): RuleEffectiveness[] {
  const byRule = new Map<string, RuleEffectiveness & { cats: Set<string> }>()
  for (const { screening, decision } of comments) {
    const seen = new Set<string>()
    for (const flag of screening.flags) {
      let e = byRule.get(flag.rule)
      if (e === undefined) {
        e = { rule: flag.rule, categories: [], fired: 0, reviewed: 0, approved: 0, precision: null, cats: new Set() }
        byRule.set(flag.rule, e)
      }
      e.cats.add(flag.category)
      if (seen.has(flag.rule)) continue
      seen.add(flag.rule)
      e.fired++
      if (decision.automatic === true) continue
      e.reviewed++
      if (decision.decision === 'approve') e.approved++
    }
  }
  return [...byRule.values()]
    .map(({ cats, ...e }) => ({ ...e, categories: [...cats].sort(), precision: e.reviewed > 0 ? (e.reviewed - e.approved) / e.reviewed : null }))
    .sort((a, b) => b.fired - a.fired || a.rule.localeCompare(b.rule))
}
