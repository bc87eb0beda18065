import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeDeadline, DeadlinePassed, writeDeadlineMs } from '../../src/http/deadline.js'
import { isStoreUnavailable } from '../../src/http/errors.js'

const never = new Promise<never>(() => {})

t.test('the work\'s answer, or its error, when it comes in time', async (t) => {
  t.equal(await beforeDeadline(Promise.resolve('stored'), 0, 1000), 'stored')
  await t.rejects(beforeDeadline(Promise.reject(new Error('ID_CONFLICT')), 0, 1000), /ID_CONFLICT/)
})

t.test('counts from arrival: a request that already waited has only the rest', async (t) => {
  // Not a wall-clock bound, which a busy machine breaks: timers fire in the order they are
  // due, however late the loop gets to them, so the rest (700 ms) must beat a timer at 850 ms.
  const answer = beforeDeadline(never, 300, 1000).catch((e: unknown) => e)
  const first = await Promise.race([answer, sleep(850, 'the 850 ms timer')])
  t.type(first, DeadlinePassed, 'it waited the rest (700 ms), not the whole deadline again')
  t.ok(isStoreUnavailable(first), 'answered as the store not answering: 503')
})

t.test('however long the request took before it, the store gets half the deadline', async (t) => {
  // Arrived 5 s ago (a slow upload, a cold worker thread): the store still gets 50 of 100 ms.
  t.equal(await beforeDeadline(sleep(10).then(() => 'stored'), 5000, 100), 'stored')
  const started = performance.now()
  await t.rejects(beforeDeadline(never, 5000, 100), DeadlinePassed)
  t.ok(performance.now() - started >= 45, 'and no less')
})

t.test('the deadline: REDIS_TIMEOUT_MS, and the replicas\' WAIT when acknowledgements are asked for', async (t) => {
  t.equal(writeDeadlineMs({ redisTimeoutMs: 500, minReplicasAck: 0 }), 500)
  t.equal(writeDeadlineMs({ redisTimeoutMs: 500, minReplicasAck: 1 }), 900)
})
