// screen(): text + context + compiled rules in, a verdict with evidence out. Pure: no I/O,
// no clock, no randomness, so the same input and rules always give the same answer, in the
// service, in `npm run rules -- screen`, and in backtests.
//
// The phases run in order over one shared tokenisation:
//   language → word lists (standalone and aimed) → token and regex patterns → spam.
import { detectLanguage } from './language.js'
import { tokenize, type Token } from './tokenize.js'
import { classifyTargets, findTarget, targetExtent } from './targets.js'
import { findSpam } from './spam.js'
import { mergeFlags, scoreFlags } from './flags.js'
import { decide } from './policy.js'
import { normalizeEntry } from './lexicon.js'
import type { Ruleset } from './ruleset.js'
import type { Flag, ScreenInput, ScreenResult, TargetKind } from './types.js'

interface Context {
  text: string
  tokens: Token[]
  kinds: Array<TargetKind | undefined>
  /** Whether a list matched the token at this index. */
  isListed: (i: number) => boolean
  rules: Ruleset
}

function flagOf (ctx: Context, f: Omit<Flag, 'text'>): Flag {
  return { ...f, text: ctx.text.slice(f.start, f.end) }
}

function peopleWords (people: string[] | undefined): Set<string> {
  const words = new Set<string>()
  // Short name parts ("de", "van", "al") would make every such word a person.
  for (const name of people ?? []) for (const w of normalizeEntry(name)) if (w.length >= 3) words.add(w)
  return words
}

function listPhase (ctx: Context, hits: ReturnType<Ruleset['lexicon']['match']>): Flag[] {
  const flags: Flag[] = []
  for (const hit of hits) {
    const { list, severity } = hit.entry
    const aimed = list.mode === 'aimed'
    const needsTarget = aimed || Object.keys(list.when).length > 0
    // Joined tokens ("f u c k") sit outside the token array and are never aimed.
    const target = needsTarget && hit.first >= 0 ? findTarget(ctx.tokens, ctx.kinds, hit.first, hit.last, ctx.rules.targets, ctx.isListed) : undefined
    if (aimed && target === undefined) continue
    const category = target !== undefined ? (list.when[target.kind] ?? list.category) : list.category
    // Aimed evidence shows who and what: "Boris Johnson is a war criminal", not just "war
    // criminal" (nor "Johnson is a war criminal").
    let { start, end } = hit
    if (target !== undefined && aimed) {
      const who = targetExtent(ctx.tokens, ctx.kinds, target)
      start = Math.min(start, ctx.tokens[who.first]!.start)
      end = Math.max(end, ctx.tokens[who.last]!.end)
    }
    flags.push(flagOf(ctx, { category, rule: `list:${list.id}`, severity, start, end }))
  }
  return flags
}

function patternPhase (ctx: Context): Flag[] {
  const flags: Flag[] = []
  for (const m of ctx.rules.tokenPatterns.matchAll(ctx.tokens, ctx.kinds)) {
    const p = m.pattern
    flags.push(flagOf(ctx, { category: p.category, rule: `pattern:${p.id}`, severity: p.severity, start: ctx.tokens[m.first]!.start, end: ctx.tokens[m.last]!.end }))
  }
  let words: { text: string, offsets: number[] } | undefined
  for (const p of ctx.rules.regexPatterns) {
    const base = { category: p.category, rule: `pattern:${p.id}`, severity: p.severity }
    if (p.on === 'text') {
      const m = p.regex.matcher(ctx.text)
      while (m.find()) if (m.end() > m.start()) flags.push(flagOf(ctx, { ...base, start: m.start(), end: m.end() }))
      continue
    }
    words ??= wordsText(ctx.tokens)
    const m = p.regex.matcher(words.text)
    while (m.find()) {
      if (m.end() <= m.start()) continue
      const first = tokenAt(words.offsets, m.start())
      const last = tokenAt(words.offsets, m.end() - 1)
      flags.push(flagOf(ctx, { ...base, start: ctx.tokens[first]!.start, end: ctx.tokens[last]!.end }))
    }
  }
  return flags
}

/** The normalised words joined by single spaces, and where each word starts in it. */
function wordsText (tokens: Token[]): { text: string, offsets: number[] } {
  const offsets: number[] = []
  let text = ''
  for (const t of tokens) {
    if (text !== '') text += ' '
    offsets.push(text.length)
    text += t.norm
  }
  return { text, offsets }
}

function tokenAt (offsets: number[], pos: number): number {
  let lo = 0
  let hi = offsets.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (offsets[mid]! <= pos) lo = mid
    else hi = mid - 1
  }
  return lo
}

export function screen (input: ScreenInput, rules: Ruleset): ScreenResult {
  const { text } = input
  const language = detectLanguage(text, rules.language)
  const { tokens, joined } = tokenize(text)
  const hits = rules.lexicon.match(tokens, joined)
  const listed = new Set<number>()
  for (const h of hits) for (let i = h.first; i >= 0 && i <= h.last; i++) listed.add(i)
  const isListed = (i: number): boolean => listed.has(i)
  const kinds = classifyTargets(tokens, peopleWords(input.context?.people), rules.targets, isListed)
  const ctx: Context = { text, tokens, kinds, isListed, rules }

  const raw: Flag[] = []
  if (language.english === false) {
    raw.push(flagOf(ctx, { category: 'language', rule: 'language:not-english', severity: 'high', start: 0, end: text.length }))
  }
  raw.push(...listPhase(ctx, hits), ...patternPhase(ctx))
  for (const s of findSpam(text, tokens, rules.spam)) raw.push(flagOf(ctx, { category: 'spam', rule: s.rule, severity: 'low', start: s.start, end: s.end }))

  const flags = mergeFlags(raw, text)
  const screening = { language, flags, score: scoreFlags(flags), rulesVersion: rules.version }
  return { screening, verdict: decide(flags, language, rules.policy) }
}
