import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { beforeDeadline, DeadlinePassed, writeDeadlineMs } from '../../src/http/deadline.js'
import { isStoreUnavailable } from '../../src/http/errors.js'

// beforeDeadline reads only these two fields of a request and its reply.
const at = (elapsedTime: number, bodyMs = 0): [FastifyRequest, FastifyReply] =>
  [{ bodyMs } as unknown as FastifyRequest, { elapsedTime } as unknown as FastifyReply]
const never = new Promise<never>(() => {})

t.test('the work\'s answer, or its error, when it comes in time', async (t) => {
  t.equal(await beforeDeadline(Promise.resolve('stored'), ...at(0), 1000), 'stored')
  await t.rejects(beforeDeadline(Promise.reject(new Error('ID_CONFLICT')), ...at(0), 1000), /ID_CONFLICT/)
})

t.test('counts from arrival: a request that already waited has only the rest', async (t) => {
  const started = performance.now()
  const err = await beforeDeadline(never, ...at(980), 1000).catch((e: unknown) => e)
  t.type(err, DeadlinePassed)
  t.ok(isStoreUnavailable(err), 'answered as the store not answering: 503')
  t.ok(performance.now() - started < 900, 'it did not wait the whole deadline again')
})

t.test('a slow upload still leaves the store as long as the upload took, up to the deadline', async (t) => {
  // Arrived 5 s ago, 4.99 s of it spent uploading: the store still gets its 50 ms.
  t.equal(await beforeDeadline(sleep(10).then(() => 'stored'), ...at(5000, 4990), 50), 'stored')
})

t.test('the deadline: REDIS_TIMEOUT_MS, and the replicas\' WAIT when acknowledgements are asked for', async (t) => {
  t.equal(writeDeadlineMs({ redisTimeoutMs: 500, minReplicasAck: 0 }), 500)
  t.equal(writeDeadlineMs({ redisTimeoutMs: 500, minReplicasAck: 1 }), 900)
})
