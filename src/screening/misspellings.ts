// Misspelt group words name the group too: "Mulsims", "Jwes", "imigrants". Writers slip, and
// some misspell on purpose to get past a word list. Two slips are read, the commonest in
// typing: two neighbouring letters swapped, and one letter left out. The first letter stays
// as written in both, since slips there are rare and a changed first letter reaches far more
// real words; so does the last letter of a shortened word, which is mostly a plural's s
// ("Canadian" is the adjective, which the lists leave out on purpose). A misspelling that is
// itself a word ("blacks" without its l is "backs", "hindus" without its u is "hinds") is no
// misspelling: the caller leaves those out.

/** Shortest word whose neighbouring letters may be read swapped: "jews" → "jwes". */
const MIN_SWAPPED = 4
/** Shortest word that may be read with a letter left out ("muslims" → "mulims"): shorter ones leave too little. */
const MIN_SHORTENED = 6

/** The ways `word` is written with one such slip, each once; not `word` itself. */
export function misspellingsOf (word: string): string[] {
  if (!/^[a-z]+$/.test(word)) return []
  const out = new Set<string>()
  if (word.length >= MIN_SWAPPED) {
    for (let i = 1; i + 1 < word.length; i++) {
      if (word[i] !== word[i + 1]) out.add(word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2))
    }
  }
  if (word.length >= MIN_SHORTENED) {
    for (let i = 1; i + 1 < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1))
  }
  out.delete(word)
  return [...out]
}

/**
 * The misspellings of `words` that are not words: neither one of `known` (the rules' own
 * target words) nor a word of English by `isWord`.
 */
export function misspeltForms (words: Iterable<string>, known: ReadonlySet<string>, isWord: (w: string) => boolean): string[] {
  const out = new Set<string>()
  for (const word of words) {
    for (const m of misspellingsOf(word)) if (!known.has(m) && !isWord(m)) out.add(m)
  }
  return [...out].sort()
}
