// Sites kept apart: ids, reads, feeds and moderators' scope, through the HTTP API.
import t, { type Test } from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment, API_KEYS } from '../helper.js'

const redis = await startRedis(t)
const OTHER = 'site-secret-other'
const SCOPED = 'moderator-secret-scoped'
const rasa = auth(KEYS.site)
const other = auth(OTHER)
const alice = auth(KEYS.alice)
const scoped = auth(SCOPED)
const admin = auth(KEYS.admin)

async function fresh (t: Test) {
  const built = await buildTestApp(t, redis.url, { API_KEYS: `${API_KEYS},site:other:${OTHER},moderator:sam@other:${SCOPED}` })
  const { app } = built
  const submit = async (who: Record<string, string>, id: string, text = 'A calm remark about the bridge, nothing more.') =>
    await app.inject({ method: 'POST', url: '/v1/comments', headers: who, payload: comment({ id, text }) })
  const get = async (who: Record<string, string>, url: string) => await app.inject({ method: 'GET', url, headers: who })
  const post = async (who: Record<string, string>, url: string, payload: object = {}) => await app.inject({ method: 'POST', url, headers: who, payload })
  return { ...built, submit, get, post }
}

t.test('the same id from two sites is two comments; replays are per site', async (t) => {
  const { submit, get } = await fresh(t)
  const a = await submit(rasa, 'c-1', 'You are an idiot')
  const b = await submit(other, 'c-1')
  t.equal(a.statusCode, 202)
  t.equal(b.statusCode, 202)
  t.equal(b.headers['idempotent-replayed'], 'false', "B's comment is stored, not taken for a replay of A's")
  t.not(b.json().screening.flags.length, a.json().screening.flags.length, "B got its own screening, not A's")
  t.equal(b.json().screening.flags.length, 0)
  const bAgain = await submit(other, 'c-1')
  t.equal(bAgain.headers['idempotent-replayed'], 'true', 'a retry within a site replays')
  t.equal((await submit(other, 'c-1', 'Another text under the same id')).statusCode, 409, 'a conflict within a site is still 409')
  t.same((await get(rasa, '/v1/comments/c-1')).json().screening.flags.map((f: { rule: string }) => f.rule), a.json().screening.flags.map((f: { rule: string }) => f.rule))
  t.same((await get(other, '/v1/comments/c-1')).json().screening.flags, [])
})

t.test("a site reads only its own comments and its own feed", async (t) => {
  const { submit, get, post } = await fresh(t)
  await submit(rasa, 'only-a', 'You are an idiot')
  await submit(other, 'only-b')
  const cross = await get(other, '/v1/comments/only-a')
  t.equal(cross.statusCode, 404)
  t.equal(cross.json().code, 'COMMENT_NOT_FOUND')
  const named = await get(other, '/v1/comments/only-a?site=rasa')
  t.equal(named.statusCode, 404, 'naming the other site does not help')
  t.equal(named.json().code, 'SITE_NOT_FOUND')
  t.notMatch(named.body, /only-a.*exists/, 'the answer does not say the comment exists')

  // A moderator decides A's comment: only A's feed shows it.
  const [item] = (await post(alice, '/v1/review/claim', { site: 'rasa' })).json().items
  t.equal(item.id, 'only-a')
  t.equal(item.site, 'rasa')
  t.equal((await post(alice, `/v1/review/only-a/decision?site=rasa`, { decision: 'reject', reason: 'insult' })).statusCode, 200)
  t.same((await get(rasa, '/v1/decisions')).json().items.map((i: { id: string }) => i.id), ['only-a'])
  t.same((await get(other, '/v1/decisions')).json().items, [], "B's feed does not show A's decision")
  t.equal((await get(other, '/v1/decisions?site=rasa')).json().code, 'SITE_NOT_FOUND')

  const adminFeed = await get(admin, '/v1/decisions')
  t.equal(adminFeed.statusCode, 400)
  t.equal(adminFeed.json().code, 'SITE_REQUIRED')
  t.match(adminFeed.json().message, /other.*rasa|rasa.*other/, 'the message lists the sites')
  t.same((await get(admin, '/v1/decisions?site=rasa')).json().items.map((i: { id: string }) => i.id), ['only-a'])
})

t.test('moderators: across sites by urgency then age; scoped keys see only their sites', async (t) => {
  const { submit, get, post } = await fresh(t)
  t.equal((await submit(other, 'b-normal')).statusCode, 202)
  t.equal((await submit(rasa, 'a-normal')).statusCode, 202)
  t.equal((await submit(other, 'b-urgent', 'I will kill you')).statusCode, 202)
  t.equal((await submit(rasa, 'a-urgent', 'I will kill you tomorrow')).statusCode, 202)

  // Sam sees only "other".
  const sams = (await post(scoped, '/v1/review/claim', { max: 10 })).json().items
  t.same(sams.map((i: { id: string, site: string }) => `${i.site}/${i.id}`), ['other/b-urgent', 'other/b-normal'])
  t.equal((await post(scoped, '/v1/review/claim', { site: 'rasa' })).json().code, 'SITE_NOT_FOUND')
  t.equal((await get(scoped, '/v1/comments/a-normal')).statusCode, 404, "another site's comment does not exist for a scoped moderator")
  t.equal((await post(scoped, '/v1/review/a-normal/decision?site=rasa', { decision: 'approve' })).statusCode, 404)
  t.equal((await post(scoped, '/v1/review/b-normal/decision', { decision: 'approve' })).statusCode, 200, 'no ?site= needed when the key sees one site')
  const samStats = (await get(scoped, '/v1/review/stats')).json()
  t.equal(samStats.leased, 1, "sam's figures count only other's lease")

  // Alice sees both: the urgent one of rasa first, then normal ones, oldest first.
  const released = await post(scoped, '/v1/review/b-urgent/release')
  t.equal(released.statusCode, 200)
  const items = (await post(alice, '/v1/review/claim', { max: 10 })).json().items
  t.same(items.map((i: { id: string, site: string }) => `${i.site}/${i.id}`), ['other/b-urgent', 'rasa/a-urgent', 'rasa/a-normal'])
  const stats = (await get(alice, '/v1/review/stats')).json()
  t.equal(stats.leased, 3, 'stats add up every site')
  t.equal((await get(alice, '/v1/review/stats?site=rasa')).json().leased, 2)
  t.equal((await get(alice, '/v1/review/queue')).json().code, 'SITE_REQUIRED', 'listing a lane needs a site when the key sees several')
})

t.test('an id used by two sites needs ?site= for a moderator; one site finds it alone', async (t) => {
  const { submit, get, post } = await fresh(t)
  await submit(rasa, 'twin')
  await submit(other, 'twin')
  await submit(other, 'single')
  const ambiguous = await get(alice, '/v1/comments/twin/history')
  t.equal(ambiguous.statusCode, 400)
  t.equal(ambiguous.json().code, 'SITE_REQUIRED')
  t.match(ambiguous.json().message, /2 sites/)
  t.equal((await get(alice, '/v1/comments/twin/history?site=other')).statusCode, 200)
  t.equal((await get(alice, '/v1/comments/single')).statusCode, 200, 'found in the one site that has it')
  t.equal((await get(alice, '/v1/comments/nowhere')).json().code, 'COMMENT_NOT_FOUND')
  t.equal((await post(alice, '/v1/review/twin/extend?site=nosuch')).json().code, 'SITE_NOT_FOUND')
})
