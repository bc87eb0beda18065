// Who a word is aimed at. Broad words ("corrupt", "liar", "criminal") are fair comment
// about institutions and ideas; they become an insult, libel or an identity attack only
// when aimed at someone: "you", a person (a name, a pronoun, "the minister"), or a group.
import { ENGLISH_WORDS } from './english-words.js'
import type { Token } from './tokenize.js'
import { isNegation } from './context.js'
import type { TargetKind } from './types.js'

export interface TargetConfig {
  /** How many words may stand between a target before the word and the word. */
  before: number
  /** How many words may stand between the word and a target after it ("liar, you"). */
  after: number
  you: Set<string>
  person: Set<string>
  group: Set<string>
  /** A word of groupAdjectives before a word of groupNouns names a group: "trans people". */
  groupAdjectives: Set<string>
  groupNouns: Set<string>
  /** Words that end the clause: a target on the other side is not the one aimed at. */
  breakers: Set<string>
  /** Count capitalised words that look like names as persons. */
  names: boolean
}

export interface Target { kind: TargetKind, index: number }

function tokenIn (t: Token, set: Set<string>): boolean {
  if (set.has(t.norm)) return true
  for (const v of t.variants) if (set.has(v)) return true
  return false
}

/**
 * The kind of target each token is, if any. `people` holds the lower-case words of names
 * the site sent in context.people; `isListed` tells words that a list already matched,
 * which are never names ("Idiot!" at the start of a sentence is not a person).
 */
export function classifyTargets (tokens: Token[], people: Set<string>, config: TargetConfig, isListed: (i: number) => boolean): Array<TargetKind | undefined> {
  let groupSentence = -2
  return tokens.map((t, i) => {
    if (tokenIn(t, config.you)) return 'you'
    if (tokenIn(t, config.group) || isGroupPhrase(tokens, i, config)) {
      groupSentence = t.sentence
      return 'group'
    }
    // "Muslims moved in. They are vermin.": they/them right after a group is named is that group.
    // Not an object pronoun before a verb: in "the attacks on them are awful" the attacks are.
    if (GROUP_PRONOUNS.has(t.norm) && t.sentence - groupSentence <= 1 && !(OBJECT_PRONOUNS.has(t.norm) && COPULAS.has(tokens[i + 1]?.norm ?? ''))) return 'group'
    if (tokenIn(t, config.person) || people.has(t.norm)) return 'person'
    if (config.names && looksLikeName(tokens, i) && !isListed(i)) return 'person'
    return undefined
  })
}

/**
 * Whether token i is either word of "<group adjective> <people noun>" ("trans people", "the
 * gay community"): both words are the group, so that a pattern reaches it from either side
 * ("I hate trans people", "trans people are vermin"). The adjective alone is not a group:
 * "black coffee", "a native speaker".
 */
function isGroupPhrase (tokens: Token[], i: number, config: TargetConfig): boolean {
  const t = tokens[i]!
  const next = tokens[i + 1]
  if (next !== undefined && next.sentence === t.sentence && tokenIn(t, config.groupAdjectives) && tokenIn(next, config.groupNouns)) return true
  const prev = tokens[i - 1]
  return prev !== undefined && prev.sentence === t.sentence && tokenIn(t, config.groupNouns) && tokenIn(prev, config.groupAdjectives)
}

const GROUP_PRONOUNS = new Set(['they', 'them', 'theyre', 'themselves'])
const OBJECT_PRONOUNS = new Set(['them', 'themselves'])
const COPULAS = new Set(['are', 'is', 'were', 'was', 'r'])

// Months and days are capitalised and are no one: "April Fools", "Black Friday".
const CALENDAR = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'
])

// A singular subject: "Smith is a liar" says something of one named someone, unless the
// subject is an abstract noun ("Capitalism is corrupt", "Taxation is theft").
// Likewise the subject of a modal: "Hillary should be locked up". Not of other verbs:
// "Smith stole the money" could open with any capitalised word, and a site that means
// Smith sends the name in context.people.
const SINGULAR_SUBJECT_VERBS = new Set(['is', 'was', 'isn', 'wasn', 'should', 'must', 'deserves', 'needs', 'ought', 'will', 'would', 'can', 'could'])
const ABSTRACT_NOUN = /(?:ism|ity|tion|sion|ness|ment|ship|ics)$/

/**
 * A capitalised word that is not a common English word, and is not merely the first word
 * of a sentence unless a second capitalised word follows ("Boris Johnson lied") or it is
 * the subject of "is", "was" or a modal ("Smith is a liar", "Smith should resign"): a
 * capitalised first word alone could be any word.
 */
function looksLikeName (tokens: Token[], i: number): boolean {
  const t = tokens[i]!
  if (!t.capitalized || t.acronym === true || t.norm.length < 2 || ENGLISH_WORDS.has(t.norm) || CALENDAR.has(t.norm) || t.norm === 'i') return false
  const prev = tokens[i - 1]
  const next = tokens[i + 1]
  const sentenceStart = prev === undefined || prev.sentence !== t.sentence
  if (!sentenceStart) return true
  if (next === undefined || next.sentence !== t.sentence) return false
  if (SINGULAR_SUBJECT_VERBS.has(next.norm)) return !ABSTRACT_NOUN.test(t.norm)
  // "Perhaps I …", "Today I …": the pronoun is capitalised, the first word is no first name.
  return next.capitalized && next.norm !== 'i' && !ENGLISH_WORDS.has(next.norm)
}

// Words that join allegations into one: "X is a liar and a war criminal".
const COORDINATORS = new Set(['and', 'or', 'nor'])
/** Listed words and coordinators a look back may pass over: a long list of allegations. */
const MAX_SKIPPED = 12

/**
 * The nearest target of a match spanning tokens first..last, within the same clause.
 * Looking back, listed words and the words that join them do not use up the window, so
 * coordinated allegations share their target ("Boris Johnson is a liar, a thief and a
 * war criminal": all three are aimed at him).
 */
export function findTarget (
  tokens: Token[], kinds: Array<TargetKind | undefined>, first: number, last: number, config: TargetConfig, isListed: (i: number) => boolean
): Target | undefined {
  const sentence = tokens[first]!.sentence
  if (isSaidOfWriter(tokens, first)) return undefined
  // Skipped words are bounded too, so a sentence of ten thousand listed words costs each
  // match a few steps, not ten thousand.
  for (let i = first - 1, seen = 0, skipped = 0; i >= 0 && seen <= config.before && skipped <= MAX_SKIPPED; i--) {
    const t = tokens[i]!
    if (t.sentence !== sentence) break
    const kind = kinds[i]
    if (kind !== undefined) return { kind, index: i }
    // "He is not a liar": a negation between them and the word aims it at no one.
    if (config.breakers.has(t.norm) || isNegation(tokens, i)) break
    if (!isListed(i) && !COORDINATORS.has(t.norm)) seen++
    else skipped++
  }
  for (let i = last + 1, seen = 0; i < tokens.length && seen <= config.after; i++, seen++) {
    const t = tokens[i]!
    if (t.sentence !== sentence || config.breakers.has(t.norm)) break
    const kind = kinds[i]
    if (kind !== undefined) return { kind, index: i }
  }
  return undefined
}

// The writer speaking of themself: "he thinks I'm a fraud", "how dare you call me a liar",
// "calling me ignorant". The word is said of the writer, whoever else the sentence names,
// and a writer cannot insult or libel themself.
const FIRST_PERSON = new Set(['i', 'me', 'myself', 'im'])
// What may stand between "I"/"me" and the word. Not "of": "he reminds me of a dictator"
// compares him to one.
const SELF_LINKS = new Set(['a', 'an', 'such', 'so', 'just', 'really', 'very', 'total', 'complete', 'utter', 'absolute', 'real', 'pure', 'am', 'm', 'was', 'be', 'been', 'being'])

function isSaidOfWriter (tokens: Token[], first: number): boolean {
  const sentence = tokens[first]!.sentence
  let i = first - 1
  for (let links = 0; i >= 0 && links < MAX_FILLERS && tokens[i]!.sentence === sentence && SELF_LINKS.has(tokens[i]!.norm); links++) i--
  return i >= 0 && tokens[i]!.sentence === sentence && FIRST_PERSON.has(tokens[i]!.norm)
}

/**
 * The tokens a target spans: a name is often several tokens ("Mr Smith", "Boris Johnson"),
 * and a group may be named by two ("Black people"). Evidence should show all of it, and a
 * negation before its first word takes back what is said of it. "You" is one token.
 */
export function targetExtent (tokens: Token[], kinds: Array<TargetKind | undefined>, target: Target): { first: number, last: number } {
  let first = target.index
  let last = target.index
  if (target.kind === 'you') return { first, last }
  // A name of several words ("Boris Johnson"), or a group named by two ("Black people");
  // "they" stands alone ("they aren't arab they are …" names the group twice).
  const sentence = tokens[target.index]!.sentence
  const isName = (i: number): boolean => kinds[i] === target.kind && tokens[i]!.sentence === sentence && !GROUP_PRONOUNS.has(tokens[i]!.norm)
  if (!isName(target.index)) return { first, last }
  while (first > 0 && isName(first - 1)) first--
  while (last + 1 < tokens.length && isName(last + 1)) last++
  return { first, last }
}

// "<target> is/are <fillers> <phrase>": what may stand between a target's verb and the phrase.
const ATTRIBUTING_VERBS = new Set(['is', 'are', 'r', 're', 's', 'was', 'were', 'am', 'm', 'be', 'been', 'being', 'become', 'becomes', 'sound', 'sounds', 'seem', 'seems', 'look', 'looks'])
const FILLERS = new Set(['a', 'an', 'one', 'such', 'so', 'the', 'pure', 'total', 'complete', 'utter', 'just', 'really', 'very', 'absolute', 'real', 'truly', 'nothing', 'but', 'all', 'like', 'bunch', 'of', 'lot', 'pack', 'most', 'biggest', 'still', 'always', 'too'])
const MAX_FILLERS = 4

/**
 * Whether the phrase starting at token `first` is said of a target: "you are a lazy troll",
 * "Smith is pure trash", "they were such vile people", "you idiots". Narrower than
 * findTarget on purpose: a phrase the model is less sure of needs the grammar to say who it
 * is about, so "the refugees live in filthy conditions" (a target, then a phrase about
 * something else) and "he is not a troll" (a negation, no filler) are not.
 */
export function isSaidOf (tokens: Token[], kinds: Array<TargetKind | undefined>, first: number): boolean {
  return saidOf(tokens, kinds, first) !== undefined
}

/** The target the phrase starting at token `first` is said of (see isSaidOf), if any. */
export function saidOf (tokens: Token[], kinds: Array<TargetKind | undefined>, first: number): Target | undefined {
  const sentence = tokens[first]!.sentence
  let i = first - 1
  const isFiller = (j: number): boolean => FILLERS.has(tokens[j]!.norm) && tokens[j]!.sentence === sentence && tokens[j + 1]!.pause !== true
  for (let fillers = 0; i >= 0 && fillers < MAX_FILLERS && isFiller(i); fillers++) i--
  const at = tokens[i]
  if (at === undefined || at.sentence !== sentence || tokens[i + 1]!.pause === true) return undefined
  if (kinds[i] === 'you' && i === first - 1) return { kind: 'you', index: i }
  if (!ATTRIBUTING_VERBS.has(at.norm)) return undefined
  // "you're": the contraction is its own token after the target.
  const subject = tokens[i - 1]
  const kind = kinds[i - 1]
  return subject !== undefined && subject.sentence === sentence && at.pause !== true && kind !== undefined ? { kind, index: i - 1 } : undefined
}

// "these losers", "that joker", "another twit", "what a clown": words that point at whoever
// the phrase names.
const POINTERS = new Set(['these', 'those', 'this', 'that', 'another'])
const EXCLAIMING = new Set(['what', 'such'])
/** Words that may stand between a pointing word and the phrase: "those two pathetic losers". */
const MAX_POINTED_GAP = 2
/** The longest phrase that can be called out after a comma at a sentence's end: ", trash man." */
const MAX_CALLED_OUT = 2

/**
 * Whether the phrase (tokens first..last) names someone by itself, so that the model's
 * aimed threshold applies to it as to a phrase said of a target:
 * - after a pointing word: "these lazy losers", "what a clown", "such an idiot";
 * - called out after a comma at the end of a sentence: "Too bad, trash man." (unless
 *   `calledOut` is false: word lists hold adjectives too, as in "it was, of course,
 *   useless").
 * Never one said of the writer ("I was such a fool"). A phrase alone in its sentence is not
 * enough: "Crap." and "Silly!" are exclamations.
 */
export function isAddressed (tokens: Token[], first: number, last: number, calledOut = true): boolean {
  const sentence = tokens[first]!.sentence
  const same = (i: number): boolean => i >= 0 && i < tokens.length && tokens[i]!.sentence === sentence
  // "I was such a fool": pointed at the writer.
  if (isSaidOfWriter(tokens, first)) return false
  if (same(first - 1) && tokens[first]!.pause === true) return calledOut && !same(last + 1) && last - first < MAX_CALLED_OUT
  for (let i = first - 1, gap = 0; gap <= MAX_POINTED_GAP && same(i) && tokens[i + 1]!.pause !== true; i--, gap++) {
    const word = tokens[i]!.norm
    // "This is crazy": a verb between them makes the pointer a pronoun, pointing at no one.
    if (ATTRIBUTING_VERBS.has(word)) return false
    if (POINTERS.has(word)) return true
    if ((word === 'a' || word === 'an') && same(i - 1) && tokens[i]!.pause !== true && EXCLAIMING.has(tokens[i - 1]!.norm)) return true
  }
  return false
}
