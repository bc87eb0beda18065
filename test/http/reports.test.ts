// Reader reports: a published comment that enough readers report goes back to review in the
// reported lane, with the reports in view; reports on other comments are kept, and change
// nothing; every report is in the history.
import t from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'
import { loadRules, RulesLoadError } from '../../src/rules/load.js'

const redis = await startRedis(t)
type App = Awaited<ReturnType<typeof buildTestApp>>['app']

const submit = async (app: App, id: string) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id, author: { id: `u-${id}` } }) })
  if (res.statusCode !== 202) throw new Error(res.body)
}
/** Claims comment `id` (by its author) and returns the claimed item. */
const claimOne = async (app: App, id: string) => {
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { authorId: `u-${id}`, max: 1 } })
  if (claimed.json().items[0]?.id !== id) throw new Error(claimed.body)
  return claimed.json().items[0]
}
const approve = async (app: App, id: string) => {
  await claimOne(app, id)
  await app.inject({ method: 'POST', url: `/v1/review/${id}/decision`, headers: auth(KEYS.alice), payload: { decision: 'approve' } })
}
const report = async (app: App, id: string, reporterId: string, reason: string, note?: string) =>
  await app.inject({ method: 'POST', url: `/v1/comments/${id}/reports`, headers: auth(KEYS.site), payload: { reporterId, reason, ...(note !== undefined ? { note } : {}) } })

t.test('three readers reporting an insult send the approved comment back to review', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  await submit(app, 'pub')
  await approve(app, 'pub')

  t.match((await report(app, 'pub', 'r1', 'insult', 'rude to me')).json(), { id: 'pub', status: 'approved', counted: true, reopened: false, reports: 1, threshold: 3 })
  t.match((await report(app, 'pub', 'r1', 'insult')).json(), { counted: false, reports: 0 }, 'a reader counts once per comment')
  t.match((await report(app, 'pub', 'r2', 'insult')).json(), { counted: true, reopened: false, reports: 2 })
  const third = await report(app, 'pub', 'r3', 'insult', 'name-calling')
  t.equal(third.statusCode, 202)
  t.match(third.json(), { status: 'pending', counted: true, reopened: true, reports: 3 })

  const stats = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json()
  t.equal(stats.lanes.reported.depth, 1, 'waiting in the reported lane')
  const item = await claimOne(app, 'pub')
  t.match(item, { id: 'pub', attempts: 1 })
  t.same(item.reports.map((r: { reporterId: string, reason: string, note?: string }) => [r.reporterId, r.reason, r.note]), [['r1', 'insult', 'rude to me'], ['r2', 'insult', undefined], ['r3', 'insult', 'name-calling']], 'the moderator sees the reports')
  await app.inject({ method: 'POST', url: '/v1/review/pub/decision', headers: auth(KEYS.alice), payload: { decision: 'reject', reason: 'insult' } })

  const feed = (await app.inject({ url: '/v1/decisions', headers: auth(KEYS.site) })).json().items
  t.same(feed.map((i: { decision: string }) => i.decision), ['approve', 'reject'])
  t.match(feed[1], { id: 'pub', decision: 'reject', overturns: { decision: 'approve', decidedBy: 'alice' } }, 'the new decision names the one it replaces')
  const events = (await app.inject({ url: '/v1/comments/pub/history', headers: auth(KEYS.admin) })).json().events
  t.equal(events.filter((e: { type: string }) => e.type === 'reported').length, 4, 'every report is in the history, the repeated one too')
  t.match(events.find((e: { type: string, lane?: string }) => e.type === 'queued' && e.lane === 'reported'), { reason: 'insult', reports: 3 })
  t.match((await report(app, 'pub', 'r4', 'insult')).json(), { status: 'rejected', counted: false }, 'reports on a rejected comment are kept and change nothing')
})

t.test('one report of a threat is enough; pending comments are not reopened', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  await submit(app, 'th')
  await approve(app, 'th')
  t.match((await report(app, 'th', 'r1', 'threat')).json(), { reopened: true, threshold: 1 })
  await submit(app, 'wait')
  t.match((await report(app, 'wait', 'r1', 'threat')).json(), { status: 'pending', counted: false, reopened: false }, 'a pending comment is reviewed anyway')
  const stats = (await app.inject({ url: '/v1/review/stats', headers: auth(KEYS.admin) })).json()
  t.equal(stats.lanes.reported.depth, 1)
})

t.test('bad reports are refused with a code', async (t) => {
  const { app } = await buildTestApp(t, redis.url)
  await submit(app, 'x')
  t.equal((await report(app, 'x', 'r1', 'rudeness')).json().code, 'UNKNOWN_REASON')
  t.equal((await report(app, 'nope', 'r1', 'insult')).json().code, 'COMMENT_NOT_FOUND')
  const missing = await app.inject({ method: 'POST', url: '/v1/comments/x/reports', headers: auth(KEYS.site), payload: { reason: 'insult' } })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().code, 'VALIDATION_ERROR')
  t.equal((await app.inject({ method: 'POST', url: '/v1/comments/x/reports', headers: auth(KEYS.alice), payload: { reporterId: 'r', reason: 'insult' } })).statusCode, 403, 'sites report for their readers')
})

t.test("policy.yaml's reportThresholds set the count per reason, and must name reason codes", async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s + 'reportThresholds:\n  insult: 1\n')
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  await submit(app, 'one')
  await approve(app, 'one')
  t.match((await report(app, 'one', 'r1', 'insult')).json(), { reopened: true, threshold: 1 })

  edit(dir, 'policy.yaml', (s) => s + '  rudeness: 2\n')
  const err = await loadRules(dir).catch((e: unknown) => e)
  t.ok(err instanceof RulesLoadError)
  t.match((err as RulesLoadError).message, /policy\.yaml:\d+: reportThresholds: "rudeness" is not one of the reason codes/)
})
