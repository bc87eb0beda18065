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
  const w = hashes[i]!
  const p1 = hashAt(hashes, i - 1)
  const n1 = hashAt(hashes, i + 1)
  out[n++] = mix(SEED.prev1, p1) & mask
  out[n++] = mix(SEED.next1, n1) & mask
  out[n++] = mix(SEED.prev2, hashAt(hashes, i - 2)) & mask
  out[n++] = mix(SEED.next2, hashAt(hashes, i + 2)) & mask
  out[n++] = mix(mix(SEED.bigramPrev, p1), w) & mask
  out[n++] = mix(mix(SEED.bigramNext, w), n1) & mask
  out[n++] = mix(SEED.shape, shapeOf(tokens[i]!)) & mask
  out[n++] = mix(SEED.you, speaksToYou(tokens, i)) & mask
  out[n++] = SEED.bias & mask
  return n
}

const shapeOf = (t: Token): number => t.acronym === true ? 2 : t.capitalized ? 1 : 0

/** 1 when one of the six words before token i, in its sentence, is a "you" word. */
function speaksToYou (tokens: Token[], i: number): number {
  const sentence = tokens[i]!.sentence
  for (let j = i - 1; j >= 0 && j >= i - 6 && tokens[j]!.sentence === sentence; j--) {
    if (YOU.has(tokens[j]!.norm)) return 1
  }
  return 0
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

// What scoring caches per model. A token's logits are sums of weight rows, and all but two
// of its rows depend on one word alone: its own features (the word and its n-grams), the
// word seen as each of the four neighbours of another token, and the fixed shape, "you" and
// bias rows. Most words of a comment were seen in earlier comments, so each word's sums are
// kept, and a token costs one lookup per word plus its two bigram rows (this halved the
// scorer's time on 250-character comments, measured with the bench's samples).
interface ScoringCache {
  /** Per word: K sums for each role (SELF, PREV1, NEXT1, PREV2, NEXT2), then its hash. */
  words: Map<string, Float64Array>
  /** The padding beyond either end of the comment, in the neighbour roles, then its hash. */
  pad: Float64Array
  /** Bias plus shape plus you, indexed shape * 2 + you. */
  fixed: Float64Array[]
}
const SELF = 0
const NEIGHBOUR_SEEDS = [SEED.prev1, SEED.next1, SEED.prev2, SEED.next2] as const
const PREV1 = 1
const NEXT1 = 2
const PREV2 = 3
const NEXT2 = 4
const ROLES = 1 + NEIGHBOUR_SEEDS.length
/** After the sums: the word's hash, for the bigram features. */
const HASH = ROLES * K
// Bounded: emptied when full, so that a flood of invented words costs what it would without
// the cache, and no memory more (30,000 words × 25 sums: about 8 MB).
const WORD_CACHE_SIZE = 30000
const caches = new WeakMap<TokenModel, ScoringCache>()

function rowSum (weights: Float32Array, bucket: number, out: Float64Array, at: number): void {
  const row = bucket * K
  for (let k = 0; k < K; k++) out[at + k]! += weights[row + k]!
}

function neighbourSums (model: TokenModel, hash: number, mask: number, out: Float64Array): void {
  NEIGHBOUR_SEEDS.forEach((seed, r) => rowSum(model.weights, mix(seed, hash) & mask, out, (r + 1) * K))
}

function scoringCache (model: TokenModel, mask: number): ScoringCache {
  let cache = caches.get(model)
  if (cache === undefined) {
    const pad = new Float64Array(ROLES * K + 1)
    neighbourSums(model, PAD_HASH, mask, pad)
    pad[HASH] = PAD_HASH
    const fixed: Float64Array[] = []
    for (let shape = 0; shape < 3; shape++) {
      for (let you = 0; you < 2; you++) {
        const sum = new Float64Array(K)
        rowSum(model.weights, mix(SEED.shape, shape) & mask, sum, 0)
        rowSum(model.weights, mix(SEED.you, you) & mask, sum, 0)
        rowSum(model.weights, SEED.bias & mask, sum, 0)
        fixed.push(sum)
      }
    }
    caches.set(model, cache = { words: new Map(), pad, fixed })
  }
  return cache
}

function wordSums (model: TokenModel, cache: ScoringCache, w: string, mask: number, buffer: Uint32Array): Float64Array {
  let sums = cache.words.get(w)
  if (sums === undefined) {
    sums = new Float64Array(ROLES * K + 1)
    const hash = wordHash(w)
    addLogits(model.weights, buffer, localFeatures(w, mask, buffer, 0), sums)
    neighbourSums(model, hash, mask, sums)
    sums[HASH] = hash
    if (cache.words.size >= WORD_CACHE_SIZE) cache.words.clear()
    cache.words.set(w, sums)
  }
  return sums
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

/**
 * Scores of every token, in order. Linear in the number of tokens. The same sums as
 * logitsOf over featuresOf, which training uses, gathered from the per-word cache.
 */
export function scoreTokens (model: TokenModel, tokens: Token[]): TokenScore[] {
  const mask = (1 << model.bits) - 1
  const cache = scoringCache(model, mask)
  const buffer = new Uint32Array(MAX_FEATURES)
  const n = tokens.length
  const sums = tokens.map((t) => wordSums(model, cache, t.norm, mask, buffer))
  // The padding stands for every position beyond either end, as PAD does in featuresOf.
  const at = (i: number): Float64Array => i >= 0 && i < n ? sums[i]! : cache.pad
  const p = new Float64Array(K)
  const out: TokenScore[] = []
  let lastYou = -1
  for (let i = 0; i < n; i++) {
    const own = sums[i]!
    const p1 = at(i - 1)
    const n1 = at(i + 1)
    const p2 = at(i - 2)
    const n2 = at(i + 2)
    // Same as speaksToYou, kept in step instead of looking back six words for every token.
    const you = lastYou >= i - 6 && lastYou >= 0 && tokens[lastYou]!.sentence === tokens[i]!.sentence ? 1 : 0
    const fixed = cache.fixed[shapeOf(tokens[i]!) * 2 + you]!
    for (let k = 0; k < K; k++) {
      p[k] = own[SELF * K + k]! + fixed[k]! + p1[PREV1 * K + k]! + n1[NEXT1 * K + k]! + p2[PREV2 * K + k]! + n2[NEXT2 * K + k]!
    }
    const w = own[HASH]!
    rowSum(model.weights, mix(mix(SEED.bigramPrev, p1[HASH]!), w) & mask, p, 0)
    rowSum(model.weights, mix(mix(SEED.bigramNext, w), n1[HASH]!) & mask, p, 0)
    softmax(p)
    let best = 1
    for (let k = 2; k < K; k++) if (p[k]! > p[best]!) best = k
    out.push({ toxic: 1 - p[0]!, kind: MODEL_CLASSES[best] as ModelKind, kindScore: p[best]! })
    if (YOU.has(tokens[i]!.norm)) lastYou = i
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
