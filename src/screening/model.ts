// The learned scorer: a linear model of each token in its context, beside the word lists.
// Word lists see the words that are always abusive; most abuse in news comments is made of
// ordinary words ("a pathetic clown", "a brainless hack"), and only their context says so.
//
// Pure, like the rest of screening: tokens in, per-token class probabilities out. Features
// are hashed (no vocabulary to ship), so the model is a flat weight table: for each feature
// bucket, one weight per class. Scoring a token sums about 30 rows of that table.
import type { Token } from './tokenize.js'

/** What a toxic token is, as the Civil Comments raters typed their spans. */
export const MODEL_CLASSES = ['none', 'insult', 'identity-attack', 'threat', 'profanity'] as const
export type ModelClass = typeof MODEL_CLASSES[number]
export const K = MODEL_CLASSES.length
/** The classes a flag can carry: every class but none. They are also screening categories. */
export const MODEL_KINDS = ['insult', 'identity-attack', 'threat', 'profanity'] as const
export type ModelKind = typeof MODEL_KINDS[number]

export interface TokenModel {
  /** Content hash of the weights: the modelVersion a verdict carries. */
  version: string
  /** log2 of the number of feature buckets. */
  bits: number
  /** K weights per feature bucket (the bias is a feature like any other). */
  weights: Float32Array
}

// Feature kinds, each hashed with its own seed so that "w0=idiot" and "w-1=idiot" differ.
const SEED = {
  word: 0x01000193, prev1: 0x2f1b3c4d, next1: 0x3a5e7f91, prev2: 0x4c6d8e0f, next2: 0x5d7e9f12,
  bigramPrev: 0x6e8fa023, bigramNext: 0x7f90b134, gram: 0x8091c245, shape: 0x91a2d356, you: 0xa2b3e467, bias: 0xb3c4f578
} as const

function hashString (seed: number, s: string, from = 0, to = s.length): number {
  let h = seed >>> 0
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const mix = (h: number, x: number): number => Math.imul((h ^ x) >>> 0, 0x01000193) >>> 0

// Words that aim a sentence at the reader: a strong context for insults.
const YOU = new Set(['you', 'your', 'youre', 'ur', 'u', 'yourself', 'ya'])
const PAD = '\u0002'

const wordHash = (w: string): number => hashString(SEED.word, w)
const PAD_HASH = wordHash(PAD)

/** Each token's word hash, once per comment: its neighbours' features reuse it. */
export function wordHashes (tokens: Token[]): Uint32Array {
  const out = new Uint32Array(tokens.length)
  for (let i = 0; i < tokens.length; i++) out[i] = wordHash(tokens[i]!.norm)
  return out
}

const hashAt = (hashes: Uint32Array, i: number): number => i >= 0 && i < hashes.length ? hashes[i]! : PAD_HASH

/**
 * Features of the word alone: the word, and its character 3-5-grams, which see through
 * inflections and new compounds ("libtard", "idiotic"). Capped at 24 letters, so that one
 * endless token costs no more than a few words. They depend on the word only, so scoring
 * caches their sum per word (see localLogits).
 */
function localFeatures (w: string, mask: number, out: Uint32Array, n: number): number {
  out[n++] = wordHash(w) & mask
  const padded = `<${w.length > 24 ? w.slice(0, 24) : w}>`
  for (let len = 3; len <= 5; len++) {
    for (let s = 0; s + len <= padded.length; s++) out[n++] = hashString(SEED.gram + len, padded, s, s + len) & mask
  }
  return n
}

/**
 * Features of the word's place: the two words on each side, the bigrams it is part of, its
 * shape, whether its sentence speaks to "you" in the six words before it, and the bias.
 */
function contextFeatures (tokens: Token[], hashes: Uint32Array, i: number, mask: number, out: Uint32Array, n: number): number {
  const t = tokens[i]!
  const w = hashes[i]!
  const p1 = hashAt(hashes, i - 1)
  const n1 = hashAt(hashes, i + 1)
  out[n++] = mix(SEED.prev1, p1) & mask
  out[n++] = mix(SEED.next1, n1) & mask
  out[n++] = mix(SEED.prev2, hashAt(hashes, i - 2)) & mask
  out[n++] = mix(SEED.next2, hashAt(hashes, i + 2)) & mask
  out[n++] = mix(mix(SEED.bigramPrev, p1), w) & mask
  out[n++] = mix(mix(SEED.bigramNext, w), n1) & mask
  const shape = t.acronym === true ? 2 : t.capitalized ? 1 : 0
  out[n++] = mix(SEED.shape, shape) & mask
  let you = 0
  for (let j = i - 1; j >= 0 && j >= i - 6 && tokens[j]!.sentence === t.sentence; j--) {
    if (YOU.has(tokens[j]!.norm)) { you = 1; break }
  }
  out[n++] = mix(SEED.you, you) & mask
  out[n++] = SEED.bias & mask
  return n
}

/** Every feature bucket of token i, into `out`; returns how many (training reads these). */
export function featuresOf (tokens: Token[], hashes: Uint32Array, i: number, mask: number, out: Uint32Array): number {
  return contextFeatures(tokens, hashes, i, mask, out, localFeatures(tokens[i]!.norm, mask, out, 0))
}

/** Room for the features of one token: 1 word, at most 3 × 26 n-grams, 9 of context. */
export const MAX_FEATURES = 96

/** Class scores (logits) of one token from its feature buckets, into `logits`. */
export function logitsOf (model: TokenModel, features: Uint32Array, count: number, logits: Float64Array): void {
  for (let k = 0; k < K; k++) logits[k] = 0
  addLogits(model.weights, features, count, logits)
}

function addLogits (weights: Float32Array, features: Uint32Array, count: number, logits: Float64Array): void {
  for (let f = 0; f < count; f++) {
    const row = features[f]! * K
    for (let k = 0; k < K; k++) logits[k]! += weights[row + k]!
  }
}

// The sum of a word's own features, per model and word. Most words of a comment were seen in
// earlier comments, and this is most of a token's cost. Bounded: emptied when full, so that
// a flood of invented words costs what it would without the cache, and no memory more.
const LOCAL_CACHE_SIZE = 50000
const localCaches = new WeakMap<TokenModel, Map<string, Float64Array>>()

function localLogits (model: TokenModel, w: string, mask: number, buffer: Uint32Array): Float64Array {
  let cache = localCaches.get(model)
  if (cache === undefined) localCaches.set(model, cache = new Map())
  let sum = cache.get(w)
  if (sum === undefined) {
    sum = new Float64Array(K)
    addLogits(model.weights, buffer, localFeatures(w, mask, buffer, 0), sum)
    if (cache.size >= LOCAL_CACHE_SIZE) cache.clear()
    cache.set(w, sum)
  }
  return sum
}

/** Softmax in place. */
export function softmax (v: Float64Array): void {
  let max = -Infinity
  for (let k = 0; k < v.length; k++) if (v[k]! > max) max = v[k]!
  let sum = 0
  for (let k = 0; k < v.length; k++) { v[k] = Math.exp(v[k]! - max); sum += v[k]! }
  for (let k = 0; k < v.length; k++) v[k]! /= sum
}

export interface TokenScore {
  /** Probability that the token is part of a toxic span (1 − P(none)). */
  toxic: number
  /** The most likely toxic class. */
  kind: ModelKind
  /** Its probability. */
  kindScore: number
}

/** Scores of every token, in order. Linear in the number of tokens. */
export function scoreTokens (model: TokenModel, tokens: Token[]): TokenScore[] {
  const mask = (1 << model.bits) - 1
  const features = new Uint32Array(MAX_FEATURES)
  const hashes = wordHashes(tokens)
  const p = new Float64Array(K)
  const out: TokenScore[] = []
  for (let i = 0; i < tokens.length; i++) {
    p.set(localLogits(model, tokens[i]!.norm, mask, features))
    addLogits(model.weights, features, contextFeatures(tokens, hashes, i, mask, features, 0), p)
    softmax(p)
    let best = 1
    for (let k = 2; k < K; k++) if (p[k]! > p[best]!) best = k
    out.push({ toxic: 1 - p[0]!, kind: MODEL_CLASSES[best] as ModelKind, kindScore: p[best]! })
  }
  return out
}

export interface ModelThresholds {
  /** A comment has model evidence when a run's most toxic token reaches this, by its class. */
  flag: Record<string, number>
  /** Once it has, other runs of the comment need only reach this: a post-level gate, so
   * that a clearly hostile comment shows all of its hostile phrases, while an ordinary
   * comment needs one strong token before any of its words is flagged. */
  within: number
  /** Tokens next to a run's best token join the run down to this. */
  extend: number
  /** A run aimed at someone ("you are a racist troll", "Smith is pure trash") flags from
   * this, below `flag`: the words say who is meant, as for an aimed word list. Unset: no run
   * is flagged for being aimed. */
  aimed?: number
}

export interface ModelSpan { start: number, end: number, kind: ModelKind, score: number, first: number, last: number, aimed?: true }

/** What the comment's other evidence says about a run (see modelSpans). */
export interface RunContext {
  /** Whether the run (tokens first..last) is aimed at someone; asked only of runs between `aimed` and `flag`. */
  isAimed?: (first: number, last: number) => boolean
  /** The lists or patterns already flagged this comment: it is hostile by ops' own rules, so
   * its runs need only reach `within`, as if one of them had reached `flag`. */
  flagged?: boolean
}

/** A class whose threshold is 1 (or unset) is switched off: no phrase of it flags, however the gate opened. */
const isOn = (thresholds: ModelThresholds, kind: ModelKind): boolean => (thresholds.flag[kind] ?? 1) < 1

const isAimable = (thresholds: ModelThresholds, s: TokenScore): boolean =>
  thresholds.aimed !== undefined && s.toxic >= thresholds.aimed && isOn(thresholds, s.kind)

/**
 * Runs of neighbouring tokens (same sentence) that score at least `extend`, kept by the
 * thresholds above. The run's class is its best token's class. Linear in the tokens.
 */
export function modelSpans (tokens: Token[], scores: TokenScore[], thresholds: ModelThresholds, context: RunContext = {}): ModelSpan[] {
  const runs: ModelSpan[] = []
  let gated = context.flagged === true
  let i = 0
  while (i < tokens.length) {
    if (scores[i]!.toxic < thresholds.extend) { i++; continue }
    let j = i
    let best = i
    while (j + 1 < tokens.length && scores[j + 1]!.toxic >= thresholds.extend && tokens[j + 1]!.sentence === tokens[i]!.sentence) {
      j++
      if (scores[j]!.toxic > scores[best]!.toxic) best = j
    }
    const s = scores[best]!
    const run: ModelSpan = { start: tokens[i]!.start, end: tokens[j]!.end, kind: s.kind, score: s.toxic, first: i, last: j }
    if (s.toxic >= (thresholds.flag[s.kind] ?? 1)) gated = true
    else if (isAimable(thresholds, s) && context.isAimed?.(i, j) === true) gated = run.aimed = true
    runs.push(run)
    i = j + 1
  }
  if (!gated) return []
  return runs.filter((r) => isOn(thresholds, r.kind) && (r.aimed === true || r.score >= Math.min(thresholds.within, thresholds.flag[r.kind]!)))
}
