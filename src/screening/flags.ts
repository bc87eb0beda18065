// Evidence handling: overlapping matches of one category become one flag, and the score
// summarises how serious the flags are together.
import { SEVERITY_RANK, type Flag, type Severity } from './types.js'

/**
 * Merge overlapping flags of the same category into one; of flags on exactly the same
 * words, keep the most severe ("wetback" is a slur, not also a low-grade swear word).
 * Flags of different categories on different spans all stay: each is evidence.
 */
export function mergeFlags (flags: Flag[], text: string): Flag[] {
  return keepMostSevereOnSameSpan(mergeSameCategory(flags, text))
}

function keepMostSevereOnSameSpan (flags: Flag[]): Flag[] {
  const best = new Map<string, Flag>()
  for (const f of flags) {
    const key = `${f.start}:${f.end}`
    const seen = best.get(key)
    if (seen === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen.severity]) best.set(key, f)
  }
  return flags.filter((f) => best.get(`${f.start}:${f.end}`) === f)
}

function mergeSameCategory (flags: Flag[], text: string): Flag[] {
  const sorted = [...flags].sort((a, b) => a.start - b.start || b.end - a.end)
  const out: Flag[] = []
  for (const f of sorted) {
    const open = out.findLast((o) => o.category === f.category && f.start < o.end)
    if (open === undefined) {
      out.push({ ...f })
      continue
    }
    if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[open.severity]) {
      open.severity = f.severity
      open.rule = f.rule
    }
    if (f.end > open.end) {
      open.end = f.end
      open.text = text.slice(open.start, open.end)
    }
  }
  return out
}

const WEIGHT: Record<Severity, number> = { low: 0.2, medium: 0.5, high: 0.8 }

/** 1 − Π(1 − weight): one high flag scores 0.8, two reach 0.96; no flag scores 0. */
export function scoreFlags (flags: Flag[]): number {
  let clean = 1
  for (const f of flags) clean *= 1 - WEIGHT[f.severity]
  return Math.round((1 - clean) * 1000) / 1000
}
