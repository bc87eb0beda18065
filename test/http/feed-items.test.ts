// The decisions feed gives the site what it needs to act: the article, the author, the
// decision and what to tell the reader, with a cursor per entry.
import t from 'tap'
import { startRedis, buildTestApp, auth, KEYS, comment } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'
import { loadRules, RulesLoadError } from '../../src/rules/load.js'
import { compareStreamIds } from '../../src/queue/stream-ids.js'

const redis = await startRedis(t)

t.test('feed items carry article, author, decision, reader message and cursor', async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s.replace('language: { action: review, lane: low, reason: Please write in English. }', 'language: { action: reject, lane: low, reason: Please write in English. }') +
    'readerMessages:\n  insult: "Not published: it insults someone."\n')
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir })
  const submit = async (id: string, text: string, author?: object) =>
    await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: comment({ id, text, articleId: `article-${id}`, ...(author !== undefined ? { author } : {}) }) })
  t.equal((await submit('fr', 'Je pense que cet article sur le nouveau pont est très intéressant et bien écrit.', { id: 'u-fr' })).json().status, 'rejected')
  await submit('a', 'A calm remark about the bridge.', { id: 'u-a', name: 'Ann' })
  await submit('b', 'Another calm remark about the bridge.')
  for (const [id, body] of [['a', { decision: 'approve' }], ['b', { decision: 'reject', reason: 'insult' }]] as const) {
    const claimed = await app.inject({ method: 'POST', url: '/v1/review/claim', headers: auth(KEYS.alice), payload: { max: 1 } })
    t.equal(claimed.json().items[0].id, id)
    t.equal((await app.inject({ method: 'POST', url: `/v1/review/${id}/decision`, headers: auth(KEYS.alice), payload: body })).statusCode, 200)
  }
  const page = (await app.inject({ url: '/v1/decisions', headers: auth(KEYS.site) })).json()
  const [fr, a, b] = page.items
  t.match(fr, { id: 'fr', status: 'rejected', decision: 'reject', reason: 'language', readerMessage: 'Please write in English.', articleId: 'article-fr', authorId: 'u-fr', decidedBy: 'moderato' })
  t.match(a, { id: 'a', status: 'approved', decision: 'approve', reason: null, readerMessage: null, articleId: 'article-a', authorId: 'u-a', decidedBy: 'alice' })
  t.match(b, { id: 'b', decision: 'reject', reason: 'insult', readerMessage: 'Not published: it insults someone.', authorId: null })
  t.equal(page.next, b.cursor, "the last item's cursor is the page's next")
  t.ok(compareStreamIds(fr.cursor, a.cursor) < 0 && compareStreamIds(a.cursor, b.cursor) < 0, 'cursors increase')
  const after = (await app.inject({ url: `/v1/decisions?after=${a.cursor}`, headers: auth(KEYS.site) })).json()
  t.same(after.items.map((i: { id: string }) => i.id), ['b'], 'after=<an item\'s cursor> reads what came after it, once')
})

t.test('a reader message for a code that is not a reason is a problem with its line', async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s + 'readerMessages:\n  insult: fine\n  rudeness: not a code\n')
  const err = await loadRules(dir).catch((e: unknown) => e)
  t.ok(err instanceof RulesLoadError)
  t.match((err as RulesLoadError).message, /policy\.yaml:\d+: readerMessages: "rudeness" is not one of the reason codes/)
})
