// Token patterns: the rule language ops write for phrases a word list cannot express,
// e.g. "{group} are {any:0-2} {dehumanising}". A pattern is a sequence of elements matched
// against whole words, so it is whole-word by construction, and its cost is bounded at
// load time: no pattern can backtrack catastrophically, whatever the comment.
//
//   word            the word itself (normalised: "sh1t" in a comment matches "shit")
//   a|b|c           any of these words
//   {list-id}       any single word of that list (see lists.yaml)
//   {you} {person} {group} {target}   a target word (see targets in lists.yaml); a group
//                   named in two words ("trans people") is one {group}
//   {any:M-N}       M to N arbitrary words (N at most 5), never a negation ("not", "never")
//   element?        the element may be absent
//   ^  $            (first or last, alone) the match starts or ends a sentence: "^ should be
//                   shot $" is the whole sentence "Should be shot!", an elliptical call for
//                   violence, and not "should be shot down" nor "he should be shot"
import type { Token } from './tokenize.js'
import { ShardedSet, type WordSet } from './sharded.js'
import { isNegation } from './context.js'
import type { TargetKind } from './types.js'

type Element =
  | { kind: 'words', words: WordSet, optional: boolean }
  | { kind: 'target', which: TargetKind | 'any', optional: boolean }
  | { kind: 'gap', min: number, max: number }

export interface TokenPattern {
  elements: Element[]
  /** The first element must be a sentence's first word (a leading `^`). */
  anchored: boolean
  /** The last element must be a sentence's last word (a trailing `$`). */
  anchoredEnd: boolean
}

export const MAX_GAP = 5
/** Upper bound on the ways one start position can be tried; keeps matching linear. */
export const MAX_PATHS = 256

export class PatternError extends Error {
  override name = 'PatternError'
}

export function compileTokenPattern (source: string, lists: ReadonlyMap<string, WordSet>, normalize: (w: string) => string): TokenPattern {
  const words = source.trim().split(/\s+/).filter(Boolean)
  const anchored = words[0] === '^'
  const anchoredEnd = words.length > 1 && words[words.length - 1] === '$'
  const parts = words.slice(anchored ? 1 : 0, anchoredEnd ? -1 : undefined)
  if (parts.length === 0) throw new PatternError(words.length > 0 ? 'the pattern has no word besides ^ and $' : 'the pattern is empty')
  if (parts.includes('^')) throw new PatternError('^ (a sentence start) can only come first')
  if (parts.includes('$')) throw new PatternError('$ (a sentence end) can only come last')
  const elements: Element[] = []
  let paths = 1
  for (const part of parts) {
    const optional = part.endsWith('?') && part.length > 1
    const body = optional ? part.slice(0, -1) : part
    const gap = /^\{any:(\d+)-(\d+)\}$/.exec(body)
    if (gap !== null) {
      const min = Number(gap[1])
      const max = Number(gap[2])
      if (optional) throw new PatternError(`"${part}": a gap cannot be optional; use {any:0-${max}}`)
      if (min > max || max > MAX_GAP) throw new PatternError(`"${part}": a gap is {any:M-N} with M ≤ N ≤ ${MAX_GAP}`)
      paths *= max - min + 1
      elements.push({ kind: 'gap', min, max })
      continue
    }
    const target = /^\{(you|person|group|target)\}$/.exec(body)
    if (target !== null) {
      const name = target[1] as TargetKind | 'target'
      elements.push({ kind: 'target', which: name === 'target' ? 'any' : name, optional })
    } else {
      elements.push({ kind: 'words', words: alternatives(part, body, lists, normalize), optional })
    }
    if (optional) paths *= 2
  }
  const first = elements[0]!
  const last = elements[elements.length - 1]!
  if (first.kind === 'gap' || last.kind === 'gap') throw new PatternError('a pattern cannot start or end with {any:…}')
  if (first.optional) throw new PatternError('the first element cannot be optional: a match starts at a word that is there')
  if (paths > MAX_PATHS) throw new PatternError(`too many combinations of gaps and optional elements (${paths} > ${MAX_PATHS})`)
  return { elements, anchored, anchoredEnd }
}

/** "a|b|{list-id}": the union of the words and the lists' words. */
function alternatives (part: string, body: string, lists: ReadonlyMap<string, WordSet>, normalize: (w: string) => string): WordSet {
  // A single list reference is the list's own set; a mix is copied into a new one.
  const only = /^\{([a-z0-9-]+)\}$/.exec(body)
  const whole = only !== null ? lists.get(only[1]!) : undefined
  if (whole !== undefined && whole.size > 0) return whole
  const words = new ShardedSet()
  for (const alt of body.split('|')) {
    const ref = /^\{([a-z0-9-]+)\}$/.exec(alt)
    if (ref !== null && ['you', 'person', 'group', 'target'].includes(ref[1]!)) {
      throw new PatternError(`"${part}": {${ref[1]}} cannot be one of several alternatives; {you}, {person}, {group} and {target} stand alone`)
    }
    if (ref !== null) {
      const list = lists.get(ref[1]!)
      if (list === undefined) throw new PatternError(`"${part}": no list with id "${ref[1]}" (lists: ${[...lists.keys()].join(', ')})`)
      for (const w of list) words.add(w)
    } else if (/^[^{}]+$/.test(alt)) {
      const w = normalize(alt)
      if (w !== '') words.add(w)
    } else {
      throw new PatternError(`"${part}": "${alt}" is not a word or {list-id}; {you}, {person}, {group} and {target} stand alone`)
    }
  }
  if (words.size === 0) throw new PatternError(`"${part}": no word in it`)
  return words
}

function wordMatches (t: Token, words: WordSet): boolean {
  if (words.has(t.norm)) return true
  for (const v of t.variants) if (words.has(v)) return true
  return false
}

/** The words a pattern names, element by element (list words included). */
export function patternWords (pattern: TokenPattern): WordSet[] {
  return pattern.elements.flatMap((e) => e.kind === 'words' ? [e.words] : [])
}

export interface PatternMatch { first: number, last: number }

/** The last token index of a match starting at token i, or -1. At most MAX_PATHS steps. */
export function matchAt (pattern: TokenPattern, tokens: Token[], kinds: Array<TargetKind | undefined>, i: number): number {
  if (pattern.anchored && i > 0 && tokens[i - 1]!.sentence === tokens[i]!.sentence) return -1
  return step(pattern.elements, pattern.anchoredEnd, tokens, kinds, tokens[i]!.sentence, 0, i)
}

// A plain function, not a closure made per attempt: patterns are tried at many tokens.
function step (elements: Element[], toEnd: boolean, tokens: Token[], kinds: Array<TargetKind | undefined>, sentence: number, e: number, at: number): number {
  if (e === elements.length) return !toEnd || at === tokens.length || tokens[at]!.sentence !== sentence ? at - 1 : -1
  const el = elements[e]!
  if (el.kind === 'gap') {
    for (let skip = el.min; skip <= el.max; skip++) {
      const next = at + skip
      if (next > tokens.length) break
      // A gap never crosses a sentence end, a pause (a comma, a dash …), nor a negation:
      // "they should not be shot".
      if (skip > 0 && (tokens[next - 1]!.sentence !== sentence || tokens[next - 1]!.pause === true || isNegation(tokens, next - 1))) break
      const end = step(elements, toEnd, tokens, kinds, sentence, e + 1, next)
      if (end >= 0) return end
    }
    return -1
  }
  const t = tokens[at]
  // Only the first element may stand after a pause: the words of a match are one phrase.
  const hit = t !== undefined && t.sentence === sentence && (e === 0 || t.pause !== true) && (el.kind === 'words'
    ? wordMatches(t, el.words)
    : kinds[at] !== undefined && (el.which === 'any' || kinds[at] === el.which))
  if (hit) {
    // A group named in two words ("trans people") is one target: the element takes both.
    const next = el.kind === 'target' && kinds[at] === 'group' && kinds[at + 1] === 'group' && tokens[at + 1]!.sentence === sentence && tokens[at + 1]!.pause !== true ? at + 2 : at + 1
    const end = step(elements, toEnd, tokens, kinds, sentence, e + 1, next)
    if (end >= 0) return end
  }
  return el.optional ? step(elements, toEnd, tokens, kinds, sentence, e + 1, at) : -1
}

/**
 * Which patterns can start at a token, looked up by the token's words: a comment is then
 * tried only against the patterns whose first word it contains, not against every one.
 */
export class PatternIndex<P extends { pattern: TokenPattern }> {
  private readonly byWord = new Map<string, number[]>()
  private readonly byTarget: Record<TargetKind | 'any', number[]> = { you: [], person: [], group: [], any: [] }

  constructor (readonly patterns: P[]) {
    patterns.forEach((p, n) => {
      const first = p.pattern.elements[0]!
      if (first.kind === 'words') {
        for (const w of first.words) {
          const list = this.byWord.get(w)
          if (list === undefined) this.byWord.set(w, [n])
          else list.push(n)
        }
      } else if (first.kind === 'target') {
        this.byTarget[first.which].push(n)
      }
    })
  }

  /** Non-overlapping matches of every pattern, as [pattern, first, last]. */
  matchAll (tokens: Token[], kinds: Array<TargetKind | undefined>): Array<{ pattern: P, first: number, last: number }> {
    const out: Array<{ pattern: P, first: number, last: number }> = []
    const count = this.patterns.length
    if (count === 0) return out
    // Per pattern: the first token it may start at (after its previous match), and the
    // token it was last tried at, so a pattern reached through two words is tried once.
    const nextStart = new Int32Array(count)
    const triedAt = new Int32Array(count).fill(-1)
    const candidates: number[] = []
    const consider = (list: number[] | undefined, i: number): void => {
      if (list === undefined) return
      for (const n of list) {
        if (triedAt[n] === i || i < nextStart[n]!) continue
        triedAt[n] = i
        candidates.push(n)
      }
    }
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!
      candidates.length = 0
      consider(this.byWord.get(t.norm), i)
      for (const v of t.variants) consider(this.byWord.get(v), i)
      const kind = kinds[i]
      if (kind !== undefined) {
        consider(this.byTarget[kind], i)
        consider(this.byTarget.any, i)
      }
      if (candidates.length === 0) continue
      if (candidates.length > 1) candidates.sort((a, b) => a - b)
      for (const n of candidates) {
        const p = this.patterns[n]!
        const end = matchAt(p.pattern, tokens, kinds, i)
        if (end >= i) {
          out.push({ pattern: p, first: i, last: end })
          nextStart[n] = end + 1
        }
      }
    }
    return out
  }
}
