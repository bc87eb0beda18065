// Word segmentation: "iwillkill" → "i will kill", "youareanidiot" → "you are an idiot".
// Spelled-out letters ("I w i l l k i l l you") and words run together carry phrases, not
// just words, so the patterns and targets must see the words inside them.
//
// Linear by construction: a split looks at most MAX_WORD characters ahead of each position,
// and each look is one hash lookup, so a text of n letters costs O(n · MAX_WORD) whatever
// the letters are. (The letter-joining step this replaces tried every substring: cubic.)

import { runSteps, stepThrough, type Steps } from './steps.js'
import { ShardedSet } from './sharded.js'

/** Longest word a split can use; longer vocabulary words are never split out of a run. */
export const MAX_WORD = 20

// Short words that phrases are built from, beyond the rules' own words.
export const PHRASE_WORDS = [
  'a', 'an', 'i', 'u', 'r', 're', 'is', 'am', 'are', 'be', 'so', 'such', 'the', 'to', 'go', 'will', 'gonna',
  'what', 'all', 'and', 'of', 'in', 'it', 'this', 'that', 'you', 'ur', 'we', 'they', 'them', 'get', 'die'
]

/** Three letters a–z at s[i…] as one number, for a lookup that makes no string. */
export function headOf (s: string, i: number): number {
  return (s.charCodeAt(i) - 97) * 676 + (s.charCodeAt(i + 1) - 97) * 26 + (s.charCodeAt(i + 2) - 97)
}

const SINGLE_LETTER_WORDS = new Set(['a', 'i', 'u', 'r'])

export interface Segment { start: number, end: number, word: string }

export class Segmenter {
  private readonly words = new ShardedSet()
  /** Which word lengths exist: lookups skip the others. */
  private lengths: number[] = []
  /** Which three-letter starts (a–z only, as a number) begin a word of three or more letters. */
  private readonly heads = new Uint8Array(26 * 26 * 26)

  constructor (vocabularies: Iterable<Iterable<string>>) {
    this.lengths = runSteps(this.addAll(vocabularies))
  }

  /** A segmenter built in steps (see steps.ts). */
  static * build (vocabularies: Iterable<Iterable<string>>): Steps<Segmenter> {
    const segmenter = new Segmenter([])
    segmenter.lengths = yield * segmenter.addAll(vocabularies)
    return segmenter
  }

  private * addAll (vocabularies: Iterable<Iterable<string>>): Steps<number[]> {
    const lengths = new Set<number>()
    const add = (w: string): void => {
      if (w.length === 0 || w.length > MAX_WORD || !/^[a-z]+$/.test(w)) return
      if (w.length === 1 && !SINGLE_LETTER_WORDS.has(w)) return
      this.words.add(w)
      lengths.add(w.length)
      if (w.length >= 3) this.heads[headOf(w, 0)] = 1
    }
    for (const w of PHRASE_WORDS) add(w)
    for (const vocabulary of vocabularies) yield * stepThrough(vocabulary, add)
    return [...lengths].sort((a, b) => a - b)
  }

  has (word: string): boolean {
    return this.words.has(word)
  }

  /**
   * The split of `s` into the fewest vocabulary words, or undefined when no split covers
   * all of it. Single letters other than "a", "i", "u", "r" are never words of a split.
   */
  split (s: string): Segment[] | undefined {
    const n = s.length
    // fewest[i]: fewest words covering s[0, i); from[i]: where the last of them starts.
    const fewest = new Int32Array(n + 1).fill(-1)
    const from = new Int32Array(n + 1)
    fewest[0] = 0
    for (let i = 0; i < n; i++) {
      if (fewest[i]! < 0) continue
      const long = i + 3 <= n && this.heads[headOf(s, i)] === 1
      for (const len of this.lengths) {
        if (i + len > n || (len >= 3 && !long)) break
        const j = i + len
        if (fewest[j]! >= 0 && fewest[j]! <= fewest[i]! + 1) continue
        if (!this.words.has(s.slice(i, j))) continue
        fewest[j] = fewest[i]! + 1
        from[j] = i
      }
    }
    if (fewest[n]! < 0) return undefined
    const out: Segment[] = []
    for (let j = n; j > 0; j = from[j]!) out.push({ start: from[j]!, end: j, word: s.slice(from[j]!, j) })
    return out.reverse()
  }
}
