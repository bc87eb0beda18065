// Webhook delivery across service processes: two processes never send the same event at the
// same time, and a process killed mid-delivery loses nothing (its event is sent again by the
// next, with the same Idempotency-Key).
import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { API_KEYS, KEYS, startRedis, startServer, until } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'
import { Receiver } from '../webhook-receiver.js'

const redis = await startRedis(t)
const FRENCH = 'Je pense que cet article sur le nouveau pont est très intéressant et bien écrit.'

async function env (t: Test, url: string): Promise<Record<string, string>> {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s.replace('language: { action: review, lane: low, reason: Please write in English. }', 'language: { action: reject, lane: low, reason: Please write in English. }'))
  return { REDIS_URL: redis.url, REDIS_PREFIX: `wh-${randomBytes(4).toString('hex')}`, API_KEYS, RULES_DIR: dir, RULES_WATCH: 'false', WEBHOOKS: `rasa=${url}`, WEBHOOK_SECRETS: 'rasa=whsec-0123456789abcdef', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100' }
}
/** Comments rejected automatically (not English): one decision, one event each. */
async function submit (base: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await fetch(`${base}/v1/comments`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.site}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, articleId: 'a', text: FRENCH }) })
    if (res.status !== 202) throw new Error(await res.text())
  }
}
const distinct = (r: Receiver) => new Set(r.deliveries.map((d) => d.body.id as string))

t.test('two processes deliver every event, never the same one at the same time', async (t) => {
  const receiver = new Receiver()
  receiver.delayMs = 20
  const e = await env(t, await receiver.listen(t))
  const one = startServer(t, e)
  const two = startServer(t, e)
  const [a] = await Promise.all([one.address, two.address])
  const ids = Array.from({ length: 40 }, (_, i) => `p-${i}`)
  await submit(a, ids)
  await until(t, 'all forty delivered', () => distinct(receiver).size === 40, 60000)
  t.same(receiver.concurrent, [], 'no event was in flight twice at once')
  t.comment(`${receiver.deliveries.length - 40} duplicate deliveries (allowed only after a crash)`)
  t.equal(receiver.deliveries.length, 40, 'and none twice at all')
})

t.test('a process killed with SIGKILL mid-delivery loses nothing; the duplicate carries the same key', async (t) => {
  const receiver = new Receiver()
  let release: () => void = () => {}
  receiver.hold = new Promise<void>((resolve) => { release = resolve })
  const e = await env(t, await receiver.listen(t))
  const first = startServer(t, e)
  await submit(await first.address, ['k-1', 'k-2', 'k-3'])
  await until(t, 'deliveries are in flight', () => receiver.requests >= 3)
  first.child.kill('SIGKILL')
  await first.exited
  // The receiver got the requests whole: it handles them, but the killed process never hears.
  release()
  receiver.hold = undefined
  const second = startServer(t, e)
  await second.address
  await until(t, 'every event delivered after the restart', () => distinct(receiver).size === 3 && receiver.deliveries.length >= 6, 60000)
  const byKey = new Map<string, number>()
  for (const d of receiver.deliveries) byKey.set(d.eventId, (byKey.get(d.eventId) ?? 0) + 1)
  t.same([...byKey.values()], [2, 2, 2], 'each event at most twice, and the duplicate has the same Idempotency-Key')
})
