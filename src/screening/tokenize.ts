// Turns a comment into word tokens that see through obfuscation, each carrying the span
// of the original text it came from. Matching works on tokens only, which is what makes
// every list entry whole-word ("Scunthorpe" is one token and never contains "cunt").
import { foldCodePoint, LEET, LEET_ALTERNATIVE, MASKS } from './fold.js'

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

interface Char { c: string, start: number, end: number, upper: boolean }

const SENTENCE_END = new Set(['.', '!', '?', ';', '\n', '\r'])
const LETTER = /\p{L}/u

function isLetter (c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c > '\x7f' && LETTER.test(c))
}
function isDigit (c: string): boolean { return c >= '0' && c <= '9' }

/** Folded characters of the text, each with its original span. */
function foldText (text: string): Char[] {
  const out: Char[] = []
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) as number
    const size = cp > 0xffff ? 2 : 1
    const folded = foldCodePoint(cp)
    const upper = cp < 128 ? cp >= 65 && cp <= 90 : folded !== '' && String.fromCodePoint(cp) !== String.fromCodePoint(cp).toLowerCase()
    for (const c of folded) out.push({ c, start: i, end: i + size, upper })
    i += size
  }
  return out
}

function wordChar (c: string): boolean {
  return isLetter(c) || isDigit(c) || c in LEET || MASKS.has(c)
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

function buildToken (chars: Char[], sentence: number): Token | undefined {
  // Trailing punctuation that doubles as leet ("idiot!") and mentions ("@user") are not letters.
  let a = 0
  let b = chars.length
  while (b > a && '!?|+*#%'.includes(chars[b - 1]!.c)) b--
  while (a < b && '!?|+*#%@'.includes(chars[a]!.c) && b - a > 1 && isLetter(chars[a + 1]!.c)) a++
  if (a >= b) return undefined
  const part = chars.slice(a, b)
  const raw = part.map((x) => x.c).join('')
  let letters = 0
  let digits = 0
  let masks = 0
  for (const ch of raw) {
    if (isLetter(ch)) letters++
    else if (isDigit(ch)) digits++
    else if (MASKS.has(ch)) masks++
  }
  // A number is not a word ("455" must not read as "ass"); an all-symbol token like "@$$" is.
  if (letters === 0 && (digits > 0 || masks > 0)) return undefined
  let norm = ''
  let alt = ''
  let pattern = ''
  for (const ch of raw) {
    const leet = isLetter(ch) ? ch : LEET[ch]
    norm += leet ?? ch
    alt += LEET_ALTERNATIVE[ch] ?? leet ?? ch
    pattern += MASKS.has(ch) ? '?' : (leet ?? ch)
  }
  const variants: string[] = []
  if (alt !== norm) variants.push(alt)
  if (hasLongRun(norm)) variants.push(collapseRuns(norm, 2), collapseRuns(norm, 1))
  const token: Token = {
    norm,
    variants,
    start: part[0]!.start,
    end: part[part.length - 1]!.end,
    sentence,
    capitalized: part[0]!.upper
  }
  // A masked word needs enough visible letters to be recognisable: "f*ck" yes, "**" no.
  if (masks > 0 && letters >= 2 && masks <= letters) token.masked = pattern
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
      const norm = run.map((t) => t.norm).join('')
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
  const chars = foldText(text)
  const tokens: Token[] = []
  let sentence = 0
  let current: Char[] = []
  const flush = (): void => {
    if (current.length > 0) {
      const t = buildToken(current, sentence)
      if (t !== undefined) tokens.push(t)
      // "idiot!" ends a sentence even though "!" was part of the word run.
      const lastChar = current[current.length - 1]!.c
      if ((lastChar === '!' || lastChar === '?') && t !== undefined) sentence++
      current = []
    }
  }
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (wordChar(ch.c)) {
      current.push(ch)
      continue
    }
    flush()
    // "e.g." or "3.5" do not end sentences often enough to matter; a period followed by
    // a space or the end does.
    if (SENTENCE_END.has(ch.c)) sentence++
  }
  flush()
  return { tokens, joined: joinSpelledOut(tokens, text) }
}
