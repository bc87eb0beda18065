// REDIS_MIN_REPLICAS_ACK: a comment or decision is acknowledged only once a replica holds it.
import t from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, until } from './helper.js'
import { Redis } from 'ioredis'
import { SiteKeys } from '../src/queue/keys.js'

t.test('without a replica in time: 503 that says retry with the same id; with it back: the retry answers', async (t) => {
  const primary = await startRedis(t)
  const replicaArgs = ['--replicaof', '127.0.0.1', String(primary.port), '--repl-diskless-sync-delay', '0']
  let replica = await startRedis(t, { extraArgs: replicaArgs })
  const { app } = await buildTestApp(t, primary.url, { REDIS_MIN_REPLICAS_ACK: '1', REDIS_TIMEOUT_MS: '500' })
  const admin = new Redis(primary.url)
  t.teardown(() => admin.disconnect())
  await until(t, 'the replica is in sync', async () => /slave0:.*state=online/.test(await admin.info('replication')))
  const submit = async (id: string) => await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id }) })

  t.equal((await submit('r-1')).statusCode, 202, 'acknowledged with the replica up')

  await replica.kill()
  const refused = await submit('r-2')
  t.equal(refused.statusCode, 503)
  t.equal(refused.json().code, 'STORE_UNAVAILABLE')
  t.match(refused.json().message, /may or may not have been stored\. Retry with the same id \("r-2"\)/)
  t.equal(await admin.hget(new SiteKeys(app.config.redisPrefix, 'rasa').comment('r-2'), 'status'), 'pending', 'the primary has it; only the replica does not')

  replica = await startRedis(t, { dir: replica.dir, port: replica.port, extraArgs: replicaArgs })
  await until(t, 'the replica is back in sync', async () => /slave0:.*state=online/.test(await admin.info('replication')))
  // As a client would: retry with the same id until acknowledged (on a loaded machine the
  // replica's first acknowledgement can miss the 400 ms the service waits for it).
  let retry = await submit('r-2')
  await until(t, 'the retry is acknowledged now', async () => (retry = retry.statusCode === 202 ? retry : await submit('r-2')).statusCode === 202)
  t.equal(retry.headers['idempotent-replayed'], 'true', 'and is the comment stored the first time, not a second copy')
  // A primary and replica stopped with SIGTERM at teardown now and then did not exit (seen
  // in CI, as in the Sentinel test): the data is not needed, so they are killed outright.
  admin.disconnect()
  await replica.kill()
  await primary.kill()
})
