// `npm run eval`: measures the screening engine on ../shared/corpus, one figure per set.
// These sets are not the comments the service sees (see corpus/README.md), so the figures
// are reported per set and never blended. Usage:
//   npm run eval [-- --corpus DIR] [--rules DIR] [--models DIR | --models none]
// The learned scorer trains on parts of wiki-talk and Civil Comments (src/model/splits.ts):
// figures on those sets are on rows it never trained or was tuned on, and say which.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRules } from '../src/rules/load.js'
import { screen } from '../src/screening/screen.js'
import type { ScreenResult } from '../src/screening/types.js'
import { csvRecords } from './csv.js'
import { requireCorpus } from './corpus-check.js'
import { wikiSplit, bucket } from '../src/model/splits.js'
import { offsetsOf, spanF1 } from '../src/model/labels.js'

const { values } = parseArgs({ options: { corpus: { type: 'string', default: '../shared/corpus' }, rules: { type: 'string', default: 'rules' }, models: { type: 'string', default: 'models' }, verbose: { type: 'boolean', default: false } } })
const corpus = values.corpus
requireCorpus('npm run eval', corpus, ['language/lingua-sentences/en.txt', 'comments/wiki-talk/gc.csv', 'toxicity/davidson/labeled_data.csv',
  'toxicity/hatexplain/hatexplain_val_processed.csv', 'training/toxic-spans/tsd_trial.csv', 'training/bias-madlibs/bias_madlibs_77k.csv'])
const { ruleset } = await loadRules(values.rules, values.models === 'none' ? {} : { models: values.models })

const pct = (n: number, d: number): string => d === 0 ? 'n/a' : `${(100 * n / d).toFixed(2)}%`
let totalMicros = 0
let totalTexts = 0

function run (text: string): ScreenResult {
  const t0 = process.hrtime.bigint()
  const r = screen({ text }, ruleset)
  totalMicros += Number(process.hrtime.bigint() - t0) / 1000
  totalTexts++
  return r
}

/** Flags that say something about toxicity (not language, not spam). */
function toxic (r: ScreenResult): boolean {
  return r.screening.flags.some((f) => f.category !== 'language' && f.category !== 'spam')
}

const csv = (path: string): Array<Record<string, string>> => csvRecords(readFileSync(path, 'utf8'))

// The targets the issues set, by measure: at least or at most this figure.
const TARGETS: Record<string, ['≥' | '≤', number]> = {
  'English kept': ['≥', 99.5],
  'non-English caught': ['≥', 98],
  'false flags on ordinary comments (label 0)': ['≤', 1],
  'offensive-or-hate recall': ['≥', 85],
  'flag precision@davidson': ['≥', 97],
  'toxic-span F1': ['≥', 65],
  'posts flagged (all were rated toxic)': ['≥', 70],
  'friendly identity sentences flagged': ['≤', 1]
}
const lines: string[] = ['| set | measure | value | target |', '|---|---|---|---|']
function add (set: string, measure: string, value: string): void {
  const target = TARGETS[`${measure}@${set}`] ?? TARGETS[measure]
  const met = target === undefined ? '' : `${target[0]} ${target[1]}: ${(target[0] === '≥' ? parseFloat(value) >= target[1] : parseFloat(value) <= target[1]) ? 'met' : 'missed'}`
  lines.push(`| ${set} | ${measure} | ${value} | ${met} |`)
}
const examples: string[] = []

// Language: lingua sentences, one file per language.
const langDir = join(corpus, 'language/lingua-sentences')
let caught = 0
let foreign = 0
for (const file of readdirSync(langDir).sort()) {
  const sentences = readFileSync(join(langDir, file), 'utf8').split('\n').filter(Boolean)
  const english = sentences.map((s) => run(s).screening.language.english)
  if (file === 'en.txt') add('lingua en.txt', 'English kept', pct(english.filter((e) => e !== false).length, english.length))
  else {
    caught += english.filter((e) => e === false).length
    foreign += english.length
  }
}
add('lingua, 74 other languages', 'non-English caught', pct(caught, foreign))

// Ordinary discussion comments: English kept, false flags on label 0, recall on label 1.
// The held-out half only: the model learned clean negatives from the rest.
const wiki = csv(join(corpus, 'comments/wiki-talk/gc.csv')).filter((row) => wikiSplit(row.id!) === 'held-out')
let kept = 0
let clean = 0
let falseFlags = 0
let toxicRows = 0
let toxicFlagged = 0
for (const row of wiki) {
  const r = run(row.text!)
  if (r.screening.language.english !== false) kept++
  if (row.label === '0') {
    clean++
    if (toxic(r)) {
      falseFlags++
      if (values.verbose) examples.push(`wiki false flag: ${r.screening.flags.map((f) => `${f.category}:${f.rule} [${f.text}]`).join(', ')}`)
    }
  } else {
    toxicRows++
    if (toxic(r)) toxicFlagged++
  }
}
add('wiki-talk gc.csv, held-out half', 'English kept', pct(kept, wiki.length))
add('wiki-talk gc.csv, held-out half', 'false flags on ordinary comments (label 0)', pct(falseFlags, clean))
add('wiki-talk gc.csv, held-out half', 'toxic comments flagged (label 1)', pct(toxicFlagged, toxicRows))

// Davidson tweets: class 0 hate, 1 offensive, 2 neither.
const davidson = csv(join(corpus, 'toxicity/davidson/labeled_data.csv'))
let tp = 0
let fp = 0
let positives = 0
for (const row of davidson) {
  const positive = row.class !== '2'
  const flagged = toxic(run(row.tweet!))
  if (positive) positives++
  if (flagged && positive) tp++
  if (flagged && !positive) {
    fp++
    if (values.verbose) examples.push(`davidson false flag: ${row.tweet}`)
  }
  if (!flagged && positive && values.verbose && Math.random() < 0.01) examples.push(`davidson missed: ${row.tweet}`)
}
add('davidson', 'offensive-or-hate recall', pct(tp, positives))
add('davidson', 'flag precision', pct(tp, tp + fp))

// HateXplain: majority label 0 hate, 1 normal, 2 offensive.
const hx = csv(join(corpus, 'toxicity/hatexplain/hatexplain_val_processed.csv'))
let hTp = 0
let hFp = 0
let hPos = 0
for (const row of hx) {
  const labels = (/'label': \[([^\]]*)\]/.exec(row.annotators!)?.[1] ?? '').split(',').map((s) => Number(s.trim()))
  const normalVotes = labels.filter((l) => l === 1).length
  const positive = normalVotes < 2
  const flagged = toxic(run(row.masked_sentence!))
  if (positive) hPos++
  if (flagged && positive) hTp++
  if (flagged && !positive) hFp++
}
add('hatexplain val', 'hate-or-offensive recall', pct(hTp, hPos))
add('hatexplain val', 'flag precision', pct(hTp, hTp + hFp))
// Civil Comments news posts, SemEval-2021 Task 5 trial split (never trained or tuned on):
// the task's span F1 over toxic-category flags, and how many posts get any such flag.
const trial = csv(join(corpus, 'training/toxic-spans/tsd_trial.csv'))
let f1 = 0
let trialFlagged = 0
for (const row of trial) {
  const r = run(row.text!)
  const spans = r.screening.flags.filter((f) => f.category !== 'language' && f.category !== 'spam')
  f1 += spanF1(offsetsOf(spans), new Set(JSON.parse(row.spans!) as number[]))
  if (spans.length > 0) trialFlagged++
}
add('semeval-2021 trial (news comments)', 'toxic-span F1', (100 * f1 / trial.length).toFixed(1))
add('semeval-2021 trial (news comments)', 'posts flagged (all were rated toxic)', pct(trialFlagged, trial.length))

// Identity templates, the three quarters the model never saw: friendly sentences naming a
// group must not be flagged for naming it; hostile ones should be.
const madlibs = csv(join(corpus, 'training/bias-madlibs/bias_madlibs_77k.csv')).filter((row) => bucket(row.Text!) >= 25)
const friendly = madlibs.filter((row) => row.Label === 'NOT_BAD')
const hostile = madlibs.filter((row) => row.Label === 'BAD')
add('bias-madlibs, held out', 'friendly identity sentences flagged', pct(friendly.filter((row) => toxic(run(row.Text!))).length, friendly.length))
add('bias-madlibs, held out', 'hostile identity sentences flagged', pct(hostile.filter((row) => toxic(run(row.Text!))).length, hostile.length))

add('all sets', 'µs per text (mean, screen() end to end)', (totalMicros / totalTexts).toFixed(1))

console.log(`rules ${ruleset.version}, model ${ruleset.model?.model.version ?? 'off'}\n`)
console.log(lines.join('\n'))
if (values.verbose) console.log('\n' + examples.join('\n'))
