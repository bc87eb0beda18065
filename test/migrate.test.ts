// The migration from the layout before sites, on a store written by that layout's own
// scripts (test/fixtures/legacy-queue: the Lua of the last release without sites).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { startRedis, buildTestApp, auth, KEYS, API_KEYS, ROOT, startServer } from './helper.js'
import { migrateLegacy, hasLegacyData } from '../src/queue/migrate.js'
import { fingerprint, type CommentRecord } from '../src/queue/records.js'
import { main } from '../src/cli/main.js'
import { legacyBase, SiteKeys } from '../src/queue/keys.js'

const redis = await startRedis(t)
const OTHER = 'site-secret-other'
const legacyDir = join(ROOT, 'test/fixtures/legacy-queue')
const common = readFileSync(join(legacyDir, 'common.lua'), 'utf8')
const lua = (name: string): string => `${common}\n${readFileSync(join(legacyDir, `${name}.lua`), 'utf8')}`
const screening = JSON.stringify({ language: { code: 'eng', english: true, confidence: 1 }, flags: [], score: 0, rulesVersion: 'v-old', modelVersion: null })

/** The old service's writes, through its own scripts and calling conventions. */
function legacyStore (client: Redis, prefix: string) {
  const base = legacyBase(prefix)
  const enqueue = async (site: string, id: string, status: 'pending' | 'rejected', lane = 'normal') => {
    const record: CommentRecord = { id, articleId: 'a-1', text: `Comment ${id} from ${site}`, submittedBy: site }
    await client.eval(lua('enqueue'), 5, `${base}c:${id}`, `${base}seq`, `${base}ready:${lane}`, `${base}decisions`, `${base}recent`,
      base, id, JSON.stringify(record), screening, status, lane, status === 'rejected' ? 'Not in English' : '', status === 'rejected' ? 'language' : '', site, 'v-old', 0, fingerprint(record))
  }
  const claim = async (holder: string, max: number) => await client.eval(lua('claim'), 5, `${base}leases`, `${base}ready:urgent`, `${base}ready:high`, `${base}ready:normal`, `${base}ready:low`,
    base, holder, 600000, max, 5) as string[]
  const decide = async (id: string, holder: string) => await client.eval(lua('decide'), 4, `${base}c:${id}`, `${base}leases`, `${base}decisions`, `${base}recent`,
    base, id, holder, 'approve', '', 'fine', 5, 0)
  return { enqueue, claim, decide, base }
}

t.test('a store written before sites moves to per-site keys, cursors and leases intact; running it again changes nothing', async (t) => {
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  const prefix = 'legacy'
  const old = legacyStore(client, prefix)
  await old.enqueue('rasa', 'r-1', 'pending')
  await old.enqueue('rasa', 'r-2', 'pending')
  await old.enqueue('other', 'o-1', 'pending', 'urgent')
  await old.enqueue('rasa', 'r-3', 'rejected')
  await old.enqueue('rasa', 'r-4', 'pending')
  t.equal((await old.claim('alice', 2)).filter((x, i) => i % 5 === 0 && typeof x === 'string').length, 2, 'alice holds o-1 and r-1 in the old store')
  await old.decide('o-1', 'alice')
  await old.claim('bob', 1) // bob holds r-2
  const oldFeed = await client.xrange(`${old.base}decisions`, '-', '+')
  t.equal(oldFeed.length, 2)
  t.ok(await hasLegacyData(client, prefix))

  const report = await migrateLegacy(client, { prefix })
  t.same({ comments: report.comments, feedEntries: report.feedEntries, sites: report.sites, skipped: report.skipped }, { comments: 5, feedEntries: 2, sites: ['other', 'rasa'], skipped: [] })
  t.same(await client.keys(`${old.base}*`), [], 'nothing is left under {q}')
  t.notOk(await hasLegacyData(client, prefix))

  const { app } = await buildTestApp(t, redis.url, { REDIS_PREFIX: prefix, API_KEYS: `${API_KEYS},site:other:${OTHER}` })
  const get = async (who: string, url: string) => (await app.inject({ method: 'GET', url, headers: auth(who) })).json()
  t.equal((await get(KEYS.site, '/v1/comments/r-3')).status, 'rejected')
  t.equal((await get(OTHER, '/v1/comments/o-1')).status, 'approved')
  t.equal((await get(OTHER, '/v1/comments/r-1')).code, 'COMMENT_NOT_FOUND', 'each comment went to its own site')
  // The feed keeps its entry ids: a cursor the site stored before still works.
  const rasaFeed = await get(KEYS.site, '/v1/decisions')
  t.same(rasaFeed.items.map((i: { id: string }) => i.id), ['r-3'])
  const oldCursorOfR3 = oldFeed.find(([, f]) => f.includes('r-3'))![0]
  t.equal(rasaFeed.next, oldCursorOfR3)
  t.same((await get(OTHER, '/v1/decisions')).items.map((i: { id: string, decidedBy: string }) => `${i.id} ${i.decidedBy}`), ['o-1 alice'])
  // Leases held before the move are still held; waiting comments are claimable in order.
  const decide = await app.inject({ method: 'POST', url: '/v1/review/r-2/decision?site=rasa', headers: auth(KEYS.bob), payload: { decision: 'approve' } })
  t.equal(decide.statusCode, 200, 'bob still holds r-2 and decides it')
  const claimed = (await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.carol), payload: {} })).json().items
  t.same(claimed.map((i: { id: string }) => i.id), ['r-4'], 'r-1 is still leased to alice; r-4 waits')
  const history = await get(KEYS.admin, '/v1/comments/r-1/history?site=rasa')
  t.same(history.events.map((e: { type: string }) => e.type), ['screened', 'queued', 'claimed'], 'the history moved too')

  const again = await migrateLegacy(client, { prefix })
  t.same({ comments: again.comments, feedEntries: again.feedEntries }, { comments: 0, feedEntries: 0 }, 'a second run finds nothing to move')
  t.same((await get(KEYS.site, '/v1/decisions')).items.map((i: { id: string }) => i.id), ['r-3', 'r-2'], 'and copies no feed entry twice')
})

t.test('the CLI runs the migration against REDIS_URL and says what it moved', async (t) => {
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  const old = legacyStore(client, 'cli-legacy')
  await old.enqueue('rasa', 'x-1', 'pending')
  const saved = { ...process.env }
  t.teardown(() => { process.env = saved })
  Object.assign(process.env, { REDIS_URL: redis.url, REDIS_PREFIX: 'cli-legacy', API_KEYS, NODE_ENV: 'test' })
  const result = await main(['migrate'])
  t.equal(result.code, 0)
  t.match(result.out, /moved 1 comments and 0 feed entries to 1 sites \(rasa\)/)
  t.equal(await client.hget(new SiteKeys('cli-legacy', 'rasa').comment('x-1'), 'status'), 'pending')
})

t.test('a service started on a store that needs the migration says so in its log', async (t) => {
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  await legacyStore(client, 'unmoved').enqueue('rasa', 'u-1', 'pending')
  const server = startServer(t, { REDIS_URL: redis.url, REDIS_PREFIX: 'unmoved', API_KEYS, NODE_ENV: 'test' })
  await server.address
  t.match(server.output(), /layout before sites.*npm run rules -- migrate/)
})
