// Turns a comment into word tokens that see through obfuscation, each carrying the span
// of the original text it came from. Matching works on tokens only, which is what makes
// every list entry whole-word ("Scunthorpe" is one token and never contains "cunt").
//
// This is the hottest code of the service (every comment, every character), so it works
// on flat arrays of folded characters and a per-character class table, not on objects.
import { foldCodePoint, isAscii, LEET, LEET_ALTERNATIVE, MASKS } from './fold.js'

export interface Token {
  /** Folded, de-leeted form: "Sh1t" → "shit". */
  norm: string
  /** Further readings to try in a list: "1" read as "l", long repeats collapsed. */
  variants: string[]
  /** Start (inclusive) and end (exclusive) UTF-16 offsets in the original text. */
  start: number
  end: number
  /** Index of the sentence the token belongs to; aiming never crosses sentences. */
  sentence: number
  /** The first letter was upper case in the original (a hint that it is a name). */
  capitalized: boolean
  /** Letters hidden by masks, as a pattern: "f*ck" → "f?ck". */
  masked?: string
  /** The single letters a joined token was built from: "f u c k" / "f.u.c.k". */
  parts?: Token[]
}

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
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!
    const size = cp > 0xffff ? 2 : 1
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
  f.length = chars.length
  return f
}

const startOf = (f: Folded, i: number): number => f.ascii ? i : f.starts[i]!
const endOf = (f: Folded, i: number): number => f.ascii ? i + 1 : f.ends[i]!
function upperAt (f: Folded, i: number): boolean {
  if (!f.ascii) return f.upper[i]!
  const code = f.text.charCodeAt(i)
  return code >= 65 && code <= 90
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
  while (a < b - 1 && LEADING.has(f.chars[a]!) && f.kinds[a + 1] === LETTER) a++
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
  const variants: string[] = []
  let masked: string | undefined
  if (!plain) {
    let alt = ''
    let pattern = ''
    for (let i = a; i < b; i++) {
      const c = f.chars[i]!
      const leet = f.kinds[i] === LETTER ? c : LEET[c]
      alt += LEET_ALTERNATIVE[c] ?? leet ?? c
      pattern += f.kinds[i] === MASK ? '?' : (leet ?? c)
    }
    if (alt !== norm) variants.push(alt)
    // A masked word needs enough visible letters to be recognisable: "f*ck" yes, "**" no.
    if (masks > 0 && letters >= 2 && masks <= letters) masked = pattern
  }
  if (norm.length >= 3 && hasLongRun(norm)) variants.push(collapseRuns(norm, 2), collapseRuns(norm, 1))
  const token: Token = { norm, variants, start: startOf(f, a), end: endOf(f, b - 1), sentence, capitalized: upperAt(f, a) }
  if (masked !== undefined) token.masked = masked
  return token
}

/** Join runs of three or more single letters separated by one or two spacing characters. */
function joinSpelledOut (tokens: Token[], text: string): Token[] {
  const joined: Token[] = []
  let run: Token[] = []
  const flush = (): void => {
    if (run.length >= 3) {
      const first = run[0]!
      const last = run[run.length - 1]!
      let norm = ''
      for (const t of run) norm += t.norm
      joined.push({ norm, variants: [], start: first.start, end: last.end, sentence: first.sentence, capitalized: false, parts: run })
    }
    run = []
  }
  for (const t of tokens) {
    const prev = run[run.length - 1]
    const single = t.norm.length === 1 && t.masked === undefined
    if (single && prev !== undefined && t.start - prev.end <= 2 && !/[\n\r]/.test(text.slice(prev.end, t.start))) {
      run.push(t)
    } else {
      flush()
      if (single) run.push(t)
    }
  }
  flush()
  return joined
}

export interface Tokenized {
  /** Word tokens in text order. */
  tokens: Token[]
  /** Extra tokens made by joining spelled-out letters; matched against word lists only. */
  joined: Token[]
}

export function tokenize (text: string): Tokenized {
  const f = foldText(text)
  const tokens: Token[] = []
  let sentence = 0
  let runStart = -1
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
        tokens.push(t)
        // "idiot!" ends a sentence even though "!" was part of the word run.
        const last = f.chars[i - 1]
        if (last === '!' || last === '?') sentence++
      }
      runStart = -1
    }
    // "e.g." or "3.5" do not end sentences often enough to matter.
    if (i < n && SENTENCE_END.has(f.chars[i]!)) sentence++
  }
  return { tokens, joined: joinSpelledOut(tokens, text) }
}
