// Scoring gathers each token's logits from per-word sums it caches; training reads the same
// features one bucket at a time (featuresOf). The two must agree, or the model would serve
// other scores than the ones it was trained and measured with.
import t from 'tap'
import { tokenize } from '../../src/screening/tokenize.js'
import { featuresOf, K, logitsOf, MAX_FEATURES, MODEL_CLASSES, scoreTokens, softmax, wordHashes, type TokenModel } from '../../src/screening/model.js'
import { seeded } from '../../src/model/train.js'

/** Random weights in every bucket, so that every feature moves the scores. */
function randomModel (seed: number): TokenModel {
  const bits = 10
  const random = seeded(seed)
  const weights = new Float32Array((1 << bits) * K).map(() => (random() - 0.5) * 4)
  return { version: `random-${seed}`, bits, weights }
}

function reference (model: TokenModel, text: string): Array<{ toxic: number, kind: string }> {
  const { tokens } = tokenize(text)
  const hashes = wordHashes(tokens)
  const buffer = new Uint32Array(MAX_FEATURES)
  const p = new Float64Array(K)
  return tokens.map((_, i) => {
    logitsOf(model, buffer, featuresOf(tokens, hashes, i, (1 << model.bits) - 1, buffer), p)
    softmax(p)
    let best = 1
    for (let k = 2; k < K; k++) if (p[k]! > p[best]!) best = k
    return { toxic: 1 - p[0]!, kind: MODEL_CLASSES[best]! }
  })
}

const TEXTS = [
  'idiot',
  'you idiot',
  // "you" six words back (in reach), seven words back (not), and in the sentence before.
  'you are one two three four idiot',
  'you are one two three four five idiot',
  'You said so. Idiot!',
  'The NATO boss and Mr Smith, a fool, met the FBI in Paris.',
  // A word seen again later in the same comment, and an endless token.
  'clown clown clown and a clown ' + 'x'.repeat(300)
]

t.test('scoreTokens gives the scores of the features training reads, token by token', async (t) => {
  for (const seed of [1, 2]) {
    const model = randomModel(seed)
    for (let round = 0; round < 2; round++) {
      for (const text of TEXTS) {
        const got = scoreTokens(model, tokenize(text).tokens)
        const want = reference(model, text)
        t.equal(got.length, want.length, text)
        got.forEach((s, i) => {
          if (Math.abs(s.toxic - want[i]!.toxic) > 1e-9 || s.kind !== want[i]!.kind) {
            t.fail(`seed ${seed}, "${text}", token ${i}: ${s.toxic} ${s.kind}, want ${want[i]!.toxic} ${want[i]!.kind}`)
          }
        })
      }
    }
    t.pass(`seed ${seed}: every token agrees, with a cold and a warm cache`)
  }
})
