// A write's 503 comes a bounded time after the request arrived, not after it was sent to
// Redis. ioredis times each command from when it is sent; under load a request can wait
// first (the rate limiter, its turn on the event loop behind other requests' screening),
// and fifty requests into a paused Redis answered up to 120 ms past REDIS_TIMEOUT_MS
// (issue 13, point 4). The deadline counts from arrival, so the answer comes on time; the
// write itself may still land later, which the 503 says ("may have been stored; retry with
// the same id").
import type { Config } from '../config.js'
import { replicaAckTimeoutMs } from '../queue/review-queue.js'

export class DeadlinePassed extends Error {
  override name = 'DeadlinePassed'
  constructor (ms: number) { super(`no answer from the store within ${ms} ms of the request's arrival`) }
}

/**
 * The time a write may take from arrival: REDIS_TIMEOUT_MS, plus the replicas' WAIT when
 * REDIS_MIN_REPLICAS_ACK asks for one.
 */
export function writeDeadlineMs (config: Pick<Config, 'redisTimeoutMs' | 'minReplicasAck'>): number {
  const wait = config.minReplicasAck > 0 ? replicaAckTimeoutMs(config.redisTimeoutMs) : 0
  return config.redisTimeoutMs + wait
}

/**
 * `work`, or DeadlinePassed once `deadlineMs` have passed since the request arrived
 * (`elapsedMs` ago). The store always gets at least half the deadline, however long the
 * request took before it: a slow upload, or a long comment screened by a worker thread that
 * was still starting, is not a store that failed to answer.
 */
export async function beforeDeadline<T> (work: Promise<T>, elapsedMs: number, deadlineMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new DeadlinePassed(deadlineMs)) }, Math.max(deadlineMs - elapsedMs, deadlineMs / 2))
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
