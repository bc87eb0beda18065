// Evidence handling: overlapping matches become one flag, and the score summarises how
// serious the flags are together.
import { SEVERITY_RANK, type Category, type Flag, type Severity } from './types.js'

// When matches of several categories cover the same words, the most specific category says
// what they are: "Jane Smith is a liar" is libel, not also an insult; "kill all X" is a
// threat, not also an identity attack. Earlier in this list is more specific.
const SPECIFICITY: Category[] = ['threat', 'identity-attack', 'libel', 'religion', 'law', 'insult', 'profanity']
const RANK = new Map(SPECIFICITY.map((c, i) => [c, SPECIFICITY.length - i]))

/**
 * One flag per span: overlapping flags of the categories above merge into one flag of the
 * most specific category, spanning all of them, as severe as the most severe of them.
 * Spam and language flags describe the comment's form; they merge with their own rule only.
 * O(n log n) in the number of flags.
 */
export function mergeFlags (flags: Array<Omit<Flag, 'text'>>, text: string): Flag[] {
  const out: Flag[] = []
  const content: Array<Omit<Flag, 'text'>> = []
  const form: Array<Omit<Flag, 'text'>> = []
  for (const f of flags) (RANK.has(f.category) ? content : form).push(f)
  // Spam and language flags merge only with flags of their own rule (a long text is read in
  // windows, and a run of 100,000 "!" is seen by each window in part).
  form.sort((a, b) => a.rule.localeCompare(b.rule) || a.start - b.start)
  for (const f of form) {
    const last = out[out.length - 1]
    if (last !== undefined && last.rule === f.rule && f.start <= last.end) {
      if (f.end > last.end) { last.end = f.end; last.text = text.slice(last.start, last.end) }
      continue
    }
    out.push({ ...f, text: text.slice(f.start, f.end) })
  }
  content.sort((a, b) => a.start - b.start || b.end - a.end)
  let open: Omit<Flag, 'text'> | undefined
  let best: Omit<Flag, 'text'> | undefined
  const close = (): void => {
    if (open === undefined || best === undefined) return
    out.push({ category: best.category, rule: best.rule, severity: open.severity, start: open.start, end: open.end, text: text.slice(open.start, open.end) })
  }
  for (const f of content) {
    if (open !== undefined && f.start < open.end) {
      if (f.end > open.end) open.end = f.end
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[open.severity]) open.severity = f.severity
      if (outranks(f, best!)) best = f
      continue
    }
    close()
    open = { ...f }
    best = f
  }
  close()
  return out.sort((a, b) => a.start - b.start || b.end - a.end)
}

function outranks (a: Omit<Flag, 'text'>, b: Omit<Flag, 'text'>): boolean {
  const ra = RANK.get(a.category)!
  const rb = RANK.get(b.category)!
  return ra > rb || (ra === rb && SEVERITY_RANK[a.severity] > SEVERITY_RANK[b.severity])
}

const WEIGHT: Record<Severity, number> = { low: 0.2, medium: 0.5, high: 0.8 }

/** 1 − Π(1 − weight): one high flag scores 0.8, two reach 0.96; no flag scores 0. */
export function scoreFlags (flags: Flag[]): number {
  let clean = 1
  for (const f of flags) clean *= 1 - WEIGHT[f.severity]
  return Math.round((1 - clean) * 1000) / 1000
}
