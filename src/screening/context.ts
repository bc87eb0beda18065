// What the words around a match say about it: negation ("he is not a liar", "no one should
// hate them") and reported or condemned speech ("calling him a liar is unfair", "saying that
// Muslims are vermin is disgusting"). Both are grammar, not policy, so they live here and not
// in rules/.
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

// Words that may stand between a negation and the words it negates: "no one should hate",
// "we do not ever", "not all of them". A pronoun other than "I"/"we" may not ("not you,
// idiot" negates nothing).
const NEGATION_BRIDGE = new Set(['one', 'should', 'would', 'will', 'could', 'can', 'must', 'do', 'does', 'did', 'really', 'ever', 'truly', 'i', 'we', 'all', 'every', 'most'])
// A belief denied denies what follows, with or without "that": "I don't think (that) Black
// people are criminals". Not after "can't": "I can't believe Americans were stupid enough"
// asserts it.
const BELIEFS = new Set([
  'think', 'thinks', 'thought', 'believe', 'believes', 'believed', 'say', 'says', 'said', 'mean', 'means', 'feel', 'feels', 'suppose', 'supposes'
])
const DISBELIEF = new Set(['cant', 'cannot', 'couldnt', 'can', 'could'])
const NOBODY = new Set(['nobody', 'noone'])
/** How many words before a match a negation may stand. */
const NEGATION_WINDOW = 3

/** Whether token j is in `sentence` and one plain space from the word after it ("No, I" is not). */
const joinsNext = (tokens: Token[], j: number, sentence: number): boolean =>
  j >= 0 && tokens[j]!.sentence === sentence && tokens[j + 1]!.start - tokens[j]!.end === 1

/**
 * Whether the words before token `first` negate what starts there: "I don't hate them",
 * "no one should hate them", "not all of them are thieves". Only over plain spaces: after a
 * comma or a full stop ("No, I hate them") the negation answers something else. Profanity
 * is not negated by anything ("don't bitch about it" is still profane): callers ask only
 * for attacks.
 */
function isNegatedBefore (tokens: Token[], first: number): boolean {
  const sentence = tokens[first]!.sentence
  let belief = false
  for (let i = first - 1; i >= 0 && i >= first - NEGATION_WINDOW; i--) {
    const t = tokens[i]!
    if (!joinsNext(tokens, i, sentence)) return false
    // A bare "no" is an interjection or a determiner ("no bitch, you can't"); "no one" negates.
    if (t.norm === 'no') return tokens[i + 1]!.norm === 'one'
    if (isNegation(tokens, i) || NOBODY.has(t.norm)) {
      // "can't" is "can" + "t", "cannot" one word.
      return !belief || !DISBELIEF.has(t.norm === 't' ? tokens[i - 1]!.norm : t.norm)
    }
    if (BELIEFS.has(t.norm)) belief = true
    else if (!(NEGATION_BRIDGE.has(t.norm) || (t.norm === 'that' && BELIEFS.has(tokens[i - 1]?.norm ?? '')))) return false
  }
  return false
}

// Words that report or quote what someone else says or might say.
const REPORTING = new Set([
  'saying', 'say', 'says', 'said', 'calling', 'call', 'calls', 'called', 'claiming', 'claim', 'claims', 'claimed',
  'suggesting', 'suggested', 'implying', 'implied', 'wrote', 'writes', 'writing', 'tweeted', 'posted',
  'accusing', 'labelling', 'labeling', 'branding', 'insisting', 'pretending',
  'statement', 'statements', 'remarks', 'slogans', 'chants', 'tweets', 'posts'
])
// Words that condemn what was reported.
const CONDEMNING = new Set([
  'wrong', 'unfair', 'false', 'untrue', 'disgusting', 'racist', 'hateful', 'bigoted', 'offensive', 'nonsense',
  'absurd', 'ridiculous', 'shameful', 'unacceptable', 'outrageous', 'vile', 'lie', 'lies', 'slander', 'libel',
  'defamatory', 'xenophobic', 'antisemitic', 'islamophobic', 'homophobic', 'sexist', 'appalling', 'abhorrent',
  'bigot', 'bigots', 'bigotry', 'hate', 'hatred', 'racism', 'prejudice', 'transphobic'
])
/** How far before a match a reporting word, and after it a condemning word, may stand. */
const REPORT_WINDOW = 6
const CONDEMN_WINDOW = 8
/** How far before the reporting word a condemning word may stand: "it is wrong to say". */
const CONDEMN_BEFORE_WINDOW = 4
// Words that tell someone to stop saying it: "stop calling them animals".
const STOPPING = new Set(['stop', 'quit', 'stopped'])

/**
 * Whether tokens first..last are reported in order to be condemned: a reporting word shortly
 * before them, and a condemning word shortly before that ("it is wrong to say that …") or at
 * their end or after them, in the same sentence. "Calling him a liar is unfair" is
 * counter-speech; "I am calling him a liar" is not (nothing condemns it).
 */
function isCondemnedReport (tokens: Token[], first: number, last: number): boolean {
  const sentence = tokens[first]!.sentence
  let reported = -1
  for (let i = first - 1; i >= 0 && i >= first - REPORT_WINDOW && tokens[i]!.sentence === sentence; i--) {
    if (REPORTING.has(tokens[i]!.norm)) { reported = i; break }
  }
  if (reported < 0) return isCondemnedAfter(tokens, last)
  // "I would never say that …", "stop calling them …": the speaker disowns it. Not across a
  // comma: in "stop saying 'iconic', you're being moronic" the insult is the speaker's own.
  if ((isNegatedBefore(tokens, reported) || STOPPING.has(tokens[reported - 1]?.norm ?? '')) && !hasPause(tokens, reported + 1, first)) return true
  for (let i = reported - 1; i >= 0 && i >= reported - CONDEMN_BEFORE_WINDOW && tokens[i]!.sentence === sentence; i--) {
    if (CONDEMNING.has(tokens[i]!.norm)) return true
  }
  // From the match's own last word: in "saying that X are vermin is disgusting", the word
  // aimed at X is the condemnation.
  for (let i = last; i < tokens.length && i <= last + CONDEMN_WINDOW && tokens[i]!.sentence === sentence; i++) {
    if (CONDEMNING.has(tokens[i]!.norm)) return true
  }
  return false
}

function hasPause (tokens: Token[], from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (tokens[i]!.pause === true) return true
  return false
}

/** How far after a condemning word the reporting word of "… is a hateful thing to say" may stand. */
const THING_TO_SAY_WINDOW = 3

/**
 * A quotation judged after it: "'X are scum' is a hateful thing to say". A condemning word
 * after the match, then a reporting word soon after that, in the same sentence.
 */
function isCondemnedAfter (tokens: Token[], last: number): boolean {
  const sentence = tokens[last]!.sentence
  for (let i = last + 1; i < tokens.length && i <= last + CONDEMN_WINDOW && tokens[i]!.sentence === sentence; i++) {
    if (!CONDEMNING.has(tokens[i]!.norm)) continue
    for (let j = i + 1; j < tokens.length && j <= i + THING_TO_SAY_WINDOW && tokens[j]!.sentence === sentence; j++) {
      if (REPORTING.has(tokens[j]!.norm)) return true
    }
  }
  return false
}

/**
 * Whether the words around tokens first..last take an attack there back: it is reported in
 * order to be condemned, or (when `negatable`) a negation or a belief supposed by "if"
 * stands just before it.
 */
export function isTakenBack (tokens: Token[], first: number, last: number, negatable = true): boolean {
  return isCondemnedReport(tokens, first, last) || (negatable && (isNegatedBefore(tokens, first) || isBeliefSupposed(tokens, first)))
}

// Who may hold a belief that "if" supposes: "if you think …", "if anyone believes …".
const BELIEVERS = new Set(['you', 'u', 'anyone', 'anybody', 'someone', 'somebody', 'people', 'they', 'we', 'i'])

/**
 * A belief put as a condition, right before the words: "if you think (that) women are only
 * good for cooking, …" supposes the attack in order to answer it. Only across plain spaces,
 * and only with one of the believers above: "if you ask me, women are …" asserts it.
 */
function isBeliefSupposed (tokens: Token[], first: number): boolean {
  const sentence = tokens[first]!.sentence
  let i = first - 1
  if (joinsNext(tokens, i, sentence) && tokens[i]!.norm === 'that') i--
  if (!joinsNext(tokens, i, sentence) || !BELIEFS.has(tokens[i]!.norm)) return false
  if (!joinsNext(tokens, --i, sentence) || !BELIEVERS.has(tokens[i]!.norm)) return false
  return joinsNext(tokens, --i, sentence) && SUPPOSING.has(tokens[i]!.norm)
}

// Words that open a clause asking or supposing, not asserting: "the inquiry will ask whether
// she lied under oath", "if he is a crook, he should resign".
const SUPPOSING = new Set(['whether', 'if'])

/**
 * Whether the clause that names the target at token `target` only asks or supposes: a
 * supposing word just before the target (at most two words before it, in its sentence).
 * An allegation put as a question or a condition alleges nothing.
 */
export function isSupposed (tokens: Token[], target: number): boolean {
  const sentence = tokens[target]!.sentence
  for (let i = target - 1; i >= 0 && i >= target - 2 && tokens[i]!.sentence === sentence; i--) {
    if (SUPPOSING.has(tokens[i]!.norm)) return true
  }
  return false
}
