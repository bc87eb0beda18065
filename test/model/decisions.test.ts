// A site teaches the model its own line: its moderators reject a word that the training
// data finds harmless, and after folding their decisions in, the model flags it.
import t from 'tap'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tokenize } from '../../src/screening/tokenize.js'
import { modelSpans, scoreTokens } from '../../src/screening/model.js'
import { seeded, train, type TrainingText } from '../../src/model/train.js'
import { decisionFigures, decisionTexts, formatDecisionFigures, splitDecisions, type Decided } from '../../src/model/decisions.js'
import { readDecisions } from '../../src/cli/commands.js'
import { tempDir } from '../helper.js'

const random = seeded(11)
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!
const subjects = ['the mayor', 'this plan', 'the council', 'my neighbour', 'the article', 'the writer']
const verbs = ['is', 'seems', 'looks', 'sounds']
const plain = ['fine', 'late', 'long', 'new', 'clear', 'useful']

/** The corpus: "snowflake" only ever in friendly weather talk; "idiot" always an insult. */
function corpus (): TrainingText[] {
  const texts: TrainingText[] = []
  for (let i = 0; i < 400; i++) {
    for (const text of [`${pick(subjects)} ${pick(verbs)} ${pick(plain)}`, `a snowflake fell on ${pick(subjects)}`, `${pick(subjects)} ${pick(verbs)} an idiot`]) {
      const { tokens } = tokenize(text)
      texts.push({ tokens, labels: Uint8Array.from(tokens.map((tk) => tk.norm === 'idiot' ? 1 : 0)), weight: 1 })
    }
  }
  return texts
}

/** The site's moderators: they reject "snowflake" said of a person and approve the rest. */
function siteDecisions (): Decided[] {
  const out: Decided[] = []
  for (let i = 0; i < 300; i++) {
    out.push({ id: `r${i}`, text: `${pick(subjects)} ${pick(verbs)} a snowflake`, decision: 'reject', reason: 'insult' })
    out.push({ id: `a${i}`, text: `${pick(subjects)} ${pick(verbs)} ${pick(plain)} today`, decision: 'approve' })
  }
  return out
}

const options = { bits: 14, epochs: 3, rate: 0.1, toxicWeight: 2, seed: 3 }
const thresholds = { flag: { insult: 0.6, 'identity-attack': 0.6, threat: 0.6, profanity: 0.6 }, within: 0.5, extend: 0.4 }
const flags = (model: ReturnType<typeof train>, text: string): string[] => {
  const { tokens } = tokenize(text)
  return modelSpans(tokens, scoreTokens(model, tokens), thresholds).map((s) => text.slice(s.start, s.end))
}

t.test('decisions move the model to the site\'s line, measured on decisions it did not learn from', async (t) => {
  const decisions = siteDecisions()
  const { train: learn, heldBack } = splitDecisions(decisions)
  t.ok(heldBack.length > decisions.length * 0.1 && heldBack.length < decisions.length * 0.3, `about a fifth held back (${heldBack.length} of ${decisions.length})`)
  t.same(splitDecisions(decisions).heldBack.map((d) => d.id), heldBack.map((d) => d.id), 'the split is stable')

  const before = train(corpus(), options)
  const after = train([...corpus(), ...decisionTexts(learn, 3)], options)
  t.same(flags(before, 'the writer is a snowflake'), [], 'before: the corpus finds the word harmless')
  t.same(flags(after, 'the writer is a snowflake'), ['snowflake'], 'after: flagged, and only the word the moderators object to')
  t.same(flags(after, 'the article is useful today'), [], 'what they approve stays clean')
  t.same(flags(after, 'the mayor is an idiot'), ['idiot'], 'what the corpus taught stays')

  const b = decisionFigures(before, thresholds, heldBack)
  const a = decisionFigures(after, thresholds, heldBack)
  t.equal(b.rejectedFlagged, 0)
  t.equal(a.rejectedFlagged, a.rejected, 'every held-back rejection is flagged after')
  t.equal(a.approvedFlagged, 0, 'no held-back approval is')
  t.match(formatDecisionFigures(b, a), /rejected comments the model flags: 0\.0% before, 100\.0% after/)
})

t.test('function words of a rejected comment are not what it is rejected for', async (t) => {
  const [text] = decisionTexts([{ id: 'x', text: 'you are a snowflake', decision: 'reject', reason: 'identity-attack' }], 2)
  t.same([...text!.labels], [0, 0, 0, 2], 'only "snowflake" carries the class of the reason (identity-attack)')
  t.equal(text!.weight, 2)
  const [other] = decisionTexts([{ id: 'y', text: 'rambling nonsense', decision: 'reject', reason: 'off-topic' }], 1)
  t.same([...other!.labels], [1, 1], 'a reason that is no model class reads as insult')
  const texts = decisionTexts([
    { id: 'r1', text: 'the writer is a snowflake', decision: 'reject', reason: 'insult' },
    { id: 'r2', text: 'the mayor is a snowflake', decision: 'reject', reason: 'insult' },
    { id: 'a1', text: 'the writer is right', decision: 'approve' },
    { id: 'a2', text: 'the mayor is right', decision: 'approve' }
  ], 1)
  t.same(texts.map((x) => [...x.labels]), [[0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]], 'words found in approved comments as often are not what a comment was rejected for')
})

t.test('decisions are read from the rules CLI export, reason included', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'decisions.jsonl')
  await writeFile(file, [
    JSON.stringify({ id: 'c1', text: 'you snowflake', decision: { decision: 'reject', reason: 'insult', decidedBy: 'alice' } }),
    JSON.stringify({ id: 'c2', text: 'nice piece', decision: 'approve' })
  ].join('\n') + '\n')
  t.same(await readDecisions(file), [
    { id: 'c1', text: 'you snowflake', decision: 'reject', reason: 'insult' },
    { id: 'c2', text: 'nice piece', decision: 'approve' }
  ])
})
