// Comments for benchmarks, drawn from ../shared/corpus (wiki-talk discussion comments),
// cut or joined to a target length at word boundaries.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv } from '../scripts/csv.js'

export function loadTexts (corpusDir: string): string[] {
  const [head, ...rows] = parseCsv(readFileSync(join(corpusDir, 'comments/wiki-talk/gc.csv'), 'utf8'))
  const col = head!.indexOf('text')
  return rows.map((r) => (r[col] ?? '').replace(/\s+/g, ' ').trim()).filter((t) => t.length > 20)
}

/** `count` comments of about `length` characters each, built from the corpus in order. */
export function samples (texts: string[], length: number, count: number): string[] {
  const out: string[] = []
  let i = 0
  while (out.length < count) {
    let s = ''
    while (s.length < length) s += (s === '' ? '' : ' ') + texts[i++ % texts.length]
    const cut = s.lastIndexOf(' ', length)
    out.push(s.slice(0, cut > length * 0.8 ? cut : length))
  }
  return out
}

export interface Timing { median: number, p99: number, mean: number }

/**
 * Time several functions on the same inputs in alternating blocks (A B C A B C …): each
 * block runs one function over all inputs, as a service would, and alternation spreads
 * slow drifts of the machine evenly over all of them. Calls are not interleaved one by
 * one: the garbage one contender leaves would be charged to the next.
 */
export function timeTogether (inputs: string[], fns: Array<(s: string) => unknown>, rounds = 1): Timing[] {
  const times: number[][] = fns.map(() => [])
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, k) => {
      for (const s of inputs.slice(0, 50)) f(s)
      for (const s of inputs) {
        const t0 = process.hrtime.bigint()
        f(s)
        times[k]!.push(Number(process.hrtime.bigint() - t0) / 1000)
      }
    })
  }
  return times.map(summarize)
}

export function summarize (values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length }
}

/** Time each call; returns microseconds per call. */
export function time (inputs: string[], f: (s: string) => unknown, rounds = 1): Timing {
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (const s of inputs) {
      const t0 = process.hrtime.bigint()
      f(s)
      times.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
  }
  return summarize(times)
}
