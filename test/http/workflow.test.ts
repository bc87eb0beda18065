// The queue workflow moderators need beyond claim and decide: claiming one lane, article or
// author; skipping; their own leases; an author's record; overturning a decision; the
// reason codes; and how each rule fares with moderators.
import t from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'

const redis = await startRedis(t)

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

const submitter = (app: App) => async (id: string, over: Record<string, unknown> = {}) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id, ...over }) })
  if (res.statusCode !== 202) throw new Error(`submit ${id}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const claim = async (app: App, who: string, body: Record<string, unknown> = {}): Promise<string[]> => {
  const res = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(who), payload: body })
  if (res.statusCode !== 200) throw new Error(`claim: ${res.statusCode} ${res.body}`)
  return res.json().items.map((i: { id: string }) => i.id)
}
const decide = async (app: App, who: string, id: string, body: Record<string, unknown>) =>
  await app.inject({ method: 'POST', url: `/v1/review/${id}/decision`, headers: auth(who), payload: body })

const RUDE = 'You are an idiot and a moron.'

t.test('claim takes one lane, one article or one author', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const submit = submitter(app)
  await submit('calm-1', { articleId: 'a1', author: { id: 'u1' } })
  await submit('rude-1', { articleId: 'a2', author: { id: 'u2' }, text: RUDE })
  await submit('calm-2', { articleId: 'a2', author: { id: 'u1' } })
  await submit('calm-3', { articleId: 'a3', author: { id: 'u3' } })
  const lanes = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json().lanes
  t.equal(lanes.high.depth, 1, 'the rude comment waits in the high lane')

  t.same(await claim(app, KEYS.alice, { lane: 'normal', max: 1 }), ['calm-1'], 'lane: that lane only, oldest first')
  t.same(await claim(app, KEYS.bob, { authorId: 'u1' }), ['calm-2'], 'authorId: that author only (calm-1 is taken)')
  t.same(await claim(app, KEYS.carol, { articleId: 'a3' }), ['calm-3'], 'articleId: that article only')
  t.same(await claim(app, KEYS.carol, { articleId: 'a1' }), [], 'nothing left on a1')
  t.same(await claim(app, KEYS.dave, { lane: 'low' }), [], 'an empty lane gives nothing')
  t.same(await claim(app, KEYS.dave, { articleId: 'a2', authorId: 'u2' }), ['rude-1'], 'both filters at once')

  const bad = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { lane: 'fast' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'VALIDATION_ERROR')
})

t.test('a filtered claim finds a match behind many other comments', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const submit = submitter(app)
  for (let i = 0; i < 150; i++) await submit(`other-${i}`, { articleId: 'busy' })
  await submit('wanted', { articleId: 'quiet' })
  t.same(await claim(app, KEYS.alice, { articleId: 'quiet' }), ['wanted'])
})

t.test('skip gives the comment back, and not to the same moderator for a while', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const submit = submitter(app)
  await submit('first')
  await submit('second')
  t.same(await claim(app, KEYS.alice, { max: 1 }), ['first'])
  const skipped = await app.inject({ method: 'POST', url: '/v1/review/first/skip', headers: auth(KEYS.alice) })
  t.equal(skipped.statusCode, 200)
  const until = Date.parse(skipped.json().skippedUntil)
  t.ok(until > Date.now() + 500_000, 'skipped for about ten minutes')

  t.same(await claim(app, KEYS.alice, { max: 5 }), ['second'], 'the skipper gets the next comment, not the skipped one')
  const bob = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.bob), payload: { max: 5 } })
  t.same(bob.json().items.map((i: { id: string }) => i.id), ['first'], 'another moderator gets it, in its old place')
  t.equal(bob.json().items[0].attempts, 1, 'the skip did not count as an attempt')
  const events = (await app.inject({ url: '/v1/comments/first/history', headers: auth(KEYS.admin) })).json().events
  t.match(events.find((e: { type: string }) => e.type === 'skipped'), { by: 'alice', skippedUntil: String })

  const notHeld = await app.inject({ method: 'POST', url: '/v1/review/second/skip', headers: auth(KEYS.bob) })
  t.equal(notHeld.statusCode, 409)
  t.equal(notHeld.json().code, 'HELD_BY_OTHER', 'only the holder may skip')
})

t.test('mine lists my live leases, soonest expiry first', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const submit = submitter(app)
  for (const id of ['m1', 'm2', 'm3']) await submit(id)
  t.same(await claim(app, KEYS.alice, { max: 1, leaseSeconds: 600 }), ['m1'])
  t.same(await claim(app, KEYS.alice, { max: 1, leaseSeconds: 60 }), ['m2'])
  t.same(await claim(app, KEYS.bob, { max: 1 }), ['m3'])
  const mine = (await app.inject({ url: '/v1/review/mine', headers: auth(KEYS.alice) })).json().items
  t.same(mine.map((i: { id: string }) => i.id), ['m2', 'm1'])
  t.match(mine[0], { site: 'rasa', text: String, screening: { flags: Array }, attempts: 1, leaseExpiresAt: String })
  await decide(app, KEYS.alice, 'm2', { decision: 'approve' })
  t.same((await app.inject({ url: '/v1/review/mine', headers: auth(KEYS.alice) })).json().items.map((i: { id: string }) => i.id), ['m1'], 'a decided comment is no longer mine')
  t.equal((await app.inject({ url: '/v1/review/mine', headers: auth(KEYS.site) })).statusCode, 403, 'moderators only')
})

t.test("overturn: the new decision, the feed entry naming the old one, the history, the author's record", async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s.replace('language: { action: review, lane: low, reason: Please write in English. }', 'language: { action: reject, lane: low, reason: Please write in English. }'))
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  const submit = submitter(app)
  t.equal((await submit('auto', { author: { id: 'writer' }, text: 'Je pense que cet article sur le nouveau pont est très intéressant et bien écrit.' })).status, 'rejected')
  await submit('held', { author: { id: 'writer' } })
  await submit('waiting', { author: { id: 'writer' } })
  t.same(await claim(app, KEYS.alice, { max: 1 }), ['held'])
  t.equal((await decide(app, KEYS.alice, 'held', { decision: 'reject', reason: 'insult', note: 'rude' })).statusCode, 200)

  const author = async () => (await app.inject({ url: '/v1/authors/writer/decisions', headers: auth(KEYS.bob) })).json()
  t.match(await author(), { authorId: 'writer', site: 'rasa', approved: 0, rejected: 2 })
  t.same((await author()).recent.map((r: { id: string }) => r.id), ['held', 'auto'], 'newest first')

  const overturn = async (id: string, body: Record<string, unknown>, key = KEYS.bob) =>
    await app.inject({ method: 'POST', url: `/v1/comments/${id}/decision`, headers: auth(key), payload: body })
  const res = await overturn('held', { decision: 'approve', note: 'satire, not an insult' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: 'held', status: 'approved', changed: true, decision: { decision: 'approve', decidedBy: 'bob', overturns: { decision: 'reject', reason: 'insult', decidedBy: 'alice' } } })
  const again = await overturn('held', { decision: 'approve', note: 'satire, not an insult' })
  t.match(again.json(), { status: 'approved', changed: false }, 'the same overturn again changes nothing')
  t.equal((await overturn('auto', { decision: 'approve' })).json().decision.overturns.decidedBy, 'moderato', 'automatic decisions can be overturned')

  const feed = (await app.inject({ url: '/v1/decisions', headers: auth(KEYS.site) })).json().items
  t.same(feed.map((i: { id: string, decision: string }) => `${i.id}:${i.decision}`), ['auto:reject', 'held:reject', 'held:approve', 'auto:approve'], 'one new entry per overturn, none for the repeat')
  t.match(feed[2], { decidedBy: 'bob', overturns: { decision: 'reject', reason: 'insult', decidedBy: 'alice', decidedAt: String } })
  t.equal(feed[0].overturns, null)
  const history = (await app.inject({ url: '/v1/comments/held/history', headers: auth(KEYS.admin) })).json().events
  t.match(history.at(-1), { type: 'overturned', by: 'bob', decision: 'approve', note: 'satire, not an insult', overturns: { decision: 'reject', decidedBy: 'alice' } })
  t.match((await app.inject({ url: '/v1/comments/held', headers: auth(KEYS.site) })).json(), { status: 'approved', decision: { decision: 'approve', overturns: { decision: 'reject' } } })

  t.match(await author(), { approved: 2, rejected: 0 }, "the author's counts follow the overturns")
  t.same((await author()).recent.map((r: { id: string }) => r.id), ['auto', 'held'], 'each comment once, the latest decided first')

  const pending = await overturn('waiting', { decision: 'reject', reason: 'insult' })
  t.equal(pending.statusCode, 409)
  t.equal(pending.json().code, 'NOT_DECIDED')
  t.equal((await overturn('held', { decision: 'reject' })).json().code, 'REASON_REQUIRED')
  t.equal((await overturn('held', { decision: 'reject', reason: 'rudeness' })).json().code, 'UNKNOWN_REASON')
  t.equal((await overturn('nope', { decision: 'approve' })).json().code, 'COMMENT_NOT_FOUND')
  t.equal((await overturn('held', { decision: 'reject', reason: 'insult' }, KEYS.site)).statusCode, 403, 'sites cannot overturn')
  t.same((await app.inject({ url: '/v1/authors/nobody/decisions', headers: auth(KEYS.bob) })).json(), { authorId: 'nobody', site: 'rasa', approved: 0, rejected: 0, recent: [] })
})

t.test("reason codes come from the site's policy, with reader messages", async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s + 'readerMessages:\n  insult: "It insults someone."\n')
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  const res = (await app.inject({ url: '/v1/review/reasons', headers: auth(KEYS.alice) })).json()
  t.equal(res.site, 'rasa')
  t.ok(res.reasons.length >= 3)
  t.same(res.reasons.find((r: { code: string }) => r.code === 'insult'), { code: 'insult', readerMessage: 'It insults someone.' })
  t.equal(res.reasons.find((r: { code: string }) => r.code !== 'insult').readerMessage, null)
})

t.test('rule effectiveness: fired, reviewed, approved per rule, most fired first', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  const submit = submitter(app)
  for (const id of ['r1', 'r2', 'r3']) await submit(id, { text: RUDE })
  await submit('calm')
  const ids = await claim(app, KEYS.alice, { max: 4 })
  t.equal(ids.length, 4)
  await decide(app, KEYS.alice, 'r1', { decision: 'reject', reason: 'insult' })
  await decide(app, KEYS.alice, 'r2', { decision: 'approve' })
  await decide(app, KEYS.alice, 'r3', { decision: 'reject', reason: 'insult' })
  await decide(app, KEYS.alice, 'calm', { decision: 'approve' })
  const res = await app.inject({ url: '/v1/rules/effectiveness?last=100', headers: auth(KEYS.admin) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.comments, 4)
  t.same(body.rules[0], { rule: 'list:insults', categories: ['insult'], fired: 3, reviewed: 3, approved: 1, precision: 2 / 3 })
  t.equal((await app.inject({ url: '/v1/rules/effectiveness', headers: auth(KEYS.alice) })).statusCode, 403, 'admins only')
})
