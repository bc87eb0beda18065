// Screening speed: screen() against bad-words and franc, on the same comments, same run.
import { Filter } from 'bad-words'
import { franc } from 'franc'
import { screen } from '../src/screening/screen.js'
import { compileRuleset, type RuleSource } from '../src/screening/ruleset.js'
import type { Ruleset } from '../src/screening/ruleset.js'
import { samples, time, timeTogether, type Timing } from './corpus.js'

export interface ScreeningResults {
  rows: Array<{ name: string, short: Timing, long?: Timing }>
  speedupVsIsProfane: number
  speedupVsNaive: number
  lexicon20kVsDefault: number
  linear100k: number
}

export function benchScreening (texts: string[], rules: Ruleset, source: RuleSource, quick: boolean): ScreeningResults {
  const n = quick ? 300 : 2000
  const short = samples(texts, 250, n)
  const long = samples(texts, 10000, quick ? 10 : 40)
  const filter = new Filter()
  const run = (s: string): unknown => screen({ text: s }, rules)
  // Warm up every contender so the JIT has settled before any timing.
  for (let round = 0; round < 3; round++) for (const s of short) run(s)
  for (const s of short.slice(0, 200)) { filter.isProfane(s); franc(s) }

  // The same rules plus a 20,000-entry list: cost should barely move.
  const big = compileRuleset({
    ...source,
    version: source.version + '+20k',
    lists: [...source.lists, {
      id: 'synthetic-20k',
      category: 'insult',
      severity: 'low',
      mode: 'always',
      when: {},
      entries: syntheticWords(20000).map((text) => ({ text }))
    }]
  })
  const runBig = (s: string): unknown => screen({ text: s }, big)
  for (let round = 0; round < 3; round++) for (const s of short) runBig(s)

  const isProfane = (s: string): unknown => filter.isProfane(s)
  const francOnly = (s: string): unknown => franc(s)
  const naive = (s: string): unknown => { franc(s); return filter.isProfane(s) }
  const [ours, withBig, profane, francT, naiveT] = timeTogether(short, [run, runBig, isProfane, francOnly, naive], 3)
  const [oursLong, profaneLong, francLong, naiveLong] = timeTogether(long, [run, isProfane, francOnly, naive])
  const clean = (s: string): unknown => filter.clean(s)
  const rows: ScreeningResults['rows'] = [
    { name: 'Moderato screen() (default rules)', short: ours!, long: oursLong! },
    { name: 'bad-words isProfane', short: profane!, long: profaneLong! },
    // clean() runs one RegExp per list word over the text: slow, so fewer samples.
    { name: 'bad-words clean', short: time(short.slice(0, quick ? 20 : 100), clean), long: time(long.slice(0, 3), clean) },
    { name: 'franc', short: francT!, long: francLong! },
    { name: 'naive: franc + isProfane', short: naiveT!, long: naiveLong! },
    { name: 'Moderato screen() + 20,000-entry list', short: withBig! }
  ]

  // Linear in length: 100 KB of one repeated character against 10 KB of it.
  const t10 = time(['a'.repeat(10000)], run, 5).median
  const t100 = time(['a'.repeat(100000)], run, 5).median
  return {
    rows,
    speedupVsIsProfane: profane!.median / ours!.median,
    speedupVsNaive: naiveT!.median / ours!.median,
    lexicon20kVsDefault: withBig!.median / ours!.median,
    linear100k: t100 / t10
  }
}

/** Deterministic pseudo-words (5 to 9 letters) that no comment contains. */
function syntheticWords (count: number): string[] {
  const out: string[] = []
  let x = 12345
  const consonants = 'bcdfgklmnprstvz'
  const vowels = 'aeiou'
  while (out.length < count) {
    let w = 'q'
    const len = 5 + (x % 5)
    for (let i = 1; i < len; i++) {
      x = (x * 1103515245 + 12345) % 2147483648
      w += i % 2 === 1 ? vowels[x % 5] : consonants[x % 15]
    }
    out.push(w + String(out.length))
  }
  return out
}
