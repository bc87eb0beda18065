// The English gate. franc alone rejects one real English comment in four (short,
// informal text scores close to Scots, Frisian or Tagalog), so it is one voice among three:
//   1. Script: text written mostly in a non-Latin script is decided by its script.
//   2. English function words: cheap and decisive for prose ("the", "would", "you're").
//   3. n-gram models, consulted only when the word evidence is not decisive: eld's margin
//      between English and the best other language, moved by English and foreign
//      function words, decides the uncertain middle.
// franc's models alone let through too little short, list-like English; eld (a second,
// well-kept n-gram detector) reads it far better, so it decides the middle ground, and
// franc names the language of text that is rejected. The figures, per split, are in the
// README's eval table (`npm run eval`).
import { francAll } from 'franc'
import { eld } from 'eld/medium'
import { ENGLISH_WORDS } from './english-words.js'
import { FOREIGN_WORDS } from './foreign-words.js'
import { displayOrder, isAscii, LEET } from './fold.js'
import { DEFAULT_LANGUAGE_OPTIONS, type LanguageOptions } from './language-options.js'

export interface LanguageResult {
  /** ISO 639-3 code of the most likely language, "und" when undetermined. */
  code: string
  /** true: English; false: clearly not English; null: too little evidence to tell. */
  english: boolean | null
  /** 0..1, how sure the gate is of `english` (0 when undetermined). */
  confidence: number
}

export { DEFAULT_LANGUAGE_OPTIONS, type LanguageOptions }

// Languages franc may name for Latin-script text already judged not English. The full
// list (187) includes rare languages that would be named for text of a common one.
const OTHER_CANDIDATES = [
  'deu', 'nld', 'fra', 'spa', 'por', 'ita', 'ron', 'cat', 'glg', 'afr', 'dan', 'nob',
  'nno', 'swe', 'isl', 'fin', 'est', 'lvs', 'lit', 'pol', 'ces', 'slk', 'slv', 'hrv', 'bos', 'srp',
  'hun', 'tur', 'azj', 'uzn', 'ind', 'zlm', 'tgl', 'ceb', 'vie', 'swh', 'som', 'yor', 'ibo', 'hau',
  'zul', 'xho', 'sot', 'tsn', 'tso', 'sna', 'lug', 'kin', 'mlg', 'eus', 'cym', 'gle', 'epo', 'lat',
  'als', 'mri', 'nya', 'ilo', 'jav', 'sun', 'qug', 'ayr', 'quy', 'hat', 'fuf', 'wol', 'tuk', 'kng',
  'lin', 'bem', 'run', 'nso', 'ven', 'ssw', 'ckb', 'kmr'
]

// Runs of letters and digits: digits inside a word are leet ("bu11sh1t") and read as
// letters, and a run with no letter (a number) is dropped afterwards. Greedy runs with no
// alternatives, so matching is linear: "[a-z\d]*[a-z][a-z\d]*" backtracked from every
// start inside a long number (10,000 digits took 262 ms).
const WORD = /[\p{L}\d]+(?:['’]\p{L}+)*/gu
// The same words in ASCII text, without Unicode property lookups (most comments are ASCII).
const ASCII_WORD = /[a-z\d]+(?:'[a-z]+)*/g
const DIGIT = /\d/
const NUMBER = /^\d+$/

/** Three or more one-letter words in a row are one spelled-out word: "y o u a r e". */
function joinSpelledLetters (words: string[]): string[] {
  if (!words.some((w, i) => w.length === 1 && words[i + 1]?.length === 1 && words[i + 2]?.length === 1)) return words
  const out: string[] = []
  let run = 0
  for (const w of words) {
    if (w.length === 1 && run > 0) {
      out[out.length - 1] += w
      run++
      continue
    }
    if (run === 2) out.splice(-1, 1, ...out[out.length - 1]!)
    out.push(w)
    run = w.length === 1 ? 1 : 0
  }
  if (run === 2) out.splice(-1, 1, ...out[out.length - 1]!)
  return out
}

/** At most `n` words, a third each from the start, the middle and the end. */
function spread (words: string[], n: number): string[] {
  if (words.length <= n) return words
  const third = Math.floor(n / 3)
  const middle = Math.floor((words.length - third) / 2)
  return [...words.slice(0, third), ...words.slice(middle, middle + third), ...words.slice(words.length - (n - 2 * third))]
}

function deleet (word: string): string {
  if (!DIGIT.test(word)) return word
  let out = ''
  for (const c of word) out += LEET[c] ?? c
  return out
}
// The n-gram models read at most this many words: their verdict is settled well before,
// and their cost grows with the text (eld and franc take ~1 ms on a long comment).
const MODEL_WORDS = 80
const SHORT_TEXT_WORDS = 4
const MODEL_CHARS = 600
const LATIN = /\p{Script=Latin}/u
const LETTER = /\p{L}/u

const UNDETERMINED: LanguageResult = { code: 'und', english: null, confidence: 0 }

function round (n: number): number { return Math.round(n * 1000) / 1000 }

/** The start of a long text, enough for an n-gram model (never a lone surrogate at the cut). */
export function modelSample (text: string): string {
  if (text.length <= MODEL_CHARS) return text
  const end = /[\uD800-\uDBFF]/.test(text[MODEL_CHARS - 1]!) ? MODEL_CHARS - 1 : MODEL_CHARS
  return text.slice(0, end)
}

/** Letters of the text counted by script: Latin against everything else. */
function scriptShares (text: string, ascii: boolean): { latin: number, other: number } {
  let latin = 0
  let other = 0
  if (ascii) {
    // A digit inside a word stands for a letter ("bu11sh1t" has eight letters).
    let inWord = false
    let digits = 0
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      const c = code | 32
      if (c >= 97 && c <= 122) {
        latin += 1 + (inWord ? digits : 0)
        inWord = true
        digits = 0
      } else if (code >= 48 && code <= 57) {
        digits++
      } else {
        inWord = false
        digits = 0
      }
    }
    return { latin, other }
  }
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    if (cp < 128) {
      if ((cp | 32) >= 97 && (cp | 32) <= 122) latin++
      continue
    }
    if (LATIN.test(ch)) latin++
    else if (LETTER.test(ch)) other++
  }
  return { latin, other }
}

/** Characters read from each of the start, middle and end of a long comment. */
export const SAMPLE_PART = 1000

/**
 * What the gate reads of a long comment: its start, middle and end, so that the cost is
 * bounded and one English paragraph cannot carry a long comment in another language.
 */
export function languageSample (text: string): string {
  if (text.length <= 3 * SAMPLE_PART) return text
  const part = (from: number): string => {
    let a = from
    let b = from + SAMPLE_PART
    if (/[\uDC00-\uDFFF]/.test(text[a] ?? '')) a++
    if (/[\uD800-\uDBFF]/.test(text[b - 1] ?? '')) b--
    return text.slice(a, b)
  }
  const middle = Math.floor((text.length - SAMPLE_PART) / 2)
  return `${part(0)}\n${part(middle)}\n${part(text.length - SAMPLE_PART)}`
}

export function detectLanguage (shown: string, options: LanguageOptions = DEFAULT_LANGUAGE_OPTIONS): LanguageResult {
  // Judge the text a reader sees: reversed by an override, "toidi na era uoy" is English.
  const text = displayOrder(languageSample(shown))
  const ascii = isAscii(text)
  const { latin, other } = scriptShares(text, ascii)
  const letters = latin + other
  // Another script decides with fewer letters: two Cyrillic words are clearly not English.
  if (other > latin ? other < 6 : letters < options.minLetters) return UNDETERMINED
  if (other > latin) {
    // Decided by script; franc names the language (it knows the script's languages).
    const [best] = francAll(modelSample(text), { minLength: 1 })
    const code = best !== undefined && best[0] !== 'und' ? best[0] : 'und'
    return { code, english: false, confidence: round(other / letters) }
  }

  let words: string[] = text.toLowerCase().match(ascii ? ASCII_WORD : WORD) ?? []
  if (DIGIT.test(text)) words = words.filter((w) => !NUMBER.test(w)).map(deleet)
  words = joinSpelledLetters(words)
  const latinWords = other === 0 ? words : words.filter((w) => LATIN.test(w))
  if (latinWords.length < options.minWords) return UNDETERMINED
  let english = 0
  if (ascii) {
    for (const w of latinWords) if (ENGLISH_WORDS.has(w)) english++
  } else {
    for (const w of latinWords) if (ENGLISH_WORDS.has(w.replace('’', "'"))) english++
  }
  const share = english / latinWords.length

  // Prose: a quarter or more of the words are English function words. A quoted foreign
  // phrase inside an English comment does not move this much.
  if (share >= 0.25 && english >= 2) return { code: 'eng', english: true, confidence: round(Math.min(1, 0.75 + share)) }

  let foreign = 0
  for (const w of latinWords) if (FOREIGN_WORDS.has(w)) foreign++
  const foreignShare = foreign / latinWords.length
  const joined = spread(latinWords, MODEL_WORDS).join(' ')
  const scores = eld.detect(joined).getScores()
  const en = scores.en ?? 0
  let runnerUp = 0
  for (const [code, score] of Object.entries(scores)) if (code !== 'en' && score > runnerUp) runnerUp = score
  // eld's margin between English and the best other language, moved by the word evidence.
  // The weights were fitted on ../shared/corpus (scripts/eval.ts prints the outcome).
  const evidence = en - runnerUp + share - 1.5 * foreignShare
  if (evidence >= 0) return { code: 'eng', english: true, confidence: round(Math.min(1, 0.5 + evidence)) }
  // Three words or fewer are too few for the n-gram models alone: "I hate muslims" scores as
  // Venda. Such a text is rejected only when a foreign function word backs the models.
  const tooShortAlone = latinWords.length < SHORT_TEXT_WORDS && foreign === 0
  if (evidence < -0.08 && !tooShortAlone) return { code: nameLanguage(joined), english: false, confidence: round(Math.min(1, 0.5 - evidence)) }
  // Weak evidence either way (a name, a list of nouns): undetermined, never rejected.
  return UNDETERMINED
}

/** The ISO 639-3 code of a text already judged not English, for the record. */
function nameLanguage (text: string): string {
  const [best] = francAll(text, { only: OTHER_CANDIDATES, minLength: 1 })
  return best?.[0] ?? 'und'
}
