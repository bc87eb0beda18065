// Learning a site's own line from its moderators: decided comments, as the rules CLI
// exports them, folded into the training data.
//
// Moderators decide whole comments, not words. An approved comment says that none of its
// words is toxic here. A rejected one says that some are, not which. The words it is
// rejected for are taken to be those that set rejected comments apart: found in at least
// DISTINCT times as large a share of the rejected comments as of the approved ones (and no
// function word). They carry the class of the reason given; every other word is clean.
import { tokenize } from '../screening/tokenize.js'
import { ENGLISH_WORDS } from '../screening/english-words.js'
import { MODEL_CLASSES, modelSpans, scoreTokens, type ModelThresholds, type TokenModel } from '../screening/model.js'
import { bucket } from './splits.js'
import type { DecisionKind } from '../screening/types.js'
import type { TrainingText } from './train.js'

export interface Decided { id: string, text: string, decision: DecisionKind, reason?: string }

// Words no comment is rejected for. ENGLISH_WORDS leaves out some of the commonest because
// other languages share them; here they are only words.
const FUNCTION_WORDS = new Set([...ENGLISH_WORDS, ...'a an is was be am are in on at to of for by so as if it its he she we me my no not or and but do did i'.split(' ')])

/** The class a rejection's reason code stands for; other reasons read as insults. */
function classOf (reason: string | undefined): number {
  const k = MODEL_CLASSES.indexOf((reason ?? 'insult') as typeof MODEL_CLASSES[number])
  return k > 0 ? k : MODEL_CLASSES.indexOf('insult')
}

const DISTINCT = 3

/** Decisions as training texts, each token weighted `weight`. */
export function decisionTexts (decisions: Decided[], weight: number): TrainingText[] {
  const tokenized = decisions.map((d) => ({ d, tokens: tokenize(d.text).tokens }))
  // In how many rejected and approved comments each word occurs.
  const seen = { reject: new Map<string, number>(), approve: new Map<string, number>() }
  const count = { reject: 0, approve: 0 }
  for (const { d, tokens } of tokenized) {
    count[d.decision]++
    for (const w of new Set(tokens.map((t) => t.norm))) seen[d.decision].set(w, (seen[d.decision].get(w) ?? 0) + 1)
  }
  const share = (kind: 'reject' | 'approve', w: string): number => (seen[kind].get(w) ?? 0) / Math.max(count[kind], 1)
  const rejectedFor = (w: string): boolean => !FUNCTION_WORDS.has(w) && share('reject', w) >= DISTINCT * share('approve', w)
  return tokenized.map(({ d, tokens }) => {
    const cls = d.decision === 'reject' ? classOf(d.reason) : 0
    const labels = Uint8Array.from(tokens.map((t) => cls > 0 && rejectedFor(t.norm) ? cls : 0))
    return { tokens, labels, weight }
  })
}

/** A fifth of the decisions, by a hash of their ids, is held back to show what changed. */
export function splitDecisions (decisions: Decided[]): { train: Decided[], heldBack: Decided[] } {
  const train: Decided[] = []
  const heldBack: Decided[] = []
  for (const d of decisions) (bucket(d.id) < 80 ? train : heldBack).push(d)
  return { train, heldBack }
}

export interface DecisionFigures {
  rejected: number
  /** Rejected comments the model flags. */
  rejectedFlagged: number
  approved: number
  /** Approved comments the model flags. */
  approvedFlagged: number
}

/** How the model alone agrees with the moderators on some decisions. */
export function decisionFigures (model: TokenModel, thresholds: ModelThresholds, decisions: Decided[]): DecisionFigures {
  const f: DecisionFigures = { rejected: 0, rejectedFlagged: 0, approved: 0, approvedFlagged: 0 }
  for (const d of decisions) {
    const { tokens } = tokenize(d.text)
    const flagged = modelSpans(tokens, scoreTokens(model, tokens), thresholds).length > 0
    if (d.decision === 'reject') { f.rejected++; if (flagged) f.rejectedFlagged++ } else { f.approved++; if (flagged) f.approvedFlagged++ }
  }
  return f
}

export function formatDecisionFigures (before: DecisionFigures, after: DecisionFigures): string {
  const pct = (n: number, d: number): string => d === 0 ? 'n/a' : `${(100 * n / d).toFixed(1)}%`
  return [
    `held-back decisions: ${after.rejected} rejected, ${after.approved} approved`,
    `  rejected comments the model flags: ${pct(before.rejectedFlagged, before.rejected)} before, ${pct(after.rejectedFlagged, after.rejected)} after`,
    `  approved comments the model flags: ${pct(before.approvedFlagged, before.approved)} before, ${pct(after.approvedFlagged, after.approved)} after`
  ].join('\n')
}
