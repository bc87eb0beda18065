// GET /metrics: Prometheus text with what the service did, read back after real traffic.
import t from 'tap'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRedis, buildTestApp, auth, tempDir, KEYS, RULES_DIR, comment } from '../helper.js'

const site = auth(KEYS.site)
const alice = auth(KEYS.alice)
const admin = auth(KEYS.admin)
const SPANISH = 'Este artículo sobre el puente nuevo está muy bien escrito y me gustó mucho leerlo.'

/** The value of one sample line, e.g. sample(text, 'moderato_comments_total{status="pending",lane="urgent"}'). */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('counts requests, intake outcomes, flags and decisions; reads queue depth and rules when scraped', async (t) => {
  const redis = await startRedis(t)
  const { app, rules } = await buildTestApp(t, redis.url)
  const submit = async (id: string, text?: string) => await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id, ...(text !== undefined ? { text } : {}) }) })
  t.equal((await submit('calm')).statusCode, 202)
  t.equal((await submit('threat', 'I will kill you')).statusCode, 202)
  t.equal((await submit('threat', 'I will kill you')).statusCode, 202, 'a replay')
  t.equal((await submit('es', SPANISH)).json().status, 'rejected')
  const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: alice, payload: { max: 1 } })
  t.same(claimed.json().items.map((i: { id: string }) => i.id), ['threat'])
  for (let i = 0; i < 2; i++) {
    const decided = await app.inject({ method: 'POST', url: '/v1/review/threat/decision', headers: alice, payload: { decision: 'reject', reason: 'threat' } })
    t.equal(decided.statusCode, 200, 'the second one is a retry with no effect')
  }
  await app.inject({ method: 'GET', url: '/v1/comments/nobody', headers: site })

  const res = await app.inject({ method: 'GET', url: '/metrics', headers: admin })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(sample(text, 'moderato_comments_total{status="pending",lane="normal"}'), 1)
  t.equal(sample(text, 'moderato_comments_total{status="pending",lane="urgent"}'), 1, 'the replay is not a second comment')
  t.equal(sample(text, 'moderato_comments_total{status="rejected",lane="normal"}'), 1, 'rejected at once: not English')
  t.equal(sample(text, 'moderato_flags_total{category="threat"}'), 1)
  t.equal(sample(text, 'moderato_flags_total{category="language"}'), 1)
  t.equal(sample(text, 'moderato_decisions_total{decision="reject"}'), 1, 'the retried decision counts once')
  t.equal(sample(text, 'moderato_http_requests_total{method="POST",route="/v1/comments",status="202"}'), 4)
  t.equal(sample(text, 'moderato_http_requests_total{method="GET",route="/v1/comments/:id",status="404"}'), 1, 'labelled by route pattern, not by id')
  t.equal(sample(text, 'moderato_http_request_duration_seconds_count{method="POST",route="/v1/comments"}'), 4)
  t.equal(sample(text, 'moderato_redis_up'), 1)
  t.equal(sample(text, 'moderato_queue_depth{lane="normal"}'), 1, 'the calm comment waits')
  t.equal(sample(text, 'moderato_queue_depth{lane="urgent"}'), 0, 'the threat was decided')
  t.equal(sample(text, 'moderato_queue_leased'), 0)
  t.ok((sample(text, 'moderato_queue_oldest_age_seconds{lane="normal"}') ?? -1) >= 0, 'age of the waiting comment')
  t.equal(sample(text, `moderato_rules_info{version="${rules.status().version}"}`), 1)
  t.equal(sample(text, 'moderato_rules_reload_failed'), 0)
  t.ok(sample(text, 'process_cpu_seconds_total') !== undefined, 'process metrics too')

  const unknown = await app.inject({ method: 'GET', url: '/no/such/route', headers: site })
  t.equal(unknown.statusCode, 404)
  const again = (await app.inject({ method: 'GET', url: '/metrics', headers: admin })).body
  t.equal(sample(again, 'moderato_http_requests_total{method="GET",route="unmatched",status="404"}'), 1, 'unknown paths share one series')
  t.equal(sample(again, 'moderato_http_requests_total{method="GET",route="/metrics",status="200"}'), 1, 'the first scrape counted')
})

t.test('long comments screened on worker threads are counted', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { SCREEN_THREADS: '1' })
  const long = 'A long and calm comment about the match and the weather. '.repeat(80)
  t.equal((await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'long', text: long }) })).statusCode, 202)
  t.equal((await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'short' }) })).statusCode, 202)
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: admin })).body
  t.equal(sample(text, 'moderato_screen_threads_comments{outcome="answered"}'), 1, 'the long one, not the short one')
  t.equal(sample(text, 'moderato_screen_threads_comments{outcome="fell_back"}'), 0)
})

t.test('admin key only', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url)
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: site })).statusCode, 403)
})

t.test('with Redis down the scrape still answers, and says so', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url)
  await redis.kill()
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: admin })
  t.equal(res.statusCode, 200)
  t.equal(sample(res.body, 'moderato_redis_up'), 0)
  t.notMatch(res.body, /^moderato_queue_depth\{/m, 'no stale queue figures')
})

t.test('a failed rules reload shows until a reload succeeds', async (t) => {
  const redis = await startRedis(t)
  const dir = await tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics', headers: admin })).body
  const good = readFileSync(join(dir, 'policy.yaml'), 'utf8')
  writeFileSync(join(dir, 'policy.yaml'), 'language: [unclosed\n')
  t.equal((await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: admin })).statusCode, 422)
  t.equal(sample(await scrape(), 'moderato_rules_reload_failed'), 1)
  writeFileSync(join(dir, 'policy.yaml'), good)
  t.equal((await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: admin })).statusCode, 200)
  t.equal(sample(await scrape(), 'moderato_rules_reload_failed'), 0)
})
