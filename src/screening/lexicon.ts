// Word lists compiled once into hash maps and a token trie. Matching costs a few map
// lookups per token, whatever the size of the lists: 20,000 entries cost about what 500 do.
import { tokenize, type Token } from './tokenize.js'
import { MAX_WORD } from './segment.js'
import { runSteps, stepThrough, type Steps } from './steps.js'
import { ShardedMap, ShardedSet } from './sharded.js'
import type { Category, Severity, TargetKind } from './types.js'

export interface ListEntry {
  text: string
  severity?: Severity
  /** Where the entry came from, for error messages: "lists/insults.txt:12". */
  origin?: string
}

export interface ListDefinition {
  id: string
  category: Category
  severity: Severity
  /**
   * always: every match is a flag; aimed: only when aimed at someone (a person, "you",
   * a group); patterns: never on its own, only through token patterns ("{list-id}").
   */
  mode: 'always' | 'aimed' | 'patterns'
  /** Category to use when the word is aimed at a given kind of target. */
  when: Partial<Record<TargetKind, Category>>
  entries: ListEntry[]
}

/** One compiled entry: what a match means. */
export interface LexiconEntry {
  list: ListDefinition
  severity: Severity
  /** The normalised form that matched, for reports. */
  form: string
}

export interface LexiconHit {
  entry: LexiconEntry
  /** Index range of the matched tokens [first, last] in the token array, when in it. */
  first: number
  last: number
  start: number
  end: number
}

interface TrieNode { next: Map<string, TrieNode>, entries: LexiconEntry[] }

// Short stems would match too much: "ass*" would catch "assassination".
const MIN_AFFIX = 4

export class Lexicon {
  private readonly words = new ShardedMap<LexiconEntry[]>()
  private readonly phrases: TrieNode = { next: new Map(), entries: [] }
  private readonly prefixes = new Map<string, LexiconEntry[]>()
  private readonly suffixes = new Map<string, LexiconEntry[]>()
  private readonly infixes = new Map<string, LexiconEntry[]>()
  private readonly infixLengths = new Set<number>()
  private readonly prefixLengths = new Set<number>()
  private readonly suffixLengths = new Set<number>()
  /**
   * Masked-word candidates by shape: length with the first and last letter, and length
   * with one of them. A masked token is compared with the words of one shape only, so its
   * cost does not grow with the size of the lists.
   */
  private readonly maskable = new Map<string, Array<{ form: string, entry: LexiconEntry }>>()
  private readonly allow: Set<string>
  /** Lengths of list words (3 to MAX_WORD letters, longest first) and their first three letters. */
  private wordLengths: number[] = []
  private readonly wordHeads = new Set<string>()
  /** Words of single-token entries, by list id, for token patterns ("{insults}"). */
  readonly wordsByList = new Map<string, ShardedSet>()
  entryCount = 0

  constructor (lists: ListDefinition[], allowlist: Iterable<string>) {
    this.allow = new Set([...allowlist].map(normalizeWord))
    runSteps(this.addLists(lists))
  }

  /** A lexicon built in steps (see steps.ts): a million-word list need not block anything. */
  static * build (lists: ListDefinition[], allowlist: Iterable<string>): Steps<Lexicon> {
    const lexicon = new Lexicon([], allowlist)
    yield * lexicon.addLists(lists)
    return lexicon
  }

  private * addLists (lists: ListDefinition[]): Steps<void> {
    for (const list of lists) {
      const words = new ShardedSet()
      this.wordsByList.set(list.id, words)
      yield * stepThrough(list.entries, (raw) => this.add(list, raw, words))
    }
    const lengths = new Set<number>()
    yield * stepThrough(this.words.keys(), (w) => {
      if (w.length < 3 || w.length > MAX_WORD) return
      lengths.add(w.length)
      this.wordHeads.add(w.slice(0, 3))
    })
    this.wordLengths = [...lengths].sort((a, b) => b - a)
  }

  private add (list: ListDefinition, raw: ListEntry, words: ShardedSet): void {
    let text = raw.text.trim()
    let kind: 'word' | 'prefix' | 'suffix' | 'infix' = 'word'
    const leading = text.startsWith('*')
    const trailing = text.endsWith('*')
    if (leading || trailing) {
      text = text.replace(/^\*+|\*+$/g, '')
      kind = leading && trailing ? 'infix' : leading ? 'suffix' : 'prefix'
    }
    const parts = normalizeEntry(text)
    if (parts.length === 0) return
    const form = parts.join(' ')
    // The allowlist says what is never flagged on its own; a pattern-only list flags
    // nothing on its own, so its words stay ("lesbian" in "{group-adjectives}").
    const allowed = (f: string): boolean => list.mode !== 'patterns' && this.allow.has(f)
    if (allowed(form)) return
    const entry: LexiconEntry = { list, severity: raw.severity ?? list.severity, form }
    this.entryCount++
    if (parts.length > 1) {
      if (list.mode === 'patterns') return
      let node = this.phrases
      for (const p of parts) {
        let child = node.next.get(p)
        if (child === undefined) { child = { next: new Map(), entries: [] }; node.next.set(p, child) }
        node = child
      }
      node.entries.push(entry)
      return
    }
    if (kind !== 'word' && form.length >= MIN_AFFIX) {
      // The stem is a word of the list too, for patterns: "fuck*" lets "{profanity}" match "fuck".
      words.add(form)
      if (list.mode === 'patterns') return
      const map = kind === 'prefix' ? this.prefixes : kind === 'suffix' ? this.suffixes : this.infixes
      push(map, form, entry)
      const lengths = kind === 'prefix' ? this.prefixLengths : kind === 'suffix' ? this.suffixLengths : this.infixLengths
      lengths.add(form.length)
      return
    }
    // Plurals come free: "idiot" also matches "idiots", "bitch" matches "bitches".
    const forms = [form, ...pluralsOf(form).filter((f) => !allowed(f))]
    for (const f of forms) words.add(f)
    if (list.mode === 'patterns') return
    for (const f of forms) push(this.words, f, entry)
    if (list.category !== 'libel' && form.length >= 4) {
      for (const shape of maskShapes(form)) push(this.maskable, shape, { form, entry })
    }
  }

  /** Every list match in the tokens, phrases first so "war criminal" wins over "criminal". */
  match (tokens: Token[], joined: Token[]): LexiconHit[] {
    const hits: LexiconHit[] = []
    let coveredUntil = -1
    for (let i = 0; i < tokens.length; i++) {
      const phrase = this.matchPhrase(tokens, i)
      if (phrase !== undefined) {
        hits.push(phrase)
        coveredUntil = Math.max(coveredUntil, phrase.last)
        continue
      }
      if (i <= coveredUntil) continue
      const t = tokens[i]!
      const entries = this.matchToken(t)
      if (entries !== undefined) for (const entry of entries) hits.push({ entry, first: i, last: i, start: t.start, end: t.end })
    }
    for (const j of joined) for (const h of this.matchJoined(j)) hits.push(h)
    return hits
  }

  private matchPhrase (tokens: Token[], i: number): LexiconHit | undefined {
    let node = this.phrases
    let best: LexiconHit | undefined
    const sentence = tokens[i]!.sentence
    for (let k = i; k < tokens.length && tokens[k]!.sentence === sentence; k++) {
      const t = tokens[k]!
      const child = node.next.get(t.norm) ?? firstDefined(t.variants, (v) => node.next.get(v))
      if (child === undefined) break
      node = child
      if (node.entries.length > 0) best = { entry: node.entries[0]!, first: i, last: k, start: tokens[i]!.start, end: t.end }
    }
    return best
  }

  /**
   * Entries matched by one token: the first of its readings that a list has as a word,
   * plus any stem or infix entry, so a word in several lists reports every list.
   */
  matchToken (t: Token): LexiconEntry[] | undefined {
    if (this.allow.has(t.norm)) return undefined
    let found = this.words.get(t.norm) ?? firstDefined(t.variants, (v) => this.words.get(v))
    if (this.hasAffixes && t.norm.length >= MIN_AFFIX) {
      const affix = this.matchAffixes(t.norm) ?? firstDefined(t.variants, (v) => this.matchAffixes(v))
      if (affix !== undefined) found = found === undefined ? affix : [...found, ...affix]
    }
    if (found === undefined && t.masked !== undefined) return this.matchMasked(t.masked)
    return found
  }

  private get hasAffixes (): boolean {
    return this.prefixes.size + this.suffixes.size + this.infixes.size > 0
  }

  private matchAffixes (form: string): LexiconEntry[] | undefined {
    if (form.length < MIN_AFFIX) return undefined
    // Only the lengths that some entry has: a handful of lookups per word.
    for (const k of this.prefixLengths) {
      if (k > form.length) continue
      const p = this.prefixes.get(form.slice(0, k))
      if (p !== undefined) return p
    }
    for (const k of this.suffixLengths) {
      if (k > form.length) continue
      const s = this.suffixes.get(form.slice(form.length - k))
      if (s !== undefined) return s
    }
    for (const len of this.infixLengths) {
      for (let a = 0; a + len <= form.length; a++) {
        const hit = this.infixes.get(form.slice(a, a + len))
        if (hit !== undefined) return hit
      }
    }
    return undefined
  }

  private matchMasked (pattern: string): LexiconEntry[] | undefined {
    const first = pattern[0]!
    const last = pattern[pattern.length - 1]!
    // A pattern masked at both ends ("*uc*") shows too little to be read as a word.
    if (first === '?' && last === '?') return undefined
    const bucket = this.maskable.get(`${pattern.length}:${first}:${last}`)
    if (bucket === undefined) return undefined
    for (const { form, entry } of bucket) {
      let ok = true
      for (let i = 0; i < form.length && ok; i++) ok = pattern[i] === '?' || pattern[i] === form[i]
      if (ok) return [entry]
    }
    return undefined
  }

  /**
   * Spelled-out letters that no split into words explains ("f u c k i n g i d i o t" is
   * split before it gets here): the whole run, else the longest list words inside it, left
   * to right. At most MAX_WORD lookups per letter, so linear in the run.
   */
  private matchJoined (j: Token): LexiconHit[] {
    const parts = j.parts ?? []
    // A run longer than any word is read word by word: an affix match of the whole run
    // would flag ten thousand letters for one "fuck" inside them.
    const whole = j.norm.length <= MAX_WORD ? this.matchToken(j) : undefined
    if (whole !== undefined) return whole.map((entry) => ({ entry, first: -1, last: -1, start: j.start, end: j.end }))
    const hits: LexiconHit[] = []
    const s = j.norm
    for (let a = 0; a < s.length;) {
      const len = this.longestWordAt(s, a)
      if (len === 0) { a++; continue }
      const entries = this.words.get(s.slice(a, a + len))!
      for (const entry of entries) hits.push({ entry, first: -1, last: -1, start: parts[a]!.start, end: parts[a + len - 1]!.end })
      a += len
    }
    return hits
  }

  /** The length of the longest list word (three letters or more) at s[a…], or 0. */
  private longestWordAt (s: string, a: number): number {
    if (!this.wordHeads.has(s.slice(a, a + 3))) return 0
    for (const len of this.wordLengths) {
      if (a + len > s.length) continue
      const w = s.slice(a, a + len)
      if (this.words.has(w) && !this.allow.has(w)) return len
    }
    return 0
  }
}

/** The shapes a masked token of this word can have: "fuck" as "4:f:k", "4:?:k", "4:f:?". */
function maskShapes (form: string): string[] {
  const n = form.length
  return [`${n}:${form[0]}:${form[n - 1]}`, `${n}:?:${form[n - 1]}`, `${n}:${form[0]}:?`]
}

/** Regular English plurals only: "asses" must not make "assess", nor "pric" "prices". */
function pluralsOf (form: string): string[] {
  if (form.includes(' ') || form.endsWith('s')) return []
  return /(x|z|ch|sh)$/.test(form) ? [form + 'es'] : [form + 's']
}

function push<K, T> (map: { get: (key: K) => T[] | undefined, set: (key: K, value: T[]) => unknown }, key: K, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

function firstDefined<T> (items: readonly string[], f: (s: string) => T | undefined): T | undefined {
  for (const s of items) {
    const v = f(s)
    if (v !== undefined) return v
  }
  return undefined
}

/** An entry goes through the same normalisation as comments: "Sh1t" and "sh!t" become "shit". */
export function normalizeEntry (text: string): string[] {
  const { tokens, joined } = tokenize(text)
  // "f u c k" in a list means the word, exactly as the comment "f u c k" does.
  const spelled = joined[0]
  if (joined.length === 1 && spelled !== undefined && spelled.start === tokens[0]?.start && spelled.end === tokens[tokens.length - 1]?.end) {
    return [spelled.norm]
  }
  return tokens.map((t) => t.norm)
}

/** An entry as one normalised string, its words joined by single spaces ("" if none). */
export function normalizeWord (text: string): string {
  return normalizeEntry(text).join(' ')
}
