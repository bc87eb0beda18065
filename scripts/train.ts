// `npm run train`: fits the token model on ../shared/corpus/training and writes it to
// models/ (README.md, "The learned scorer"). Usage:
//   npm run train [-- --corpus DIR] [--out DIR] [--decisions FILE]
// --decisions folds in moderators' decisions (`npm run rules -- export`), see
// src/model/decisions.ts; a fifth of them is held back to print before/after figures.
//
// Splits, all by a hash of the row (never by position, so a file can grow):
//   - Civil Comments posts (toxic-spans/comments.csv): 90% train, 10% dev. Posts of the
//     SemEval trial split are never trained or tuned on: `npm run eval` reports on them.
//   - wiki-talk gc.csv, ordinary comments (label 0): 40% train (clean negatives), 10% dev,
//     50% held out for `npm run eval`. Toxic rows (label 1) are never trained on.
//   - bias-madlibs: a quarter of the friendly sentences, as negatives, so that identity
//     words ("Muslim", "gay", "Black") are not learned as insults.
// Thresholds are chosen on dev: the best span F1 on dev posts while the model alone flags
// at most MAX_DEV_FALSE_FLAGS of the dev ordinary comments.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { tokenize } from '../src/screening/tokenize.js'
import { MODEL_CLASSES, MODEL_KINDS, modelSpans, scoreTokens, type ModelThresholds, type TokenModel } from '../src/screening/model.js'
import { offsetsOf, spanF1, tokenLabels, type RaterSpan } from '../src/model/labels.js'
import { DEFAULT_TRAIN_OPTIONS, train, type TrainingText } from '../src/model/train.js'
import { writeModel } from '../src/model/file.js'
import { decisionFigures, decisionTexts, formatDecisionFigures, splitDecisions } from '../src/model/decisions.js'
import { readDecisions } from '../src/cli/commands.js'
import { bucket, wikiSplit } from '../src/model/splits.js'
import { csvRecords } from './csv.js'
import { requireCorpus } from './corpus-check.js'

const { values } = parseArgs({ options: { corpus: { type: 'string', default: '../shared/corpus' }, out: { type: 'string', default: 'models' }, decisions: { type: 'string' } } })
const corpus = values.corpus
const MAX_DEV_FALSE_FLAGS = 0.005
/** Weight of each word of a moderator's decision against one of the corpus: a site's own line counts more. */
const DECISION_WEIGHT = 3

const files = {
  comments: 'training/toxic-spans/comments.csv',
  annotations: 'training/toxic-spans/annotations.csv',
  spans: 'training/toxic-spans/spans.csv',
  semevalTrain: 'training/toxic-spans/tsd_train.csv',
  semevalTrial: 'training/toxic-spans/tsd_trial.csv',
  wiki: 'comments/wiki-talk/gc.csv',
  madlibs: 'training/bias-madlibs/bias_madlibs_77k.csv'
}
requireCorpus('npm run train', corpus, Object.values(files))
const raw = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(join(corpus, f), 'utf8')])) as Record<keyof typeof files, string>

const csv = csvRecords

const trialTexts = new Set(csv(raw.semevalTrial).map((r) => r.text!.trim()))
// SemEval's gold (toxic characters by the majority of raters) where a post is in its train
// split: it is what the task measures. The raters' own spans give the type of each token.
const semevalGold = new Map(csv(raw.semevalTrain).map((r) => [r.text!.trim(), new Set<number>(JSON.parse(r.spans!) as number[])]))

const raters = new Map<string, number>()
const postOf = new Map<string, string>()
for (const a of csv(raw.annotations)) {
  postOf.set(a.annotation!, a.comment_id!)
  raters.set(a.comment_id!, (raters.get(a.comment_id!) ?? 0) + 1)
}
const spansOf = new Map<string, RaterSpan[]>()
for (const s of csv(raw.spans)) {
  const post = postOf.get(s.annotation!)
  if (post === undefined) continue
  spansOf.set(post, [...(spansOf.get(post) ?? []), { rater: s.annotation!, type: s.type!, start: Number(s.start), end: Number(s.end) }])
}

const texts: TrainingText[] = []
const dev: Array<{ text: string, gold: Set<number> }> = []
for (const c of csv(raw.comments)) {
  const text = c.comment_text!
  if (trialTexts.has(text.trim())) continue
  const { tokens } = tokenize(text)
  const labels = tokenLabels(tokens, spansOf.get(c.comment_id!) ?? [], raters.get(c.comment_id!) ?? 1)
  const gold = semevalGold.get(text.trim())
  if (gold !== undefined) {
    tokens.forEach((t, i) => {
      let toxic = false
      for (let x = t.start; x < t.end && !toxic; x++) toxic = gold.has(x)
      labels[i] = !toxic ? 0 : labels[i] === 0 ? MODEL_CLASSES.indexOf('insult') : labels[i]!
    })
  }
  if (bucket(text) < 90) texts.push({ tokens, labels, weight: 1 })
  else dev.push({ text, gold: offsetsOf(tokens.filter((_, i) => labels[i]! > 0)) })
}
const wikiDev: string[] = []
for (const row of csv(raw.wiki)) {
  if (row.label !== '0') continue
  const split = wikiSplit(row.id!)
  if (split === 'train') {
    const { tokens } = tokenize(row.text!)
    texts.push({ tokens, labels: new Uint8Array(tokens.length), weight: 1 })
  } else if (split === 'dev') wikiDev.push(row.text!)
}
let madlibs = 0
for (const row of csv(raw.madlibs)) {
  if (row.Label !== 'NOT_BAD' || bucket(row.Text!) >= 25) continue
  const { tokens } = tokenize(row.Text!)
  texts.push({ tokens, labels: new Uint8Array(tokens.length), weight: 1 })
  madlibs++
}
console.log(`training on ${texts.length} texts (${madlibs} friendly templates); tuning on ${dev.length} posts and ${wikiDev.length} ordinary comments`)

const options = DEFAULT_TRAIN_OPTIONS
const uniform = (flag: number, within: number, extend: number): ModelThresholds =>
  ({ flag: Object.fromEntries(MODEL_KINDS.map((k) => [k, flag])), within, extend })
const predict = (model: TokenModel, text: string, th: ModelThresholds): Set<number> => {
  const { tokens } = tokenize(text)
  return offsetsOf(modelSpans(tokens, scoreTokens(model, tokens), th))
}
const meanF1 = (model: TokenModel, rows: Array<{ text: string, gold: Set<number> }>, th: ModelThresholds): number =>
  rows.reduce((s, r) => s + spanF1(predict(model, r.text, th), r.gold), 0) / rows.length
const flagged = (model: TokenModel, rows: string[], th: ModelThresholds): number => rows.filter((t) => predict(model, t, th).size > 0).length / rows.length

/**
 * Ordinary comments are flagged only through a token at `flag`: choose it first, by the
 * false flags on the dev ordinary comments, then `within` and `extend` by span F1 on the dev posts.
 */
function tune (model: TokenModel): { th: ModelThresholds, f1: number, falseFlags: number } {
  let flag = 0.95
  for (let f = 0.95; f >= 0.399; f -= 0.025) {
    if (flagged(model, wikiDev, uniform(f, f, f)) > MAX_DEV_FALSE_FLAGS) break
    flag = Number(f.toFixed(3))
  }
  let best = { th: uniform(flag, flag, flag), f1: -1, falseFlags: flagged(model, wikiDev, uniform(flag, flag, flag)) }
  for (let within = 0.2; within <= flag + 0.001; within += 0.05) {
    for (const extend of [0.2, 0.3, 0.4]) {
      if (extend > within + 0.001) continue
      const th = uniform(flag, Number(within.toFixed(2)), extend)
      const f1 = meanF1(model, dev, th)
      if (f1 > best.f1) best = { ...best, th, f1 }
    }
  }
  return best
}

function fit (data: TrainingText[]): TokenModel {
  const started = Date.now()
  const model = train(data, options)
  console.log(`trained on ${data.length} texts in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return model
}

let decisions: Record<string, unknown> | undefined
let model: TokenModel
let best: ReturnType<typeof tune>
if (values.decisions !== undefined) {
  // The policy's own decisions (language) are not moderators' judgement.
  const decided = (await readDecisions(values.decisions)).filter((d) => d.automatic !== true)
  const { train: learn, heldBack } = splitDecisions(decided)
  const before = fit(texts)
  const beforeTuned = tune(before)
  model = fit([...texts, ...decisionTexts(learn, DECISION_WEIGHT)])
  best = tune(model)
  const figures = { before: decisionFigures(before, beforeTuned.th, heldBack), after: decisionFigures(model, best.th, heldBack) }
  console.log(formatDecisionFigures(figures.before, figures.after))
  decisions = { file: values.decisions, sha256: createHash('sha256').update(readFileSync(values.decisions)).digest('hex'), learned: learn.length, heldBack: heldBack.length, weight: DECISION_WEIGHT, figures }
} else {
  model = fit(texts)
  best = tune(model)
}
const trial = csv(raw.semevalTrial).map((r) => ({ text: r.text!, gold: new Set<number>(JSON.parse(r.spans!) as number[]) }))
const figures = {
  'dev span F1 (tuned on)': +(100 * best.f1).toFixed(1),
  'dev ordinary comments flagged, model alone (tuned on)': +(100 * best.falseFlags).toFixed(2),
  'SemEval-2021 trial span F1, model alone (never trained or tuned on)': +(100 * meanF1(model, trial, best.th)).toFixed(1)
}
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
const manifest = await writeModel(values.out, model, {
  thresholds: best.th,
  trainedOn: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { file: f, sha256: sha256(raw[k as keyof typeof files]) }])),
  splits: 'comments.csv by sha256(text) % 100: < 90 train, else dev; SemEval trial posts excluded. gc.csv label 0 by sha256(id) % 100: < 40 train, < 50 dev, else held out for npm run eval. madlibs NOT_BAD with sha256(text) % 100 < 25.',
  features: 'per token, hashed: word, words at -2, -1, +1, +2, bigrams with each neighbour, character 3-5-grams of the word (first 24 letters), shape (lower, Capitalised, ACRONYM), a "you" word earlier in the sentence (6 words back), bias',
  training: { ...options, method: 'multinomial logistic regression, AdaGrad SGD, seeded shuffle', texts: texts.length },
  ...(decisions !== undefined ? { decisions } : {}),
  figures
})
console.log(`wrote ${values.out}/${manifest.name} version ${manifest.version}:`, figures, 'thresholds', best.th)
