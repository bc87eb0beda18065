// The learned scorer's parts on small synthetic data: training is deterministic and learns
// a word's context, spans follow the thresholds, and the file on disk is what it says.
import t from 'tap'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tokenize } from '../../src/screening/tokenize.js'
import { MODEL_CLASSES, modelSpans, scoreTokens, type TokenScore } from '../../src/screening/model.js'
import { seeded, train, type TrainingText } from '../../src/model/train.js'
import { tokenLabels, spanF1, offsetsOf } from '../../src/model/labels.js'
import { MODEL_NAME, readModel, writeModel, ModelFileError } from '../../src/model/file.js'
import { tempDir } from '../helper.js'

const INSULT = MODEL_CLASSES.indexOf('insult')
const THREAT = MODEL_CLASSES.indexOf('threat')

/** Synthetic comments: "zorp" is an insult after "you", harmless after "the"; "blam" is a threat. */
function corpus (): TrainingText[] {
  const random = seeded(7)
  const fillers = ['today', 'really', 'again', 'here', 'now', 'honestly', 'sadly', 'still']
  const pick = (): string => fillers[Math.floor(random() * fillers.length)]!
  const texts: TrainingText[] = []
  for (let i = 0; i < 300; i++) {
    for (const [text, toxicWord, cls] of [
      [`${pick()} you zorp ${pick()}`, 'zorp', INSULT],
      [`the zorp is ${pick()} open`, undefined, 0],
      [`${pick()} I will blam you`, 'blam', THREAT],
      [`${pick()} the weather is fine ${pick()}`, undefined, 0]
    ] as Array<[string, string | undefined, number]>) {
      const { tokens } = tokenize(text)
      texts.push({ tokens, labels: Uint8Array.from(tokens.map((tk) => tk.norm === toxicWord ? cls : 0)), weight: 1 })
    }
  }
  return texts
}

const options = { bits: 12, epochs: 2, rate: 0.1, toxicWeight: 2, seed: 1 }
const scores = (model: ReturnType<typeof train>, text: string): TokenScore[] => scoreTokens(model, tokenize(text).tokens)

t.test('training twice on the same data gives the same weights; another seed does not', async (t) => {
  const a = train(corpus(), options)
  const b = train(corpus(), options)
  t.same(Buffer.from(a.weights.buffer), Buffer.from(b.weights.buffer), 'identical bytes')
  const c = train(corpus(), { ...options, seed: 2 })
  t.notSame(Buffer.from(a.weights.buffer), Buffer.from(c.weights.buffer), 'the seed orders the examples')
})

t.test('the model learns a word in its context, with its class', async (t) => {
  const model = train(corpus(), options)
  const aimed = scores(model, 'you zorp')
  t.ok(aimed[1]!.toxic > 0.8, `"you zorp": zorp scores ${aimed[1]!.toxic.toFixed(2)}`)
  t.equal(aimed[1]!.kind, 'insult')
  const harmless = scores(model, 'the zorp is open')
  t.ok(harmless[1]!.toxic < 0.3, `"the zorp is open": zorp scores ${harmless[1]!.toxic.toFixed(2)}`)
  const threat = scores(model, 'I will blam you')
  t.equal(threat[2]!.kind, 'threat')
  t.ok(threat[2]!.toxic > 0.8)
})

t.test('spans: a gate per comment, runs within it, classes per run', async (t) => {
  const { tokens } = tokenize('aa bb cc dd ee')
  const s = (values: number[]): TokenScore[] => values.map((v) => ({ toxic: v, kind: 'insult', kindScore: v }))
  const th = { flag: { insult: 0.8, 'identity-attack': 0.8, threat: 0.8, profanity: 0.8 }, within: 0.5, extend: 0.3 }
  t.same(modelSpans(tokens, s([0.1, 0.6, 0.2, 0.7, 0.1]), th), [], 'no token reaches the gate: nothing')
  const spans = modelSpans(tokens, s([0.9, 0.4, 0.1, 0.6, 0.2]), th)
  t.same(spans.map((x) => [x.start, x.end]), [[0, 5], [9, 11]], 'the gated run extends to its neighbour at 0.4; another run at 0.6 joins once the gate is open')
  const strict = { ...th, flag: { ...th.flag, insult: 0.95 } }
  t.same(modelSpans(tokens, s([0.9, 0.4, 0.1, 0.6, 0.2]), strict), [], 'the threshold is per class')
  const { tokens: two } = tokenize('aa bb. cc')
  t.same(modelSpans(two, s([0.9, 0.9, 0.9]), th).map((x) => [x.start, x.end]), [[0, 5], [7, 9]], 'runs never cross a sentence')
})

t.test('spans: a run aimed at someone flags from the aimed threshold', async (t) => {
  const { tokens } = tokenize('aa bb cc dd ee')
  const s = (values: number[]): TokenScore[] => values.map((v) => ({ toxic: v, kind: 'insult', kindScore: v }))
  const th = { flag: { insult: 0.8, 'identity-attack': 0.8, threat: 0.8, profanity: 0.8 }, within: 0.7, extend: 0.3, aimed: 0.5 }
  const asked: Array<[number, number]> = []
  const aimedAt = (hit: number) => (first: number, last: number): boolean => { asked.push([first, last]); return first <= hit && hit <= last }
  const scores = s([0.1, 0.6, 0.2, 0.45, 0.1])
  t.same(modelSpans(tokens, scores, th, { isAimed: aimedAt(1) }).map((x) => [x.start, x.end, x.aimed]), [[3, 5, true]], 'the aimed run at 0.6 opens the gate; the run at 0.45 stays below both bars')
  t.same(asked, [[1, 1]], 'only runs between aimed and flag are asked whether they are aimed')
  t.same(modelSpans(tokens, scores, th, { isAimed: aimedAt(3) }), [], 'a run below the aimed threshold is not flagged however aimed')
  t.same(modelSpans(tokens, scores, { ...th, aimed: undefined }, { isAimed: aimedAt(1) }), [], 'without an aimed threshold, aim changes nothing')
  t.same(modelSpans(tokens, scores, th), [], 'without a way to tell aim, nothing is aimed')
  t.same(modelSpans(tokens, scores, { ...th, flag: { ...th.flag, insult: 1 } }, { isAimed: aimedAt(1) }), [], 'a class at threshold 1 is off, aimed or not')
})

t.test('spans: a comment the rules flagged needs no run at the gate, only within', async (t) => {
  const { tokens } = tokenize('aa bb cc dd ee')
  const scores: TokenScore[] = [0.1, 0.6, 0.2, 0.4, 0.1].map((v) => ({ toxic: v, kind: 'insult', kindScore: v }))
  const th = { flag: { insult: 0.8, 'identity-attack': 0.8, threat: 0.8, profanity: 0.8 }, within: 0.5, extend: 0.3 }
  t.same(modelSpans(tokens, scores, th), [], 'no run reaches the gate: nothing')
  t.same(modelSpans(tokens, scores, th, { flagged: true }).map((x) => [x.start, x.end]), [[3, 5]], 'flagged by the rules: the run at 0.6 shows, the one at 0.4 stays below within')
  t.same(modelSpans(tokens, scores, th, { flagged: false }), [], 'not flagged: the gate is as before')
  t.same(modelSpans(tokens, scores, { ...th, flag: { ...th.flag, insult: 1 } }, { flagged: true }), [], 'a class at threshold 1 stays off')
  const mixed: TokenScore[] = [{ toxic: 0.9, kind: 'threat', kindScore: 0.9 }, { toxic: 0.1, kind: 'insult', kindScore: 0.1 }, { toxic: 0.6, kind: 'insult', kindScore: 0.6 }, { toxic: 0.1, kind: 'insult', kindScore: 0.1 }, { toxic: 0.1, kind: 'insult', kindScore: 0.1 }]
  t.same(modelSpans(tokens, mixed, { ...th, flag: { ...th.flag, insult: 1 } }).map((x) => x.kind), ['threat'], 'nor does a gate opened by another class show it')
})

t.test('labels: a token is toxic when half of the raters marked it, with their type', async (t) => {
  const { tokens } = tokenize('you are a clown and I will hurt you')
  const spans = [
    { rater: 'a', type: 'Insult', start: 10, end: 15 },
    { rater: 'b', type: 'Insult', start: 10, end: 15 },
    { rater: 'a', type: 'Threat', start: 27, end: 31 },
    { rater: 'c', type: 'Profane/Obscene', start: 0, end: 3 }
  ]
  const labels = tokenLabels(tokens, spans, 4)
  t.same([...labels].map((l) => MODEL_CLASSES[l]), ['none', 'none', 'none', 'insult', 'none', 'none', 'none', 'none', 'none'], 'two of four raters: toxic; one of four: not')
  t.equal(MODEL_CLASSES[tokenLabels(tokens, spans, 2)[7]!], 'threat', 'one of two raters is half')
})

t.test('span F1 as SemEval-2021 Task 5 defines it', async (t) => {
  t.equal(spanF1(new Set(), new Set()), 1, 'nothing to find, nothing found')
  t.equal(spanF1(new Set([1]), new Set()), 0)
  t.equal(spanF1(new Set(), new Set([1])), 0)
  t.equal(spanF1(new Set([5]), new Set([1])), 0)
  t.equal(spanF1(offsetsOf([{ start: 0, end: 4 }]), offsetsOf([{ start: 2, end: 6 }])), 0.5)
})

t.test('the model file: written, read back, and refused when it does not match its manifest', async (t) => {
  const dir = await tempDir(t)
  const model = train(corpus(), options)
  const thresholds = { flag: { insult: 0.7, 'identity-attack': 0.7, threat: 0.7, profanity: 0.7 }, within: 0.5, extend: 0.4 }
  const manifest = await writeModel(dir, model, { thresholds, figures: { note: 'synthetic' } })
  t.match(manifest.version, /^[0-9a-f]{12}$/)
  const again = await writeModel(join(dir, 'again'), train(corpus(), options), { thresholds })
  t.equal(again.version, manifest.version, 'the same training, the same version')
  const loaded = await readModel(dir)
  t.equal(loaded.model.version, manifest.version)
  t.equal((await readModel(join(dir, 'again'))).model, loaded.model, 'the same weights read again are the same model object: its word cache survives a rules reload')
  t.same(loaded.manifest.thresholds, thresholds)
  const before = scores(model, 'you zorp')[1]!.toxic
  const after = scores(loaded.model, 'you zorp')[1]!.toxic
  t.ok(Math.abs(before - after) < 1e-3, `16-bit weights score the same (${before.toFixed(4)} vs ${after.toFixed(4)})`)

  await t.rejects(readModel(join(dir, 'nowhere')), { name: 'ModelFileError', message: /npm run train/ })
  const bin = join(dir, `${MODEL_NAME}.bin`)
  const bytes = await readFile(bin)
  bytes[10] = bytes[10]! ^ 0xff
  await writeFile(bin, bytes)
  await t.rejects(readModel(dir), new ModelFileError(`${dir}/${MODEL_NAME}.bin is not the file its manifest describes (version ${manifest.version})`))
  await writeFile(bin, bytes.subarray(0, 100))
  await t.rejects(readModel(dir), { message: /does not match its manifest/ })
})
