// Words hidden from the tokenizer become tokens again, so word lists, targets and patterns
// read them like any other words:
//   - spelled-out letters: "I w i l l k i l l you" → i will kill you;
//   - words run together and aimed at someone: "youareanidiot" → you are an idiot.
// Each new token spans exactly the original characters its letters came from.
import { PHRASE_WORDS, type Segment, type Segmenter } from './segment.js'
import type { TargetConfig } from './targets.js'
import { NO_VARIANTS, type Token } from './tokenize.js'

export interface Respelled {
  tokens: Token[]
  /** Spelled-out runs that split into no words; the lexicon looks for list words inside. */
  joined: Token[]
}

// A run-together token is split only when it is long enough to hold a phrase and short
// enough to be one (an endless token is no phrase).
const MIN_RUN_TOGETHER = 5
const MAX_RUN_TOGETHER = 40

export function respell (text: string, tokens: Token[], joined: Token[], segmenter: Segmenter, targets: TargetConfig): Respelled {
  // Replacements by the index of the first token they replace: [how many tokens, new tokens].
  const replace = new Map<number, [number, Token[]]>()
  const leftover: Token[] = []
  for (const j of joined) {
    const parts = j.parts!
    const split = segmenter.split(j.norm)
    if (split === undefined) { leftover.push(j); continue }
    replace.set(j.at!, [parts.length, split.map((s) => segmentToken(s, parts[s.start]!.start, parts[s.end - 1]!.end, j.sentence))])
  }
  const ends = targetEnds(targets, segmenter)
  tokens.forEach((t, i) => {
    if (replace.has(i)) return
    const split = runTogether(text, t, segmenter, targets, ends)
    if (split !== undefined) replace.set(i, [1, split.map((s) => segmentToken(s, t.start + s.start, t.start + s.end, t.sentence))])
  })
  if (replace.size === 0) return { tokens, joined: leftover }
  const out: Token[] = []
  for (let i = 0; i < tokens.length;) {
    const r = replace.get(i)
    if (r === undefined) { out.push(tokens[i]!); i++; continue }
    for (const t of r[1]) out.push(t)
    i += r[0]
  }
  return { tokens: out, joined: leftover }
}

function segmentToken (s: Segment, start: number, end: number, sentence: number): Token {
  return { norm: s.word, variants: NO_VARIANTS, start, end, sentence, capitalized: false }
}

// Words shorter than three letters that a run-together phrase may contain; any other short
// "word" is more likely a piece of a longer one ("sh" in "Jewish" is in bad-words' list).
const SHORT_WORDS = new Set(PHRASE_WORDS.filter((w) => w.length < 3))
// A capitalised word with the rest in lower case is a name: "Uranus", "Yeshu", "Jewish".
const PROPER_NOUN = /^\p{Lu}\p{Ll}+$/u

/**
 * The words of a token that is a phrase run together and aimed at someone: it splits into
 * two or more words, and the first or the last is "you" or a group. "therapist" (the +
 * rapist) and "assassin" aim at no one, and a word the rules know stays whole.
 */
function runTogether (text: string, t: Token, segmenter: Segmenter, targets: TargetConfig, ends: TargetEnds): Segment[] | undefined {
  const n = t.norm.length
  // Only plain letters that map one to one onto the original text can be split by offset.
  if (n < MIN_RUN_TOGETHER || n > MAX_RUN_TOGETHER || t.end - t.start !== n || t.parts !== undefined) return undefined
  // Most words begin and end with no target word: a short walk of two tries rules them out.
  if (!ends.starts(t.norm) && !ends.finishes(t.norm)) return undefined
  // A misspelt group word is a group, not a phrase: "imigrants" is not "i migrants".
  if (segmenter.has(t.norm) || targets.group.has(t.norm) || !/^[a-z]+$/.test(t.norm) || PROPER_NOUN.test(text.slice(t.start, t.end))) return undefined
  const split = segmenter.split(t.norm)
  if (split === undefined || split.length < 2 || split.some((s) => s.word.length < 3 && !SHORT_WORDS.has(s.word))) return undefined
  const aimed = (w: string): boolean => targets.you.has(w) || targets.group.has(w)
  return aimed(split[0]!.word) || aimed(split[split.length - 1]!.word) ? split : undefined
}

interface Trie { next: Map<string, Trie>, word: boolean }

/** Whether a word starts with, or ends with, a "you" or group target word. */
interface TargetEnds { starts: (w: string) => boolean, finishes: (w: string) => boolean }

// One pair of tries per compiled rule set.
const endsCache = new WeakMap<TargetConfig, TargetEnds>()

function targetEnds (targets: TargetConfig, segmenter: Segmenter): TargetEnds {
  let ends = endsCache.get(targets)
  if (ends !== undefined) return ends
  const forward: Trie = { next: new Map(), word: false }
  const backward: Trie = { next: new Map(), word: false }
  const add = (root: Trie, chars: string[]): void => {
    let node = root
    for (const c of chars) {
      let child = node.next.get(c)
      if (child === undefined) node.next.set(c, child = { next: new Map(), word: false })
      node = child
    }
    node.word = true
  }
  // Only words a split can give: a misspelt group word ("mulsims") is a target but never
  // a word of the segmenter's, so it can never end a split.
  for (const w of [...targets.you, ...targets.group]) {
    if (!segmenter.has(w)) continue
    add(forward, [...w])
    add(backward, [...w].reverse())
  }
  // A proper prefix or suffix: the whole word being a target is not a run-together phrase.
  const walk = (root: Trie, w: string, from: number, step: number): boolean => {
    let node: Trie | undefined = root
    for (let i = from, k = 1; k < w.length && node !== undefined; i += step, k++) {
      node = node.next.get(w[i]!)
      if (node?.word === true) return true
    }
    return false
  }
  ends = { starts: (w) => walk(forward, w, 0, 1), finishes: (w) => walk(backward, w, w.length - 1, -1) }
  endsCache.set(targets, ends)
  return ends
}
