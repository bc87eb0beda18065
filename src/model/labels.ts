// Token labels from raters' spans. Each Civil Comments post was read by 3-4 raters, each
// marking the character spans they found toxic, with a type. A token is toxic when at least
// half of the post's raters marked some of it; its class is the type those raters gave most.
import type { Token } from '../screening/tokenize.js'
import { MODEL_CLASSES } from '../screening/model.js'

export interface RaterSpan { rater: string, type: string, start: number, end: number }

// The raters' types, as model classes. "Other toxicity" is mostly insult-like rudeness.
const CLASS_OF_TYPE: Record<string, number> = {
  Insult: MODEL_CLASSES.indexOf('insult'),
  'Other toxicity': MODEL_CLASSES.indexOf('insult'),
  'Identity based Attack': MODEL_CLASSES.indexOf('identity-attack'),
  Threat: MODEL_CLASSES.indexOf('threat'),
  'Profane/Obscene': MODEL_CLASSES.indexOf('profanity')
}

export function tokenLabels (tokens: Token[], spans: RaterSpan[], raters: number): Uint8Array {
  const labels = new Uint8Array(tokens.length)
  tokens.forEach((t, i) => {
    const by = new Set<string>()
    const votes = new Map<number, number>()
    for (const s of spans) {
      if (s.end <= t.start || s.start >= t.end) continue
      by.add(s.rater)
      const k = CLASS_OF_TYPE[s.type] ?? 1
      votes.set(k, (votes.get(k) ?? 0) + 1)
    }
    if (by.size * 2 < raters || by.size === 0) return
    let best = 1
    let most = -1
    for (const [k, v] of [...votes].sort((a, b) => a[0] - b[0])) if (v > most) { best = k; most = v }
    labels[i] = best
  })
  return labels
}

/**
 * SemEval-2021 Task 5's measure for one post: F1 of the predicted toxic character offsets
 * against the gold ones; 1 when both are empty, 0 when only one is.
 */
export function spanF1 (predicted: Set<number>, gold: Set<number>): number {
  if (gold.size === 0) return predicted.size === 0 ? 1 : 0
  if (predicted.size === 0) return 0
  let both = 0
  for (const c of predicted) if (gold.has(c)) both++
  if (both === 0) return 0
  const precision = both / predicted.size
  const recall = both / gold.size
  return 2 * precision * recall / (precision + recall)
}

/** The character offsets of a list of spans. */
export function offsetsOf (spans: Array<{ start: number, end: number }>): Set<number> {
  const out = new Set<number>()
  for (const s of spans) for (let c = s.start; c < s.end; c++) out.add(c)
  return out
}
