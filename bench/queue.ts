// Queue cost against depth: claim + decide at a small and a large number of pending
// comments, and Redis memory per queued comment.
import { Redis } from 'ioredis'
import { ReviewQueue } from '../src/queue/review-queue.js'
import { screen } from '../src/screening/screen.js'
import type { Ruleset } from '../src/screening/ruleset.js'
import { samples, summarize, type Timing } from './corpus.js'

export interface QueueResults {
  small: number
  large: number
  atSmall: Timing
  atLarge: Timing
  ratio: number
  bytesPerComment: number
  averageTextBytes: number
  bytesOverText: number
  fillPerSecond: number
}

/** Timed claim + decide cycles; each decided comment is replaced (untimed) to keep the depth. */
async function cycle (queue: ReviewQueue, times: number[], n: number, refill: (count: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    const [item] = await queue.claim('bench-moderator', { max: 1, leaseMs: 60000 })
    await queue.decide(item!.id, 'bench-moderator', 'approve')
    times.push(Number(process.hrtime.bigint() - t0) / 1000)
    await refill(1)
  }
}

export async function benchQueue (texts: string[], rules: Ruleset, redisUrl: string, small: number, large: number, cycles: number): Promise<QueueResults> {
  const redis = new Redis(redisUrl)
  const queue = new ReviewQueue(redis, { prefix: 'bench-queue', maxAttempts: 5 })
  const pool = samples(texts, 250, 500)
  // Screen each distinct text once; the queue cost does not depend on the verdict.
  const screened = pool.map((text) => ({ text, ...screen({ text }, rules) }))
  let seq = 0
  const fill = async (count: number): Promise<void> => {
    for (let done = 0; done < count;) {
      const batch = Math.min(1000, count - done)
      await Promise.all(Array.from({ length: batch }, () => {
        const s = screened[seq % screened.length]!
        const id = `bench-${seq++}`
        return queue.enqueue({ id, articleId: 'a1', text: s.text, submittedBy: 'bench' }, s.screening, { status: 'pending', lane: 'normal' })
      }))
      done += batch
    }
  }
  const used = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1])
  try {
    await fill(small)
    const timesSmall: number[] = []
    await cycle(queue, [], cycles, fill) // warm-up: as many cycles as are timed, so the JIT has settled
    await cycle(queue, timesSmall, cycles, fill)
    const before = await used()
    const t0 = Date.now()
    await fill(large - small)
    const fillSeconds = (Date.now() - t0) / 1000
    const after = await used()
    const timesLarge: number[] = []
    await cycle(queue, timesLarge, cycles, fill)
    const atSmall = summarize(timesSmall)
    const atLarge = summarize(timesLarge)
    const bytesPerComment = (after - before) / (large - small)
    const averageTextBytes = screened.reduce((a, s) => a + Buffer.byteLength(s.text), 0) / screened.length
    return {
      small, large, atSmall, atLarge,
      ratio: atLarge.median / atSmall.median,
      bytesPerComment,
      averageTextBytes,
      bytesOverText: bytesPerComment - averageTextBytes,
      fillPerSecond: (large - small) / fillSeconds
    }
  } finally {
    redis.disconnect()
  }
}
