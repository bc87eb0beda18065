// A rule set compiled for screening: word lists in a Lexicon, token patterns, linear-time
// regular expressions, target words, spam thresholds and the policy. Compiling is pure and
// all-or-nothing: a bad rule throws a RuleError naming where it came from, and the caller
// keeps whatever rule set it had.
import type { ModelThresholds, TokenModel } from './model.js'
import { RE2JS } from 're2js'
import { Lexicon, normalizeWord, type ListDefinition } from './lexicon.js'
import { compileTokenPattern, PatternError, PatternIndex, patternWords, type TokenPattern } from './token-pattern.js'
import { Segmenter } from './segment.js'
import { runSteps, type Steps } from './steps.js'
import { ENGLISH_WORDS } from './english-words.js'
import type { TargetConfig } from './targets.js'
import type { SpamConfig } from './spam.js'
import type { Policy } from './policy.js'
import { DEFAULT_LANGUAGE_OPTIONS, type LanguageOptions } from './language-options.js'
import type { Category, Severity } from './types.js'

export interface PatternSource {
  id: string
  category: Category
  severity: Severity
  /** A token pattern (see token-pattern.ts). */
  match?: string
  /** A regular expression, run by RE2 (linear time); slower than a token pattern. */
  regex?: string
  /** What a regex runs on: the normalised words joined by spaces, or the original text. */
  on?: 'words' | 'text'
  origin?: string
}

export interface RuleSource {
  version: string
  lists: ListDefinition[]
  allowlist: string[]
  targets: {
    before: number
    after: number
    names: boolean
    you: string[]
    person: string[]
    group: string[]
    /** With groupNouns: "trans people", "jewish women" are groups, both words (optional in lists.yaml). */
    groupAdjectives?: string[]
    groupNouns?: string[]
    /** Misspellings of the group words that are not words ("mulsims"): groups too, never split out of a run of letters. */
    groupMisspellings?: string[]
    breakers: string[]
  }
  patterns: PatternSource[]
  spam: SpamConfig
  policy: Policy
  language?: Partial<LanguageOptions>
  /** The learned scorer and its thresholds, when the policy uses one. */
  model?: ScreeningModel
}

export interface ScreeningModel { model: TokenModel, thresholds: ModelThresholds }

export interface TokenRule { id: string, category: Category, severity: Severity, kind: 'tokens', pattern: TokenPattern }
export interface RegexRule { id: string, category: Category, severity: Severity, kind: 'regex', regex: RE2JS, on: 'words' | 'text' }
export type CompiledPattern = TokenRule | RegexRule

export interface Ruleset {
  version: string
  lexicon: Lexicon
  targets: TargetConfig
  /** Token patterns, indexed by the words they can start with. */
  tokenPatterns: PatternIndex<TokenRule>
  regexPatterns: RegexRule[]
  /** Splits spelled-out letters and run-together words into the words the rules know. */
  segmenter: Segmenter
  spam: SpamConfig
  policy: Policy
  language: LanguageOptions
  model?: ScreeningModel
  /** Counts for GET /v1/rules and `rules check`. */
  counts: { lists: Record<string, number>, categories: Record<string, number>, patterns: number, allowlist: number, entries: number }
}

export class RuleError extends Error {
  override name = 'RuleError'
  constructor (message: string, readonly origin?: string) {
    super(origin === undefined ? message : `${origin}: ${message}`)
  }
}

function wordSet (words: string[]): Set<string> {
  return new Set(words.map(normalizeWord).filter(Boolean))
}

export function compileRuleset (source: RuleSource): Ruleset {
  return runSteps(compileSteps(source))
}

/** compileRuleset in steps, for callers that must stay responsive (see steps.ts). */
export function * compileSteps (source: RuleSource): Steps<Ruleset> {
  const lexicon = yield * Lexicon.build(source.lists, source.allowlist)
  const lists = new Map(lexicon.wordsByList)
  const patterns: CompiledPattern[] = source.patterns.map((p) => {
    const base = { id: p.id, category: p.category, severity: p.severity }
    if ((p.match === undefined) === (p.regex === undefined)) {
      throw new RuleError(`pattern "${p.id}" needs exactly one of "match" or "regex"`, p.origin)
    }
    if (p.match !== undefined) {
      try {
        return { ...base, kind: 'tokens', pattern: compileTokenPattern(p.match, lists, normalizeWord) }
      } catch (err) {
        if (err instanceof PatternError) throw new RuleError(`pattern "${p.id}": ${err.message}`, p.origin)
        throw err
      }
    }
    try {
      return { ...base, kind: 'regex', regex: RE2JS.compile(p.regex!, RE2JS.CASE_INSENSITIVE), on: p.on ?? 'words' }
    } catch (err) {
      throw new RuleError(`pattern "${p.id}": not a valid RE2 regular expression (${(err as Error).message}); RE2 has no backreferences or lookaround`, p.origin)
    }
  })
  const categories: Record<string, number> = {}
  const listCounts: Record<string, number> = {}
  for (const list of source.lists) {
    listCounts[list.id] = list.entries.length
    categories[list.category] = (categories[list.category] ?? 0) + list.entries.length
  }
  for (const p of source.patterns) categories[p.category] = (categories[p.category] ?? 0) + 1
  const t = source.targets
  const groupWords = wordSet(t.group)
  const targets = {
    before: t.before,
    after: t.after,
    names: t.names,
    you: wordSet(t.you),
    person: wordSet(t.person),
    // The misspellings are made from normalised words, and are normal already.
    group: new Set([...groupWords, ...t.groupMisspellings ?? []]),
    groupAdjectives: wordSet(t.groupAdjectives ?? []),
    groupNouns: wordSet(t.groupNouns ?? []),
    breakers: wordSet(t.breakers)
  }
  const tokenRules = patterns.filter((p): p is TokenRule => p.kind === 'tokens')
  const segmenter = yield * Segmenter.build([
    ENGLISH_WORDS, targets.you, targets.person, groupWords, ...lists.values(),
    ...tokenRules.flatMap((p) => patternWords(p.pattern))
  ])
  return {
    version: source.version,
    lexicon,
    targets,
    tokenPatterns: new PatternIndex(tokenRules),
    regexPatterns: patterns.filter((p): p is RegexRule => p.kind === 'regex'),
    segmenter,
    spam: source.spam,
    policy: source.policy,
    language: { ...DEFAULT_LANGUAGE_OPTIONS, ...source.language },
    ...(source.model !== undefined ? { model: source.model } : {}),
    counts: { lists: listCounts, categories, patterns: patterns.length, allowlist: source.allowlist.length, entries: lexicon.entryCount }
  }
}
