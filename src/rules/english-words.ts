// English words (about 275,000, lower case a–z, from the Letterpress list in the
// an-array-of-english-words package), to tell a misspelt group word from a real word when the
// rules load. The file is one sorted JSON array, and it is searched in its text: parsing its
// 3 MB and hashing 275,000 words cost about 300 ms on 2 cores, on every rules load; a search
// is a few microseconds, and a load asks about a few thousand words.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const FILE = require.resolve('an-array-of-english-words/index.json')

let reading: Promise<string> | undefined

/**
 * Whether a word is English, by the list. The text is read once per process and kept (3 MB):
 * every site's rules are compiled on each load, and each asks.
 */
export async function readEnglishWords (): Promise<(word: string) => boolean> {
  reading ??= readFile(FILE, 'utf8').catch((err: unknown) => { reading = undefined; throw err })
  const text = await reading
  return (word) => inSortedWords(text, word)
}

const isLetter = (c: number): boolean => c >= 97 && c <= 122

/**
 * Binary search of a text whose only letters are its words, in sorted order: a JSON array of
 * lower-case strings. Each step reads the word at, or else after, the middle of the range.
 */
export function inSortedWords (text: string, word: string): boolean {
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    let start = (lo + hi) >>> 1
    while (start > lo && isLetter(text.charCodeAt(start - 1))) start--
    while (start < hi && !isLetter(text.charCodeAt(start))) start++
    if (start >= hi) { hi = (lo + hi) >>> 1; continue }
    let end = start
    while (end < text.length && isLetter(text.charCodeAt(end))) end++
    const found = text.slice(start, end)
    if (found === word) return true
    if (found < word) lo = end
    else hi = start
  }
  return false
}
