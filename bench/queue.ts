// Queue cost against depth: claim + decide at a small and a large number of pending
// comments, and Redis memory per queued comment.
import { Redis } from 'ioredis'
import { ReviewQueue } from '../src/queue/review-queue.js'
import { screen } from '../src/screening/screen.js'
import type { Ruleset } from '../src/screening/ruleset.js'
import type { Screening } from '../src/screening/types.js'
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
    const [item] = await queue.claim(['bench'], 'bench-moderator', { max: 1, leaseMs: 60000 })
    await queue.site('bench').decide(item!.id, 'bench-moderator', 'approve')
    times.push(Number(process.hrtime.bigint() - t0) / 1000)
    await refill(1)
  }
}

/** A queue on its own redis-server, and a way to add screened comments to it. */
function queueOn (
  redisUrl: string, screened: Array<{ text: string, screening: Screening }>
): { redis: Redis, queue: ReviewQueue, fill: (count: number) => Promise<void> } {
  const redis = new Redis(redisUrl)
  const queue = new ReviewQueue(redis, { prefix: 'bench-queue', maxAttempts: 5 })
  let seq = 0
  const fill = async (count: number): Promise<void> => {
    for (let done = 0; done < count;) {
      const batch = Math.min(1000, count - done)
      await Promise.all(Array.from({ length: batch }, () => {
        const s = screened[seq % screened.length]!
        const id = `bench-${seq++}`
        return queue.site('bench').enqueue({ id, articleId: 'a1', text: s.text, submittedBy: 'bench' }, s.screening, { status: 'pending', lane: 'normal' })
      }))
      done += batch
    }
  }
  return { redis, queue, fill }
}

const usedMemory = async (redis: Redis): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1])

/**
 * The small and the large queue live on two redis-servers, filled before any timing; then
 * the two are timed in alternating blocks (small, large, small, …), so that JIT warm-up and
 * the machine's drifts fall on both alike.
 */
export async function benchQueue (
  texts: string[], rules: Ruleset, smallRedisUrl: string, largeRedisUrl: string, small: number, large: number, cycles: number
): Promise<QueueResults> {
  const pool = samples(texts, 250, 500)
  // Screen each distinct text once; the queue cost does not depend on the verdict.
  const screened = pool.map((text) => ({ text, ...screen({ text }, rules) }))
  const a = queueOn(smallRedisUrl, screened)
  const b = queueOn(largeRedisUrl, screened)
  try {
    await a.fill(small)
    const before = await usedMemory(b.redis)
    const t0 = Date.now()
    await b.fill(large)
    const fillSeconds = (Date.now() - t0) / 1000
    const after = await usedMemory(b.redis)
    await cycle(a.queue, [], cycles, a.fill) // warm-up
    await cycle(b.queue, [], cycles, b.fill)
    const timesSmall: number[] = []
    const timesLarge: number[] = []
    const block = Math.max(1, Math.floor(cycles / 10))
    for (let done = 0; done < cycles; done += block) {
      await cycle(a.queue, timesSmall, block, a.fill)
      await cycle(b.queue, timesLarge, block, b.fill)
    }
    const atSmall = summarize(timesSmall)
    const atLarge = summarize(timesLarge)
    const bytesPerComment = (after - before) / large
    const averageTextBytes = screened.reduce((sum, s) => sum + Buffer.byteLength(s.text), 0) / screened.length
    return {
      small, large, atSmall, atLarge,
      ratio: atLarge.median / atSmall.median,
      bytesPerComment,
      averageTextBytes,
      bytesOverText: bytesPerComment - averageTextBytes,
      fillPerSecond: large / fillSeconds
    }
  } finally {
    a.redis.disconnect()
    b.redis.disconnect()
  }
}
