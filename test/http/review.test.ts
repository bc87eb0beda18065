import t, { type Test } from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, TestClock } from '../helper.js'

const redis = await startRedis(t)
const site = auth(KEYS.site)
const alice = auth(KEYS.alice)
const bob = auth(KEYS.bob)

async function fresh (t: Test, env: Record<string, string> = {}) {
  // The queue's clock: a test ends a lease by moving it, not by sleeping.
  const clock = new TestClock()
  const built = await buildTestApp(t, redis.url, env, undefined, { clock: clock.now })
  const { app } = built
  const submit = async (id: string, text = 'A calm remark about the bridge, nothing more.') => {
    const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id, text }) })
    if (res.statusCode !== 202) throw new Error(res.body)
    return res.json()
  }
  const claim = async (who: Record<string, string>, body: object = {}) => app.inject({ method: 'POST', url: '/v1/review/claim', headers: who, payload: body })
  const decide = async (who: Record<string, string>, id: string, body: object) => app.inject({ method: 'POST', url: `/v1/review/${id}/decision`, headers: who, payload: body })
  return { ...built, submit, claim, decide, clock }
}

t.test('claim: most urgent lane first, oldest first, never one comment to two holders', async (t) => {
  const { submit, claim } = await fresh(t)
  await submit('n1')
  await submit('u1', 'I will kill you')
  await submit('n2')
  await submit('h1', 'You are an idiot')
  await submit('u2', 'Immigrants are animals')
  const first = await claim(alice, { max: 3, leaseSeconds: 60 })
  t.equal(first.statusCode, 200)
  const items = first.json().items
  t.same(items.map((i: { id: string }) => i.id), ['u1', 'u2', 'h1'])
  t.same(Object.keys(items[0]).sort(), ['articleId', 'attempts', 'id', 'leaseExpiresAt', 'screening', 'site', 'text'])
  t.equal(items[0].attempts, 1)
  t.ok(Date.parse(items[0].leaseExpiresAt) > Date.now() + 50000, 'lease of about 60 s')
  const second = await claim(bob, { max: 10 })
  t.same(second.json().items.map((i: { id: string }) => i.id), ['n1', 'n2'], 'what alice holds is not offered to bob')
  t.same((await claim(bob)).json().items, [], 'queue empty')
})

t.test('many moderators claiming at once never share a comment', async (t) => {
  const { submit, app } = await fresh(t)
  const other = await buildTestApp(t, redis.url, { REDIS_PREFIX: app.config.redisPrefix })
  for (let i = 0; i < 120; i++) await submit(`c${i}`)
  const who = [alice, bob, alice, bob, alice, bob]
  const claims = await Promise.all(who.flatMap((h, i) => Array.from({ length: 4 }, () =>
    (i % 2 === 0 ? app : other.app).inject({ method: 'POST', url: '/v1/review/claim', headers: h, payload: { max: 7 } }))))
  const ids = claims.flatMap((r) => r.json().items.map((x: { id: string }) => x.id))
  t.equal(ids.length, 120, 'every comment handed out')
  t.equal(new Set(ids).size, 120, 'no comment handed out twice')
})

t.test('decisions: only the holder, reason required to reject, idempotent, shown to the site', async (t) => {
  const { submit, claim, decide, app } = await fresh(t)
  await submit('d1')
  await submit('d2')
  const unclaimed = await decide(alice, 'd1', { decision: 'approve' })
  t.equal(unclaimed.json().code, 'NOT_CLAIMED', 'claim first')
  t.equal(unclaimed.json().message, 'Nobody holds the comment "d1"; claim it first with POST /v1/review/claim.', 'the message names the comment')
  const unknown = await decide(alice, 'no-such-comment', { decision: 'approve' })
  t.same(unknown.json(), { statusCode: 404, code: 'COMMENT_NOT_FOUND', message: 'No comment with id "no-such-comment".' }, 'one message for an unknown id, on every route')
  await claim(alice, { max: 1 })
  await claim(bob, { max: 1 })

  const noReason = await decide(alice, 'd1', { decision: 'reject' })
  t.equal(noReason.statusCode, 400)
  t.equal(noReason.json().code, 'REASON_REQUIRED')
  t.match(noReason.json().message, /insult, libel, identity-attack/)
  const badReason = await decide(alice, 'd1', { decision: 'reject', reason: 'ugly' })
  t.equal(badReason.json().code, 'UNKNOWN_REASON')
  const notHolder = await decide(bob, 'd1', { decision: 'approve' })
  t.equal(notHolder.statusCode, 409)
  t.equal(notHolder.json().code, 'HELD_BY_OTHER')

  const ok = await decide(alice, 'd1', { decision: 'reject', reason: 'insult', note: 'second strike' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().status, 'rejected')
  t.equal(ok.json().decision.decidedBy, 'alice')
  t.equal(ok.json().decision.note, 'second strike')
  const again = await decide(alice, 'd1', { decision: 'reject', reason: 'insult', note: 'second strike' })
  t.equal(again.statusCode, 200, 'the same decision again: 200')
  t.same(again.json(), ok.json(), 'and no second effect')
  const changed = await decide(alice, 'd1', { decision: 'approve' })
  t.equal(changed.statusCode, 409)
  t.equal(changed.json().code, 'ALREADY_DECIDED')
  t.equal((await decide(bob, 'd2', { decision: 'approve' })).statusCode, 200)

  const status = (await app.inject({ url: '/v1/comments/d1', headers: site })).json()
  t.equal(status.status, 'rejected')
  t.same({ ...status.decision, decidedAt: 'x' }, { decision: 'reject', reason: 'insult', decidedBy: 'alice', decidedAt: 'x' }, 'the site sees no internal note')
  const forModerators = (await app.inject({ url: '/v1/comments/d1', headers: bob })).json()
  t.equal(forModerators.decision.note, 'second strike')

  const feed = (await app.inject({ url: '/v1/decisions', headers: site })).json()
  t.same(feed.items.map((i: { id: string, status: string }) => `${i.id}:${i.status}`), ['d1:rejected', 'd2:approved'], 'each decision once, in order')
  t.equal((await decide(alice, 'nope', { decision: 'approve' })).statusCode, 404)
  t.equal((await decide(site, 'd1', { decision: 'approve' })).statusCode, 403, 'sites do not decide')
})

t.test('lease expiry: redelivered with attempts + 1; the old holder gets 409', async (t) => {
  const { submit, decide, app, clock } = await fresh(t)
  await submit('e1')
  const [held] = await app.queue.claim(['rasa'], 'alice', { max: 1, leaseMs: 150 })
  t.equal(held!.attempts, 1)
  clock.advance(250)
  const again = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: bob, payload: { max: 1 } })
  const [item] = again.json().items
  t.equal(item.id, 'e1', 'the expired comment comes back')
  t.equal(item.attempts, 2)
  const late = await decide(alice, 'e1', { decision: 'approve' })
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'HELD_BY_OTHER')
  const extend = await app.inject({ method: 'POST', url: '/v1/review/e1/extend', headers: alice, payload: {} })
  t.equal(extend.json().code, 'HELD_BY_OTHER')
  t.equal((await decide(bob, 'e1', { decision: 'approve' })).statusCode, 200)
  const history = (await app.inject({ url: '/v1/comments/e1/history', headers: alice })).json()
  t.same(history.events.map((e: { type: string }) => e.type), ['screened', 'queued', 'claimed', 'lease-expired', 'claimed', 'decided'])
  t.equal(history.events[2].by, 'alice')
  t.equal(history.events[4].by, 'bob')
  t.equal(history.events[5].decision, 'approve')
  t.match(history.events[0].rulesVersion, /^[0-9a-f]{12}$/)
})

t.test('an expired lease is refused even before anyone else claims it', async (t) => {
  const { submit, decide, app, claim, clock } = await fresh(t)
  await submit('x1')
  await app.queue.claim(['rasa'], 'alice', { max: 1, leaseMs: 100 })
  clock.advance(200)
  const res = await decide(alice, 'x1', { decision: 'approve' })
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'LEASE_EXPIRED')
  t.same((await claim(alice)).json().items.map((i: { id: string }) => i.id), ['x1'], 'and it is back in the queue')
})

t.test('extend and release', async (t) => {
  const { submit, claim, app } = await fresh(t)
  await submit('r1')
  await submit('r2')
  await claim(alice, { max: 1, leaseSeconds: 5 })
  const ext = await app.inject({ method: 'POST', url: '/v1/review/r1/extend', headers: alice, payload: { leaseSeconds: 600 } })
  t.equal(ext.statusCode, 200)
  t.ok(Date.parse(ext.json().leaseExpiresAt) > Date.now() + 500000)
  const byBob = await app.inject({ method: 'POST', url: '/v1/review/r1/release', headers: bob })
  t.equal(byBob.statusCode, 409, 'only the holder releases')
  const rel = await app.inject({ method: 'POST', url: '/v1/review/r1/release', headers: alice })
  t.same(rel.json(), { id: 'r1', released: true })
  t.same((await claim(bob, { max: 1 })).json().items.map((i: { id: string }) => i.id), ['r1'], 'back in its old place, before r2')
  const notClaimed = await app.inject({ method: 'POST', url: '/v1/review/r2/release', headers: alice })
  t.equal(notClaimed.json().code, 'NOT_CLAIMED')
  await app.inject({ method: 'POST', url: '/v1/review/r1/decision', headers: bob, payload: { decision: 'approve' } })
  t.equal((await app.inject({ method: 'POST', url: '/v1/review/r1/extend', headers: bob })).json().code, 'DECIDED')
  const badLease = await claim(alice, { leaseSeconds: 2 })
  t.equal(badLease.statusCode, 400, 'leaseSeconds is 5..3600')
  t.equal((await claim(alice, { max: 51 })).statusCode, 400, 'max is 1..50')
})

t.test('dead-letter lane after MAX_ATTEMPTS deliveries; still claimable on request', async (t) => {
  const { submit, app, claim, decide, clock } = await fresh(t, { MAX_ATTEMPTS: '2' })
  await submit('z1')
  for (let i = 0; i < 2; i++) {
    const got = await app.queue.claim(['rasa'], 'alice', { max: 1, leaseMs: 50 })
    t.same(got.map((g) => g.id), ['z1'])
    clock.advance(100)
  }
  t.same((await claim(bob)).json().items, [], 'not delivered forever')
  const stats = (await app.inject({ url: '/v1/review/stats', headers: alice })).json()
  t.equal(stats.deadLetter, 1)
  t.equal(stats.lanes.dead.depth, 1)
  const dead = await claim(bob, { lane: 'dead' })
  t.same(dead.json().items.map((i: { id: string, attempts: number }) => [i.id, i.attempts]), [['z1', 3]])
  t.equal((await decide(bob, 'z1', { decision: 'approve' })).statusCode, 200, 'nothing is lost')
  const types = (await app.inject({ url: '/v1/comments/z1/history', headers: bob })).json().events.map((e: { type: string }) => e.type)
  t.ok(types.includes('dead-lettered'))
})

t.test('stats and the queue listing', async (t) => {
  const { submit, app, claim, decide } = await fresh(t)
  await submit('s1')
  await submit('s2')
  await submit('s3')
  await submit('s4', 'You are an idiot')
  await submit('fr', 'Dies ist ganz sicher kein englischer Satz, mein lieber Freund.')
  await claim(alice, { max: 1 })
  await decide(alice, 's4', { decision: 'approve' })
  await claim(alice, { max: 1 })
  const stats = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json()
  t.equal(stats.lanes.normal.depth, 2)
  t.equal(stats.lanes.high.depth, 0)
  t.type(stats.lanes.normal.oldestAgeSeconds, 'number')
  t.equal(stats.lanes.urgent.oldestAgeSeconds, null)
  t.equal(stats.leased, 1)
  t.equal(stats.decisionsLastHour, 2, 'a moderator decision and an automatic rejection')

  const page1 = (await app.inject({ url: '/v1/review/queue?lane=normal&limit=1', headers: alice })).json()
  t.equal(page1.items.length, 1)
  t.equal(page1.items[0].id, 's2')
  const page2 = (await app.inject({ url: `/v1/review/queue?lane=normal&limit=1&cursor=${page1.next}`, headers: alice })).json()
  t.same(page2.items.map((i: { id: string }) => i.id), ['s3'])
  const page3 = (await app.inject({ url: `/v1/review/queue?lane=normal&limit=1&cursor=${page2.next}`, headers: alice })).json()
  t.same(page3, { lane: 'normal', items: [], next: null })
  t.equal((await app.inject({ url: '/v1/review/queue?lane=nowhere', headers: alice })).statusCode, 400)
  t.equal((await claim(alice, { max: 10 })).json().items.length, 2, 'listing claimed nothing')
})

t.test('the decisions feed: every decision once, in order, paged by cursor', async (t) => {
  const { submit, app, claim, decide } = await fresh(t)
  const expected: string[] = []
  for (let i = 0; i < 12; i++) await submit(`f${i}`)
  await submit('auto', "C'est un commentaire en français, pas en anglais du tout.")
  const claimed = (await claim(alice, { max: 12 })).json().items.map((i: { id: string }) => i.id)
  expected.push('auto:rejected')
  for (const [n, id] of claimed.entries()) {
    await decide(alice, id, n % 3 === 0 ? { decision: 'reject', reason: 'spam' } : { decision: 'approve' })
    expected.push(`${id}:${n % 3 === 0 ? 'rejected' : 'approved'}`)
  }
  const seen: string[] = []
  let after: string | undefined
  let pages = 0
  for (;;) {
    const res = await app.inject({ url: `/v1/decisions?limit=5${after !== undefined ? `&after=${after}` : ''}`, headers: site })
    const page = res.json()
    pages++
    for (const item of page.items) {
      seen.push(`${item.id}:${item.status}`)
      t.type(item.decidedAt, 'string')
    }
    if (page.items.length === 0) {
      t.equal(page.next, after, 'an empty page keeps the cursor')
      break
    }
    after = page.next
  }
  t.same(seen, expected, 'each decision exactly once, in the order made')
  t.equal(pages, 4)
  const auto = (await app.inject({ url: '/v1/decisions?limit=1', headers: site })).json().items[0]
  t.same({ ...auto, decidedAt: 'x', cursor: 'x' }, { id: 'auto', status: 'rejected', decision: 'reject', reason: 'language', readerMessage: 'Please write your comment in English.', articleId: 'article-1', authorId: null, decidedBy: 'moderato', decidedAt: 'x', overturns: null, cursor: 'x' })
  t.equal((await app.inject({ url: '/v1/decisions?after=garbage', headers: site })).statusCode, 400)
  t.equal((await app.inject({ url: '/v1/decisions', headers: alice })).statusCode, 403)
})

t.test('history of an unknown comment', async (t) => {
  const { app } = await fresh(t)
  t.equal((await app.inject({ url: '/v1/comments/ghost/history', headers: alice })).statusCode, 404)
})

t.test('an empty JSON body is no body where the body is optional, and EMPTY_BODY where one is needed', async (t) => {
  const { submit, app } = await fresh(t)
  await submit('eb1')
  const json = { ...alice, 'content-type': 'application/json' }
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: json, payload: '' })
  t.equal(claimed.statusCode, 200, claimed.body)
  t.same(claimed.json().items.map((i: { id: string }) => i.id), ['eb1'])
  const extended = await app.inject({ method: 'POST', url: '/v1/review/eb1/extend', headers: json, payload: '' })
  t.equal(extended.statusCode, 200, extended.body)
  const released = await app.inject({ method: 'POST', url: '/v1/review/eb1/release', headers: json, payload: '' })
  t.same(released.json(), { id: 'eb1', released: true })
  const decision = await app.inject({ method: 'POST', url: '/v1/review/eb1/decision', headers: json, payload: '' })
  t.match(decision.json(), { statusCode: 400, code: 'EMPTY_BODY' }, 'a decision needs its body')
  const bad = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: json, payload: '{"max":' })
  t.match(bad.json(), { statusCode: 400, code: 'INVALID_JSON' }, 'a body that is there is still parsed strictly')
  const poisoned = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: json, payload: '{"__proto__":{"x":1}}' })
  t.equal(poisoned.statusCode, 400, 'prototype poisoning is still refused')
})

/** Moves the queue's clock past a lease that ends at `expires` (ms since the epoch). */
function leaseOver (clock: TestClock, expires: number): void {
  clock.advance(Math.max(0, expires + 1 - clock.now()))
}

t.test('an expired lease answers LEASE_EXPIRED to its holder however soon they come back', async (t) => {
  const { submit, decide, app, claim, clock } = await fresh(t)
  for (const id of ['le1', 'le2', 'le3']) await submit(id)
  const leases = await app.queue.claim(['rasa'], 'alice', { max: 3, leaseMs: 100 })
  leaseOver(clock, Math.max(...leases.map((l) => l.leaseExpiresAt)))
  // Bob's claim of the dead-letter lane sweeps every expired lease back, and takes none.
  t.same((await claim(bob, { lane: 'dead' })).json().items, [])
  const answers = [
    await decide(alice, 'le1', { decision: 'approve' }),
    await app.inject({ method: 'POST', url: '/v1/review/le2/extend', headers: alice, payload: {} }),
    await app.inject({ method: 'POST', url: '/v1/review/le3/release', headers: alice })
  ]
  t.same(answers.map((a) => a.json().code), ['LEASE_EXPIRED', 'LEASE_EXPIRED', 'LEASE_EXPIRED'], 'decide, extend and release alike, after the sweep')
  t.equal((await decide(bob, 'le1', { decision: 'approve' })).json().code, 'NOT_CLAIMED', 'someone who never held it is told to claim it')
  const again = await claim(alice, { max: 1 })
  t.same(again.json().items.map((i: { id: string }) => i.id), ['le1'])
  t.equal((await decide(alice, 'le1', { decision: 'approve' })).statusCode, 200, 'a new lease works as before')
})

t.test('releasing is not a failed delivery: it never raises attempts or dead-letters', async (t) => {
  const { submit, claim, app } = await fresh(t, { MAX_ATTEMPTS: '2' })
  await submit('rl1')
  for (let i = 0; i < 4; i++) {
    const [item] = (await claim(alice, { max: 1 })).json().items
    t.same([item.id, item.attempts], ['rl1', 1], `claim ${i + 1}: the first delivery still`)
    t.equal((await app.inject({ method: 'POST', url: '/v1/review/rl1/release', headers: alice })).statusCode, 200)
  }
  const stats = (await app.inject({ url: '/v1/review/stats', headers: alice })).json()
  t.equal(stats.lanes.dead.depth, 0, 'nothing dead-lettered')
})

t.test('queue figures count comments behind expired leases as waiting, in the lane they return to', async (t) => {
  const { submit, app, clock } = await fresh(t, { MAX_ATTEMPTS: '2' })
  for (const id of ['q1', 'q2', 'q3']) await submit(id)
  await submit('u1', 'I will kill you')
  const first = await app.queue.claim(['rasa'], 'alice', { max: 4, leaseMs: 100 })
  t.equal(first.length, 4)
  leaseOver(clock, Math.max(...first.map((l) => l.leaseExpiresAt)))
  // Bob's claims sweep all four back; u1 and q1 are delivered a second time, and when those
  // leases run out too they have used their two attempts.
  const [second] = await app.queue.claim(['rasa'], 'bob', { max: 1, leaseMs: 100 })
  t.equal(second!.id, 'u1')
  const [third] = await app.queue.claim(['rasa'], 'bob', { max: 1, leaseMs: 100 })
  t.equal(third!.id, 'q1')
  await app.queue.claim(['rasa'], 'carol', { max: 1, leaseMs: 600000 })
  leaseOver(clock, Math.max(second!.leaseExpiresAt, third!.leaseExpiresAt))

  const stats = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json()
  t.equal(stats.expiredLeases, 2, 'u1 and q1, not yet swept back')
  t.equal(stats.lanes.urgent.depth, 0, 'u1 used both its attempts…')
  t.equal(stats.lanes.dead.depth, 2, '…and so did q1: both wait in the dead-letter lane')
  t.equal(stats.lanes.normal.depth, 1, 'q3 waits in its lane (q2 is carol\'s)')
  t.equal(stats.leased, 1)
  t.type(stats.lanes.dead.oldestAgeSeconds, 'number', 'with their age')
  const metrics = (await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body
  t.match(metrics, /^moderato_queue_expired_leases 2$/m)
  t.match(metrics, /^moderato_queue_depth\{lane="dead"\} 2$/m)
  const swept = await app.queue.claim(['rasa'], 'dave', { max: 10, leaseMs: 600000 })
  t.same(swept.map((s) => s.id), ['q3'], 'a claim sweeps them back; dead letters are claimed only on request')
  const after = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json()
  t.same([after.expiredLeases, after.lanes.dead.depth, after.lanes.normal.depth], [0, 2, 0], 'the same comments, now in the lanes themselves')
})

t.test('validation messages name the field and what it may be', async (t) => {
  const { claim, decide, submit, app } = await fresh(t)
  await submit('vm1')
  const lane = await claim(alice, { lane: 'fast' })
  t.same(lane.json(), { statusCode: 400, code: 'VALIDATION_ERROR', message: 'body/lane must be one of: reported, urgent, high, normal, low, dead' }, 'not "must match a schema in anyOf"')
  const unknown = await claim(alice, { max: 1, colour: 'red' })
  t.equal(unknown.json().message, 'unknown field "colour" in body')
  await claim(alice, { max: 1 })
  const decision = await decide(alice, 'vm1', { decision: 'maybe' })
  t.equal(decision.json().message, 'body/decision must be one of: approve, reject')
  const max = await claim(alice, { max: 0 })
  t.equal(max.json().message, 'body/max must be >= 1')
  const listing = await app.inject({ url: '/v1/review/queue?lane=nowhere', headers: alice })
  t.equal(listing.json().message, 'querystring/lane must be one of: reported, urgent, high, normal, low, dead')
})
