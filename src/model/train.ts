// Fitting the token model (src/screening/model.ts): multinomial logistic regression over
// hashed features, by stochastic gradient descent with AdaGrad step sizes (rare features,
// such as a new insult's n-grams, get large steps; common ones small).
//
// Hand-written rather than a library: the model is one weight table and one update rule
// (about 40 lines); the ML libraries on npm that run without native add-ons either lack
// sparse hashed features or train dense matrices that would not fit 2^18 × 5 weights.
// Deterministic: a seeded shuffle and a fixed order of floating-point operations, so the
// same data and settings give the same bytes.
import { featuresOf, K, logitsOf, MAX_FEATURES, softmax, wordHashes, type TokenModel } from '../screening/model.js'
import type { Token } from '../screening/tokenize.js'

/** One comment's tokens with the class index of each (0 = none), and the comment's weight. */
export interface TrainingText { tokens: Token[], labels: Uint8Array, weight: number }

export interface TrainOptions {
  bits: number
  epochs: number
  /** AdaGrad base step. */
  rate: number
  /** Weight of a toxic token relative to a clean one: toxic tokens are about 5% of all. */
  toxicWeight: number
  seed: number
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { bits: 18, epochs: 3, rate: 0.02, toxicWeight: 2, seed: 20210501 }

/** mulberry32: a small seeded generator, enough for a shuffle. */
export function seeded (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Instances { features: Uint32Array, offsets: Uint32Array, labels: Uint8Array, weights: Float32Array }

/** Every token's features, flattened once: an epoch then reads arrays, not tokens. */
function instancesOf (texts: TrainingText[], mask: number, toxicWeight: number): Instances {
  let count = 0
  for (const t of texts) count += t.tokens.length
  const offsets = new Uint32Array(count + 1)
  const labels = new Uint8Array(count)
  const weights = new Float32Array(count)
  const chunks: Uint32Array[] = []
  const buffer = new Uint32Array(MAX_FEATURES)
  let i = 0
  let total = 0
  for (const t of texts) {
    const hashes = wordHashes(t.tokens)
    for (let j = 0; j < t.tokens.length; j++) {
      const n = featuresOf(t.tokens, hashes, j, mask, buffer)
      chunks.push(buffer.slice(0, n))
      labels[i] = t.labels[j]!
      weights[i] = t.weight * (t.labels[j]! > 0 ? toxicWeight : 1)
      total += n
      offsets[++i] = total
    }
  }
  const features = new Uint32Array(total)
  let at = 0
  for (const c of chunks) { features.set(c, at); at += c.length }
  return { features, offsets, labels, weights }
}

export function train (texts: TrainingText[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS): TokenModel {
  const mask = (1 << options.bits) - 1
  const data = instancesOf(texts, mask, options.toxicWeight)
  const size = (mask + 1) * K
  const weights = new Float32Array(size)
  const squares = new Float32Array(size).fill(1e-6)
  const model: TokenModel = { version: 'training', bits: options.bits, weights }
  const n = data.labels.length
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const random = seeded(options.seed)
  const p = new Float64Array(K)
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      const x = order[i]!; order[i] = order[j]!; order[j] = x
    }
    for (let o = 0; o < n; o++) {
      const i = order[o]!
      const from = data.offsets[i]!
      const count = data.offsets[i + 1]! - from
      const features = data.features.subarray(from, from + count)
      logitsOf(model, features, count, p)
      softmax(p)
      const y = data.labels[i]!
      const w = data.weights[i]!
      for (let k = 0; k < K; k++) {
        const g = ((k === y ? 1 : 0) - p[k]!) * w
        if (g === 0) continue
        const g2 = g * g
        for (let f = 0; f < count; f++) {
          const at = features[f]! * K + k
          squares[at]! += g2
          weights[at]! += options.rate * g / Math.sqrt(squares[at]!)
        }
      }
    }
  }
  return model
}
