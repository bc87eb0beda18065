// Turns a comment into word tokens that see through obfuscation, each carrying the span
// of the original text it came from. Matching works on tokens only, which is what makes
// every list entry whole-word ("Scunthorpe" is one token and never contains "cunt").
//
// This is the hottest code of the service (every comment, every character), so it works
// on flat arrays of folded characters and a per-character class table, not on objects.
import { foldCodePoint, isAscii, LEET, LEET_ALTERNATIVE, MASKS, OVERRIDE_END, RTL_OVERRIDE } from './fold.js'

export interface Token {
  /** Folded, de-leeted form: "Sh1t" → "shit". */
  norm: string
  /** Further readings to try in a list: "1" read as "l", long repeats collapsed. */
  variants: readonly string[]
  /** Start (inclusive) and end (exclusive) UTF-16 offsets in the original text. */
  start: number
  end: number
  /** Index of the sentence the token belongs to; aiming never crosses sentences. */
  sentence: number
  /** The first letter was upper case in the original (a hint that it is a name). */
  capitalized: boolean
  /** A comma, colon, dash, bracket or slash stands between this token and the one before:
   * a pattern's words never reach across it ("Kill, your …", "Bomb-Sniffing"). */
  pause?: true
  /** The first two letters were upper case: "NATO", "CDs", "MPs" are no names. */
  acronym?: boolean
  /** Letters hidden by masks, as a pattern: "f*ck" → "f?ck". */
  masked?: string
  /** The single letters a joined token was built from: "f u c k" / "f.u.c.k". */
  parts?: Token[]
  /** For a joined token: the index of its first letter in the token array. */
  at?: number
}

/** Most tokens have no second reading; they share one empty list instead of each making one. */
export const NO_VARIANTS: readonly string[] = Object.freeze([])

// Character classes of folded characters.
const SEP = 0
const LETTER = 1
const DIGIT = 2
const LEET_SYMBOL = 3
const MASK = 4

const LETTER_RE = /\p{L}/u
const classCache = new Map<string, number>()

function classOf (c: string): number {
  const code = c.charCodeAt(0)
  if (c.length === 1 && code < 128) return ASCII_CLASS[code]!
  let k = classCache.get(c)
  if (k === undefined) {
    k = LETTER_RE.test(c) ? LETTER : c in LEET ? LEET_SYMBOL : MASKS.has(c) ? MASK : SEP
    classCache.set(c, k)
  }
  return k
}

const ASCII_CLASS: number[] = Array.from({ length: 128 }, (_, code) => {
  const c = String.fromCharCode(code)
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return LETTER
  if (code >= 48 && code <= 57) return DIGIT
  if (c in LEET) return LEET_SYMBOL
  if (MASKS.has(c)) return MASK
  return SEP
})

const SENTENCE_END = new Set(['.', '!', '?', ';', '\n', '\r'])
/** Punctuation that breaks a phrase without ending the sentence (see Token.pause). */
const PAUSE = new Set([',', ':', '-', '\u2013', '\u2014', '(', ')', '[', ']', '/'])
/** Punctuation that may trail a word run and is not part of the word ("idiot!"). */
const TRAILING = new Set(['!', '?', '|', '+', '*', '#', '%'])
/** Punctuation that may lead a word run and is not part of it ("@user", "*word"). */
const LEADING = new Set(['!', '?', '|', '+', '*', '#', '%', '@'])

/**
 * The folded characters of a text, with the original span and case of each. Plain ASCII
 * text (most comments) needs no per-character arrays: character i of the lower-cased text
 * comes from character i of the original.
 */
interface Folded {
  chars: ArrayLike<string>
  kinds: ArrayLike<number>
  length: number
  ascii: boolean
  starts: number[]
  ends: number[]
  upper: boolean[]
  text: string
}

function foldText (text: string): Folded {
  if (isAscii(text)) {
    const lower = text.toLowerCase()
    const kinds = new Uint8Array(lower.length)
    for (let i = 0; i < lower.length; i++) kinds[i] = ASCII_CLASS[lower.charCodeAt(i)]!
    return { chars: lower, kinds, length: lower.length, ascii: true, starts: [], ends: [], upper: [], text }
  }
  const chars: string[] = []
  const kinds: number[] = []
  const f: Folded = { chars, kinds, length: 0, ascii: false, starts: [], ends: [], upper: [], text }
  // Text after a right-to-left override is shown reversed ("\u202etoidi" reads "idiot"), so
  // it is matched reversed too. Each character keeps its own span.
  let override = -1
  const endOverride = (): void => {
    if (override >= 0) reverseFrom(f, override)
    override = -1
  }
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!
    const size = cp > 0xffff ? 2 : 1
    if (cp === RTL_OVERRIDE) {
      endOverride()
      override = chars.length
    } else if (override >= 0 && OVERRIDE_END.has(cp)) {
      endOverride()
    }
    if (cp < 128) {
      const upper = cp >= 65 && cp <= 90
      chars.push(upper ? String.fromCharCode(cp + 32) : text[i]!); kinds.push(ASCII_CLASS[cp]!); f.starts.push(i); f.ends.push(i + 1); f.upper.push(upper)
    } else {
      const folded = foldCodePoint(cp)
      if (folded !== '') {
        const original = String.fromCodePoint(cp)
        const upper = original !== original.toLowerCase()
        for (const c of folded) {
          chars.push(c); kinds.push(classOf(c)); f.starts.push(i); f.ends.push(i + size); f.upper.push(upper)
        }
      }
    }
    i += size
  }
  endOverride()
  f.length = chars.length
  return f
}

/** Reverse the folded characters from index `from` to the end, with their spans and case. */
function reverseFrom (f: Folded, from: number): void {
  const arrays = [f.chars, f.kinds, f.starts, f.ends, f.upper] as unknown[][]
  for (const a of arrays) {
    for (let i = from, j = a.length - 1; i < j; i++, j--) {
      const x = a[i]
      a[i] = a[j]
      a[j] = x
    }
  }
}

/** The original span of folded characters a..b-1 (reversed text has them out of order). */
function spanOf (f: Folded, a: number, b: number): { start: number, end: number } {
  if (f.ascii) return { start: a, end: b }
  let start = f.starts[a]!
  let end = f.ends[a]!
  for (let i = a + 1; i < b; i++) {
    if (f.starts[i]! < start) start = f.starts[i]!
    if (f.ends[i]! > end) end = f.ends[i]!
  }
  return { start, end }
}
function upperAt (f: Folded, i: number): boolean {
  if (!f.ascii) return f.upper[i]!
  const code = f.text.charCodeAt(i)
  return code >= 65 && code <= 90
}

/** Most ambiguous characters whose readings are combined; past it, one reading each way. */
const MAX_AMBIGUOUS = 3

/**
 * Other readings of a word with ambiguous leet characters: "bu11sh1t" needs "1" as "l"
 * twice and as "i" once. Every combination for up to three such characters (at most
 * seven readings), else all of them read the other way.
 */
function alternativeReadings (norm: string, ambiguous: Array<[at: number, letter: string]>): string[] {
  if (ambiguous.length === 0) return []
  // mask: which ambiguous characters take their other reading; -1 for all of them.
  const read = (mask: number): string => {
    const chars = [...norm]
    ambiguous.forEach(([at, letter], k) => { if (mask < 0 || (mask & (1 << k)) !== 0) chars[at] = letter })
    return chars.join('')
  }
  if (ambiguous.length > MAX_AMBIGUOUS) return [read(-1)]
  const out: string[] = []
  for (let mask = 1; mask < 1 << ambiguous.length; mask++) out.push(read(mask))
  return out
}

/** Collapse runs of 3+ identical letters to `keep` letters ("fuuuuck" → "fuck" or "fuuck"). */
function collapseRuns (s: string, keep: number): string {
  let out = ''
  let run = 0
  for (let i = 0; i < s.length; i++) {
    run = i > 0 && s[i] === s[i - 1] ? run + 1 : 1
    if (run <= keep) out += s[i]
  }
  return out
}

function hasLongRun (s: string): boolean {
  for (let i = 2; i < s.length; i++) if (s[i] === s[i - 1] && s[i] === s[i - 2]) return true
  return false
}

/** The token made of folded characters a..b-1, or undefined when it is no word. */
function buildToken (f: Folded, a: number, b: number, sentence: number): Token | undefined {
  // Trailing punctuation that doubles as leet ("idiot!") and mentions ("@user") are not letters.
  while (b > a && TRAILING.has(f.chars[b - 1]!)) b--
  // A leading symbol that doubles as a letter is kept as a second reading: "@ss", "!diot".
  let lead: string | undefined
  let from = a
  if (a < b - 1 && LEADING.has(f.chars[a]!) && f.kinds[a + 1] === LETTER) {
    lead = LEET[f.chars[a]!]
    if (lead === undefined) from = a + 1
    a++
  }
  if (a >= b) return undefined
  let letters = 0
  let digits = 0
  let masks = 0
  let plain = true
  let norm = ''
  for (let i = a; i < b; i++) {
    const k = f.kinds[i]!
    const c = f.chars[i]!
    if (k === LETTER) {
      letters++
      norm += c
      continue
    }
    plain = false
    if (k === DIGIT) digits++
    else if (k === MASK) masks++
    norm += LEET[c] ?? c
  }
  // A number is not a word ("455" must not read as "ass"); an all-symbol token like "@$$" is.
  if (letters === 0 && (digits > 0 || masks > 0)) return undefined
  let variants: string[] | undefined
  let masked: string | undefined
  if (!plain) {
    let pattern = ''
    const ambiguous: Array<[at: number, letter: string]> = []
    for (let i = a; i < b; i++) {
      const c = f.chars[i]!
      const leet = f.kinds[i] === LETTER ? c : LEET[c]
      const other = LEET_ALTERNATIVE[c]
      if (other !== undefined) ambiguous.push([i - a, other])
      pattern += f.kinds[i] === MASK ? '?' : (leet ?? c)
    }
    if (ambiguous.length > 0) variants = alternativeReadings(norm, ambiguous)
    // A masked word needs enough visible letters to be recognisable: "f*ck" yes, "**" no.
    if (masks > 0 && letters >= 2 && masks <= letters) masked = pattern
  }
  if (norm.length >= 3 && hasLongRun(norm)) (variants ??= []).push(collapseRuns(norm, 2), collapseRuns(norm, 1))
  if (lead !== undefined) (variants ??= []).push(lead + norm)
  const { start, end } = spanOf(f, from, b)
  const token: Token = { norm, variants: variants ?? NO_VARIANTS, start, end, sentence, capitalized: upperAt(f, a) }
  if (token.capitalized && b - a >= 2 && f.kinds[a + 1] === LETTER && upperAt(f, a + 1)) token.acronym = true
  if (masked !== undefined) token.masked = masked
  return token
}

function lineBreakBetween (text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i)
    if (c === 10 || c === 13) return true
  }
  return false
}

/** At most this many characters between spelled-out letters: "f.u.c.k", "f   u   c   k". */
const SPELLED_GAP = 3

/**
 * Join runs of three or more single letters separated by up to three spacing characters
 * on one line. One pass over the tokens; each letter joins at most one run.
 */
function joinSpelledOut (tokens: Token[], text: string): Token[] {
  const joined: Token[] = []
  let from = 0
  let norm = ''
  const flush = (to: number): void => {
    if (to - from >= 3) {
      const first = tokens[from]!
      const last = tokens[to - 1]!
      joined.push({
        norm, variants: NO_VARIANTS, start: first.start, end: last.end, sentence: first.sentence, capitalized: false, parts: tokens.slice(from, to), at: from
      })
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const single = t.norm.length === 1 && t.masked === undefined
    const prev = tokens[i - 1]
    const continues = single && i > from && norm !== '' && prev !== undefined && t.start - prev.end <= SPELLED_GAP && !lineBreakBetween(text, prev.end, t.start)
    if (continues) {
      norm += t.norm
      continue
    }
    flush(i)
    from = i
    norm = single ? t.norm : ''
  }
  flush(tokens.length)
  return joined
}

export interface Tokenized {
  /** Word tokens in text order. */
  tokens: Token[]
  /** Extra tokens made by joining spelled-out letters; matched against word lists only. */
  joined: Token[]
}

function dotBetweenLetters (f: Folded, tokens: Token[], i: number): boolean {
  if (f.chars[i] !== '.' || i + 1 >= f.length || f.kinds[i + 1] === SEP) return false
  const last = tokens[tokens.length - 1]
  return last !== undefined && last.norm.length === 1
}

export function tokenize (text: string): Tokenized {
  const f = foldText(text)
  const tokens: Token[] = []
  let sentence = 0
  let runStart = -1
  let paused = false
  const n = f.length
  for (let i = 0; i <= n; i++) {
    const word = i < n && f.kinds[i] !== SEP
    if (word) {
      if (runStart < 0) runStart = i
      continue
    }
    if (runStart >= 0) {
      const t = buildToken(f, runStart, i, sentence)
      if (t !== undefined) {
        if (paused && tokens.length > 0) t.pause = true
        paused = false
        tokens.push(t)
        // "idiot!" ends a sentence even though "!" was part of the word run.
        const last = f.chars[i - 1]
        if (last === '!' || last === '?') sentence++
      }
      runStart = -1
    }
    // "e.g." or "3.5" do not end sentences often enough to matter; a dot between spelled
    // letters ("k.i.l.l") ends none.
    if (i < n && SENTENCE_END.has(f.chars[i]!) && !dotBetweenLetters(f, tokens, i)) sentence++
    if (i < n && PAUSE.has(f.chars[i]!)) paused = true
  }
  return { tokens, joined: joinSpelledOut(tokens, text) }
}
