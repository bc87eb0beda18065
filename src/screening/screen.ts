// screen(): text + context + compiled rules in, a verdict with evidence out. Pure: no I/O,
// no clock, no randomness, so the same input and rules always give the same answer, in the
// service, in `npm run rules -- screen`, and in backtests.
//
// The phases run in order over one shared tokenisation:
//   language → respelling (spelled-out letters, words run together) → word lists
//   (standalone and aimed) → token and regex patterns → spam.
// Long texts go through the phases after language in windows (see windows.ts).
import { detectLanguage } from './language.js'
import { tokenize, type Token } from './tokenize.js'
import { respell } from './respell.js'
import { classifyTargets, findTarget, isAddressed, isSaidOf, saidOf, targetExtent, type Target } from './targets.js'
import { isSupposed, isTakenBack } from './context.js'
import { findSpam } from './spam.js'
import { mergeFlags, scoreFlags } from './flags.js'
import { decide, notAllowed } from './policy.js'
import { windowsOf, type Window } from './windows.js'
import { runSteps, type Steps } from './steps.js'
import { normalizeEntry } from './lexicon.js'
import type { Ruleset, ScreeningModel } from './ruleset.js'
import { modelSpans, scoreTokens } from './model.js'
import type { Flag, ScreenInput, ScreenResult, TargetKind } from './types.js'

/** Most flags a comment gets for one rule and category (see screenWindow). */
export const MAX_FLAGS_PER_RULE = 100

/** A match before merging; its text is cut from the comment once flags are merged. */
type RawFlag = Omit<Flag, 'text'>

interface Context {
  text: string
  tokens: Token[]
  kinds: Array<TargetKind | undefined>
  /** Whether a list matched the token at this index. */
  isListed: (i: number) => boolean
  /** Whether the token's sentence has any target in it: most sentences have none. */
  sentenceHasTarget: (i: number) => boolean
  rules: Ruleset
}

function peopleWords (people: string[] | undefined): Set<string> {
  const words = new Set<string>()
  // Short name parts ("de", "van", "al") would make every such word a person.
  for (const name of people ?? []) for (const w of normalizeEntry(name)) if (w.length >= 3) words.add(w)
  return words
}

const hasWhen = (list: { when: object }): boolean => { for (const _ in list.when) return true; return false }

// What follows a verb, not a name someone is called: "you hack at the ball", "you fool
// everyone", "you troll the forums".
const AFTER_A_VERB = new Set(['at', 'into', 'the', 'a', 'an', 'my', 'your', 'his', 'her', 'their', 'our', 'its', 'it', 'them', 'me', 'us', 'him', 'around', 'away', 'off', 'up', 'down', 'on', 'over', 'out', 'through', 'everyone', 'everybody', 'people'])

/** "You hack at": a one-word hit right after "you" and before a verb's object is a verb. */
function isVerbAfterYou (tokens: Token[], target: Target, first: number, last: number): boolean {
  const next = tokens[last + 1]
  return target.kind === 'you' && target.index === first - 1 && first === last && next !== undefined &&
    next.sentence === tokens[first]!.sentence && next.pause !== true && AFTER_A_VERB.has(next.norm)
}

/**
 * Where a take-back is looked for, for words starting at `first` said of `target`: from the
 * target's first word ("Black" in "Black people are …"), unless "you" right before the words
 * calls someone them ("never you fucking bitch"), where a negation before "you" denies
 * nothing.
 */
function attackStart (ctx: Context, target: Target, first: number): number {
  if (target.kind === 'you' && target.index === first - 1) return first
  return Math.min(first, targetExtent(ctx.tokens, ctx.kinds, target).first)
}

function listPhase (ctx: Context, hits: ReturnType<Ruleset['lexicon']['match']>, flags: RawFlag[]): void {
  for (const hit of hits) {
    const { list, severity } = hit.entry
    const aimed = list.mode === 'aimed'
    const needsTarget = aimed || hasWhen(list)
    // Joined tokens ("f u c k") sit outside the token array and are never aimed.
    const target = needsTarget && hit.first >= 0 && ctx.sentenceHasTarget(hit.first)
      ? findTarget(ctx.tokens, ctx.kinds, hit.first, hit.last, ctx.rules.targets, ctx.isListed)
      : undefined
    // "What a knucklehead", "these hypocrites", "another twit": pointed at someone no word
    // names, as the model's phrases can be. An insult: libel needs someone identifiable.
    const addressed = aimed && target === undefined && hit.first >= 0 && isAddressed(ctx.tokens, hit.first, hit.last, false)
    if (aimed && target === undefined && !addressed) continue
    if (target !== undefined && isVerbAfterYou(ctx.tokens, target, hit.first, hit.last)) continue
    const category = target !== undefined ? (list.when[target.kind] ?? list.category) : addressed ? 'insult' : list.category
    // "Calling him a liar is unfair" condemns the allegation; it makes none. "Not all refugees
    // are criminals" denies it. An attack on someone is taken back from its target on, one
    // pointed at someone from its first word; a threat needs no target to be one, and is
    // taken back the same way ("please don't kill yourself" begs). Other words with no
    // target (slurs, "idiot") never are, nor is profanity, aimed or not.
    const from = target !== undefined ? attackStart(ctx, target, hit.first) : (addressed || category === 'threat') && hit.first >= 0 ? hit.first : -1
    if (from >= 0 && category !== 'profanity' && isTakenBack(ctx.tokens, from, hit.last)) continue
    if (category === 'libel' && target !== undefined && isSupposed(ctx.tokens, target.index)) continue
    // Aimed evidence shows who and what: "Boris Johnson is a war criminal", not just "war
    // criminal" (nor "Johnson is a war criminal").
    let { start, end } = hit
    if (target !== undefined && aimed) {
      const who = targetExtent(ctx.tokens, ctx.kinds, target)
      start = Math.min(start, ctx.tokens[who.first]!.start)
      end = Math.max(end, ctx.tokens[who.last]!.end)
    }
    flags.push({ category, rule: `list:${list.id}`, severity, start, end })
  }
}

// Categories whose patterns describe an attack that counter-speech can quote to condemn it.
const COUNTER_SPEECH_CATEGORIES = new Set(['insult', 'libel', 'identity-attack', 'threat', 'religion'])

function patternPhase (ctx: Context, flags: RawFlag[]): void {
  for (const m of ctx.rules.tokenPatterns.matchAll(ctx.tokens, ctx.kinds)) {
    const p = m.pattern
    if (COUNTER_SPEECH_CATEGORIES.has(p.category) && isTakenBack(ctx.tokens, m.first, m.last)) continue
    // "The jury will decide whether Smith should be jailed" asks; it alleges nothing, as
    // for libel from the lists.
    if (p.category === 'libel' && isSupposed(ctx.tokens, m.first)) continue
    flags.push({ category: p.category, rule: `pattern:${p.id}`, severity: p.severity, start: ctx.tokens[m.first]!.start, end: ctx.tokens[m.last]!.end })
  }
}

/**
 * The learned scorer's evidence: phrases it scores as toxic in context, as flags of its
 * class. Severity medium: the model routes and highlights; the policy never rejects on it.
 * Quoting an attack to condemn it is not one, as for patterns. Where a list or pattern
 * already flagged the words, the model adds nothing: ops' rules say best what their words
 * are ("bullshit" is profanity by the list, whatever the raters' type in the corpus).
 */
function modelPhase (ctx: Context, setup: ScreeningModel, flags: RawFlag[]): void {
  const scores = scoreTokens(setup.model, ctx.tokens)
  const ruled = flags.map((f) => [f.start, f.end] as const).sort((a, b) => a[0] - b[0])
  let r = 0
  let reach = -1
  // Said of a target by the grammar or pointed at someone ("these trolls"), and not in a
  // report that condemns the attack.
  const isAimed = (first: number, last: number): boolean =>
    ((ctx.sentenceHasTarget(first) && isSaidOf(ctx.tokens, ctx.kinds, first)) || isAddressed(ctx.tokens, first, last)) &&
    !isTakenBack(ctx.tokens, first, last)
  // A comment the lists or patterns flagged is hostile already: the model adds the phrases
  // around that evidence without flagging one more ordinary comment.
  const flagged = flags.length > 0
  for (const s of modelSpans(ctx.tokens, scores, setup.thresholds, { isAimed, flagged })) {
    // Spans come in text order: sweep the rules' flags that start before this span ends.
    while (r < ruled.length && ruled[r]![0] < s.end) reach = Math.max(reach, ruled[r++]![1])
    if (reach > s.start) continue
    // Profanity is profane whatever negates it ("don't bitch about it"). What is said of
    // someone is taken back from them on, as for the lists: "I don't think women are stupid".
    const negatable = s.kind !== 'profanity'
    if (isTakenBack(ctx.tokens, s.first, s.last, negatable)) continue
    const subject = negatable ? saidOf(ctx.tokens, ctx.kinds, s.first) : undefined
    if (subject !== undefined && isTakenBack(ctx.tokens, attackStart(ctx, subject, s.first), s.last)) continue
    flags.push({ category: s.kind, rule: `model:${s.kind}`, severity: 'medium', start: s.start, end: s.end })
  }
}

/**
 * The normalised words of the whole comment joined by single spaces, where each starts in
 * that string, and its span in the comment. Built window by window: each window adds the
 * words that start in the part it owns.
 */
interface Words { parts: string[], length: number, offsets: number[], starts: number[], ends: number[] }

function addWords (words: Words, tokens: Token[], w: Window): void {
  for (const t of tokens) {
    const start = t.start + w.from
    if (start < w.ownFrom || start >= w.ownTo) continue
    if (words.parts.length > 0) words.length += 1
    words.offsets.push(words.length)
    words.starts.push(start)
    words.ends.push(t.end + w.from)
    words.parts.push(t.norm)
    words.length += t.norm.length
  }
}

/**
 * Regular expressions run once over the whole comment (RE2: linear time, little memory),
 * so that "^" and "$" mean its start and end, not a window's.
 */
function regexPhase (rules: Ruleset, text: string, words: Words, flags: RawFlag[]): void {
  let joined: string | undefined
  for (const p of rules.regexPatterns) {
    const base = { category: p.category, rule: `pattern:${p.id}`, severity: p.severity }
    if (p.on === 'text') {
      const m = p.regex.matcher(text)
      while (m.find()) if (m.end() > m.start()) flags.push({ ...base, start: m.start(), end: m.end() })
      continue
    }
    joined ??= words.parts.join(' ')
    const m = p.regex.matcher(joined)
    while (m.find()) {
      if (m.end() <= m.start()) continue
      const first = tokenAt(words.offsets, m.start())
      const last = tokenAt(words.offsets, m.end() - 1)
      flags.push({ ...base, start: words.starts[first]!, end: words.ends[last]! })
    }
  }
}

function tokenAt (offsets: number[], pos: number): number {
  let lo = 0
  let hi = offsets.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (offsets[mid]! <= pos) lo = mid
    else hi = mid - 1
  }
  return lo
}

export function screen (input: ScreenInput, rules: Ruleset): ScreenResult {
  return runSteps(screenSteps(input, rules))
}

/**
 * screen() as steps of a few ms each: the language gate, then each window's phases (see
 * windows.ts and steps.ts). Without a worker thread, the service runs a long comment a
 * step at a time, and other requests are answered between steps.
 */
export function * screenSteps (input: ScreenInput, rules: Ruleset): Steps<ScreenResult> {
  const { text } = input
  const language = detectLanguage(text, rules.language)
  yield
  const raw: RawFlag[] = []
  if (notAllowed(language, rules.policy)) {
    const rule = rules.policy.language.allowed === undefined ? 'language:not-english' : 'language:not-allowed'
    raw.push({ category: 'language', rule, severity: 'high', start: 0, end: text.length })
  }
  const people = peopleWords(input.context?.people)
  const words: Words = { parts: [], length: 0, offsets: [], starts: [], ends: [] }
  const kept = new Map<string, number>()
  for (const w of windowsOf(text)) {
    yield * screenWindow(text, w, people, rules, raw, words, kept)
  }
  regexPhase(rules, text, words, raw)
  yield
  const flags = mergeFlags(raw, text)
  const screening = { language, flags, score: scoreFlags(flags), rulesVersion: rules.version, modelVersion: rules.model?.model.version ?? null }
  return { screening, verdict: decide(flags, language, rules.policy) }
}

/** For each token, whether any token of its sentence is a target: one pass over the tokens. */
function sentencesWithTargets (tokens: Token[], kinds: Array<TargetKind | undefined>): (i: number) => boolean {
  const withTarget = new Set<number>()
  tokens.forEach((t, i) => { if (kinds[i] !== undefined) withTarget.add(t.sentence) })
  return (i) => withTarget.has(tokens[i]!.sentence)
}

/**
 * The flags of one window that overlap the part it owns, in offsets of the whole text,
 * while the comment has fewer than MAX_FLAGS_PER_RULE of their rule and category.
 */
function * screenWindow (whole: string, w: Window, people: Set<string>, rules: Ruleset, out: RawFlag[], words: Words, kept: Map<string, number>): Steps<void> {
  const text = w.from === 0 && w.to === whole.length ? whole : whole.slice(w.from, w.to)
  const spelled = tokenize(text)
  yield
  const { tokens, joined } = respell(text, spelled.tokens, spelled.joined, rules.segmenter, rules.targets)
  yield
  const hits = rules.lexicon.match(tokens, joined)
  const listed = new Uint8Array(tokens.length)
  for (const h of hits) for (let i = h.first; i >= 0 && i <= h.last; i++) listed[i] = 1
  const isListed = (i: number): boolean => listed[i] === 1
  const kinds = classifyTargets(tokens, people, rules.targets, isListed)
  const ctx: Context = { text, tokens, kinds, isListed, sentenceHasTarget: sentencesWithTargets(tokens, kinds), rules }
  if (rules.regexPatterns.length > 0) addWords(words, tokens, w)

  yield
  const raw: RawFlag[] = []
  listPhase(ctx, hits, raw)
  patternPhase(ctx, raw)
  yield
  if (rules.model !== undefined) modelPhase(ctx, rules.model, raw)
  yield
  for (const s of findSpam(text, tokens, rules.spam)) raw.push({ category: 'spam', rule: s.rule, severity: 'low', start: s.start, end: s.end })
  for (const f of raw) {
    f.start += w.from
    f.end += w.from
    if (f.end <= w.ownFrom || f.start >= w.ownTo) continue
    // Evidence, not an inventory: past MAX_FLAGS_PER_RULE of one rule and category, more
    // flags add nothing a moderator reads, and cost time and storage that would grow with
    // the text. Counted per rule and category, so no flood of one kind can crowd out a
    // flag of another (a threat behind a thousand swear words is still flagged).
    const key = `${f.rule}|${f.category}`
    const n = kept.get(key) ?? 0
    if (n >= MAX_FLAGS_PER_RULE) continue
    kept.set(key, n + 1)
    out.push(f)
  }
}
