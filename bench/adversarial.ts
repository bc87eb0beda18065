import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Adversarial text families: the inputs a hostile user would send to make screening slow.
// Each family builds a text of (about) a requested length in UTF-16 units, deterministically,
// so the linear-time test (test/screening/linear-time.test.ts) and `npm run bench` time the
// same texts. A family is a shape of input that once reached, or could reach, a stage that
// joins, segments or backtracks over tokens: separated letters, styled letters, masks, leet.

export interface Family {
  name: string
  make: (length: number) => string
}

/**
 * Whole units, repeated up to `length` UTF-16 units. Never a part of a unit: a text cut
 * mid-word would take another path through screening at each length, and the family
 * would compare two different kinds of input.
 */
function fill (length: number, unit: (i: number) => string): string {
  const parts: string[] = []
  let size = 0
  for (let i = 0; ; i++) {
    const u = unit(i)
    if (size + u.length > length) break
    parts.push(u)
    size += u.length
  }
  return parts.join('')
}

/** The longest unit of any family: a text is at most this much shorter than asked for. */
export const MAX_UNIT = 700

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
/** Letters that spell list words when joined: the worst case for word-joining stages. */
const WORDY = 'fuckidiotshitassmoronkillmuslims'

/** Every letter of WORDY, each made by `f`: one unit that spells the same words every time. */
const cycle = (f: (letter: string) => string): string => [...WORDY].map(f).join('')

/** A letter in a styled Unicode alphabet that NFKC (or the folding) maps back to ASCII. */
const styled = (base: number) => (letter: string): string => String.fromCodePoint(base + LETTERS.indexOf(letter))

const SEPARATORS: Array<[string, string]> = [
  ['dot', '.'], ['hyphen', '-'], ['underscore', '_'], ['asterisk', '*'], ['slash', '/'],
  ['backslash', '\\'], ['pipe', '|'], ['one-space', ' '], ['two-spaces', '  '], ['three-spaces', '   '],
  ['zero-width-space', '\u200b'], ['zero-width-joiner', '\u200d']
]

const same = (unit: string) => (): string => unit

/** The i-th word of six or more letters, none repeated ("aaaaab", "aaaaac", …). */
const uniqueWord = (i: number): string => i.toString(26).padStart(6, '0').replace(/./g, (d) => LETTERS[parseInt(d, 26)]!)

export const FAMILIES: Family[] = [
  ...SEPARATORS.map(([name, sep]): Family => ({ name: `separated-letters/${name}`, make: (n) => fill(n, same(cycle((c) => c + sep))) })),
  { name: 'alternating-ab-dots', make: (n) => fill(n, same('a.b.')) },
  { name: 'full-width-letters', make: (n) => fill(n, same(cycle(styled(0xff41)))) },
  { name: 'full-width-spaced', make: (n) => fill(n, same(cycle((c) => styled(0xff41)(c) + ' '))) },
  { name: 'circled-letters', make: (n) => fill(n, same(cycle((c) => styled(0x24d0)(c) + ' '))) },
  { name: 'squared-letters', make: (n) => fill(n, same(cycle((c) => styled(0x1f130)(c) + ' '))) },
  { name: 'negative-squared-letters', make: (n) => fill(n, same(cycle(styled(0x1f170)))) },
  { name: 'mathematical-bold-letters', make: (n) => fill(n, same(cycle((c) => styled(0x1d41a)(c) + ' '))) },
  { name: 'alternating-scripts', make: (n) => fill(n, same('aа')) },
  { name: 'alternating-scripts-spaced', make: (n) => fill(n, same('a а ')) },
  { name: 'endless-token', make: (n) => fill(n, same(WORDY)) },
  { name: 'one-letter-tokens', make: (n) => fill(n, same([...LETTERS].join(' ') + ' ')) },
  { name: 'masks', make: (n) => fill(n, same('f*ck ')) },
  { name: 'masks-joined', make: (n) => fill(n, same('f*ck')) },
  { name: 'leet-digits', make: (n) => fill(n, same('5h1t 1d10t ')) },
  { name: 'leet-digits-joined', make: (n) => fill(n, same('5h1t1d10t')) },
  { name: 'endless-number', make: (n) => fill(n, same('7')) },
  { name: 'numbers-and-letters', make: (n) => fill(n, same('1234567890a ')) },
  { name: 'emoji-run', make: (n) => fill(n, same('😀🔥🅸')) },
  { name: 'combining-marks', make: (n) => fill(n, same(cycle((c) => c + '\u0301'.repeat(19)))) },
  { name: 'words-run-together', make: (n) => fill(n, same('youareanidiot')) },
  { name: 'insults-aimed', make: (n) => fill(n, same('you are an idiot and a liar, ')) },
  { name: 'reversed-override', make: (n) => fill(n, same('\u202etoidi era uoy ')) },
  // Thousands of distinct words: the learned scorer keeps each word's features in a cache
  // that fills up and is emptied (bounded), and the segmenter meets no word it knows.
  { name: 'unique-words', make: (n) => fill(n, (i) => uniqueWord(i) + ' ') }
]

export interface FamilyTiming {
  name: string
  /** CPU milliseconds per text at each length: the best of the rounds. */
  ms: Record<number, number>
  /** Time ratios between consecutive lengths (10k/1k, 100k/10k): the best of the rounds. */
  ratios: number[]
}

// A full collection before each measurement, so that one measurement does not pay for the
// garbage of the one before it (the standard way to reach gc() without --expose-gc).
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

export interface TimingOptions {
  rounds?: number
  /** Characters screened per measurement: short texts are repeated up to this. */
  budget?: number
  families?: Family[]
}

/** CPU milliseconds per run of `run(text)`, over enough repetitions to cover `budget` characters. */
function measure (run: (text: string) => unknown, text: string, budget: number): number {
  const reps = Math.max(1, Math.round(budget / Math.max(text.length, 1)))
  collect()
  // One untimed run after the collection: a full collection also shrinks the young
  // generation, and the first run after it pays for growing it again. Without this, one
  // 100,000-character run paid that alone while 10 runs of 10,000 shared it, and the ratio
  // between them measured the collector (up to 20× under coverage), not screening.
  run(text)
  const t0 = process.cpuUsage()
  for (let k = 0; k < reps; k++) run(text)
  const used = process.cpuUsage(t0)
  return (used.user + used.system) / 1000 / reps
}

/**
 * Time `run` on each family at each length, in CPU time of this process (time spent while
 * other processes had the cores does not count). Each round measures every length back
 * to back and gives its own ratios; a family's ratio is its best round's. A machine that
 * slows down for a moment inflates one round, not all of them, while a super-linear stage
 * shows in every round.
 */
export function timeFamilies (run: (text: string) => unknown, lengths: number[], options: TimingOptions = {}): FamilyTiming[] {
  const { rounds = 3, budget = Math.max(...lengths), families = FAMILIES } = options
  return families.map((family) => {
    const texts = lengths.map((length) => family.make(length))
    for (const text of texts) run(text)
    const ms: Record<number, number> = {}
    const ratios = lengths.slice(1).map(() => Infinity)
    for (let r = 0; r < rounds; r++) {
      const round = texts.map((text) => measure(run, text, budget))
      lengths.forEach((length, i) => { ms[length] = Math.min(ms[length] ?? Infinity, round[i]!) })
      for (let i = 1; i < lengths.length; i++) ratios[i - 1] = Math.min(ratios[i - 1]!, round[i]! / Math.max(round[i - 1]!, 1e-3))
    }
    return { name: family.name, ms, ratios }
  })
}
