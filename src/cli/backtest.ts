// Backtest: replay comments that moderators decided through the current and a proposed
// rule set, and show per rule how often it fired and how often moderators agreed (they
// rejected the comment), and which comments would change lane or verdict. Pure: the
// caller supplies the comments and the compiled rules.
import { screen } from '../screening/screen.js'
import type { Ruleset } from '../screening/ruleset.js'
import type { DecisionKind, Lane, Status } from '../screening/types.js'

export interface DecidedInput {
  id: string
  text: string
  context?: { title?: string, people?: string[] }
  /** What the moderators decided. */
  decision: DecisionKind
  /** The reason code of a rejection, when the export has one. */
  reason?: string
  /** Decided by the policy (e.g. not English), not by a moderator. */
  automatic?: boolean
}

export interface RuleFigures {
  rule: string
  /** Comments on which the rule raised a flag. */
  fired: number
  /** Of those, comments the moderators rejected. */
  rejected: number
  /** rejected / fired: how often moderators agreed with the rule; null when it never fired. */
  precision: number | null
}

export interface Change {
  id: string
  decision: DecisionKind
  automatic: boolean
  current: { status: Status, lane: Lane, rules: string[] }
  proposed: { status: Status, lane: Lane, rules: string[] }
}

export interface BacktestReport {
  comments: number
  /** Decided by the policy, not by moderators: replayed for changes, left out of the figures. */
  automatic: number
  rejectedByModerators: number
  current: { version: string, rules: RuleFigures[], flagged: number, flaggedAndRejected: number }
  proposed: { version: string, rules: RuleFigures[], flagged: number, flaggedAndRejected: number }
  changes: Change[]
}

interface Outcome { status: Status, lane: Lane, rules: string[] }

function outcome (c: DecidedInput, rules: Ruleset): Outcome {
  const { screening, verdict } = screen({ text: c.text, ...(c.context !== undefined ? { context: c.context } : {}) }, rules)
  // A rule counts once per comment, however many spans it flagged.
  return { status: verdict.status, lane: verdict.lane, rules: [...new Set(screening.flags.map((f) => f.rule))].sort() }
}

function figures (outcomes: Array<{ o: Outcome, rejected: boolean }>): { rules: RuleFigures[], flagged: number, flaggedAndRejected: number } {
  const byRule = new Map<string, { fired: number, rejected: number }>()
  let flagged = 0
  let flaggedAndRejected = 0
  for (const { o, rejected } of outcomes) {
    if (o.rules.length > 0) {
      flagged++
      if (rejected) flaggedAndRejected++
    }
    for (const rule of o.rules) {
      const f = byRule.get(rule) ?? { fired: 0, rejected: 0 }
      f.fired++
      if (rejected) f.rejected++
      byRule.set(rule, f)
    }
  }
  const rules = [...byRule].map(([rule, f]) => ({ rule, fired: f.fired, rejected: f.rejected, precision: f.fired === 0 ? null : f.rejected / f.fired }))
  rules.sort((a, b) => b.fired - a.fired || a.rule.localeCompare(b.rule))
  return { rules, flagged, flaggedAndRejected }
}

export function backtest (comments: Iterable<DecidedInput>, current: Ruleset, proposed: Ruleset): BacktestReport {
  const cur: Array<{ o: Outcome, rejected: boolean }> = []
  const pro: Array<{ o: Outcome, rejected: boolean }> = []
  const changes: Change[] = []
  let n = 0
  let automatic = 0
  let rejectedByModerators = 0
  for (const c of comments) {
    n++
    const rejected = c.decision === 'reject'
    const a = outcome(c, current)
    const b = outcome(c, proposed)
    // The policy's own decisions (a comment rejected as not English) say nothing about
    // whether a rule agrees with moderators: counted apart, never as their rejections.
    if (c.automatic === true) automatic++
    else {
      if (rejected) rejectedByModerators++
      cur.push({ o: a, rejected })
      pro.push({ o: b, rejected })
    }
    if (a.status !== b.status || a.lane !== b.lane) changes.push({ id: c.id, decision: c.decision, automatic: c.automatic === true, current: a, proposed: b })
  }
  return {
    comments: n,
    automatic,
    rejectedByModerators,
    current: { version: current.version, ...figures(cur) },
    proposed: { version: proposed.version, ...figures(pro) },
    changes
  }
}
