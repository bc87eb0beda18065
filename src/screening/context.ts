// What the words around a match say about it: negation ("he is not a liar") and reported
// or condemned speech ("calling him a liar is unfair", "saying that Muslims are vermin is
// disgusting"). Both are grammar, not policy, so they live here and not in rules/.
import type { Token } from './tokenize.js'

const NEGATORS = new Set([
  'not', 'never', 'no', 'nor', 'neither', 'cannot', 'isnt', 'arent', 'wasnt', 'werent', 'dont', 'doesnt',
  'didnt', 'wont', 'cant', 'shouldnt', 'wouldnt', 'couldnt', 'aint'
])

/** Whether token i negates: "not", "never", or the "t" of "aren't" / "don't". */
export function isNegation (tokens: Token[], i: number): boolean {
  const t = tokens[i]!
  if (NEGATORS.has(t.norm)) return true
  const prev = tokens[i - 1]
  // "aren't" is tokenised "aren" + "t": the apostrophe separates them.
  return t.norm === 't' && prev !== undefined && prev.norm.endsWith('n') && t.start - prev.end === 1
}

// Words that report or quote what someone else says or might say.
const REPORTING = new Set([
  'saying', 'say', 'says', 'calling', 'call', 'calls', 'claiming', 'claim', 'claims', 'suggesting', 'implying',
  'accusing', 'labelling', 'labeling', 'branding', 'insisting', 'pretending'
])
// Words that condemn what was reported.
const CONDEMNING = new Set([
  'wrong', 'unfair', 'false', 'untrue', 'disgusting', 'racist', 'hateful', 'bigoted', 'offensive', 'nonsense',
  'absurd', 'ridiculous', 'shameful', 'unacceptable', 'outrageous', 'vile', 'lie', 'lies', 'slander', 'libel',
  'defamatory', 'xenophobic', 'antisemitic', 'islamophobic', 'homophobic', 'sexist', 'appalling', 'abhorrent'
])
/** How far before a match a reporting word, and after it a condemning word, may stand. */
const REPORT_WINDOW = 6
const CONDEMN_WINDOW = 8

/**
 * Whether tokens first..last are reported in order to be condemned: a reporting word shortly
 * before them and a condemning word at their end or after them, in the same sentence. "Calling him a liar is
 * unfair" is counter-speech; "I am calling him a liar" is not (nothing condemns it).
 */
export function isCondemnedReport (tokens: Token[], first: number, last: number): boolean {
  const sentence = tokens[first]!.sentence
  let reported = false
  for (let i = first - 1; i >= 0 && i >= first - REPORT_WINDOW && tokens[i]!.sentence === sentence; i--) {
    if (REPORTING.has(tokens[i]!.norm)) { reported = true; break }
  }
  if (!reported) return false
  // From the match's own last word: in "saying that X are vermin is disgusting", the word
  // aimed at X is the condemnation.
  for (let i = last; i < tokens.length && i <= last + CONDEMN_WINDOW && tokens[i]!.sentence === sentence; i++) {
    if (CONDEMNING.has(tokens[i]!.norm)) return true
  }
  return false
}
