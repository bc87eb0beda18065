import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRedis, buildTestApp, auth, KEYS, comment, ROOT } from '../helper.js'
import { SiteKeys } from '../../src/queue/keys.js'

const redis = await startRedis(t)
const { app, redis: client, config } = await buildTestApp(t, redis.url, { MAX_TEXT_LENGTH: '200' })
const site = auth(KEYS.site)
const keyCount = async (): Promise<number> => (await client.keys(`${config.redisPrefix}:*`)).length

t.test('happy path: submit, then ask what became of it', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/comments',
    headers: site,
    payload: comment({ id: 'happy-1', text: 'You are an idiot, and Smith is a war criminal.', author: { id: 'u1', name: 'Reader' }, context: { title: 'Bridge', people: ['Jane Smith'] } })
  })
  t.equal(res.statusCode, 202)
  t.equal(res.headers['idempotent-replayed'], 'false')
  const body = res.json()
  t.equal(body.id, 'happy-1')
  t.equal(body.status, 'pending')
  t.equal(body.screening.language.english, true)
  t.equal(body.screening.language.code, 'eng')
  t.match(body.screening.rulesVersion, /^[0-9a-f]{12}$/)
  const text = 'You are an idiot, and Smith is a war criminal.'
  const categories = body.screening.flags.map((f: { category: string }) => f.category).sort()
  t.same(categories, ['insult', 'libel'])
  for (const f of body.screening.flags) t.equal(text.slice(f.start, f.end), f.text, `span of ${f.rule} slices the original text`)
  t.ok(body.screening.score > 0.5)

  const status = await app.inject({ url: '/v1/comments/happy-1', headers: site })
  t.equal(status.statusCode, 200)
  t.same(status.json(), { id: 'happy-1', status: 'pending', screening: body.screening })

  for (const key of [KEYS.alice, KEYS.admin]) {
    t.equal((await app.inject({ url: '/v1/comments/happy-1', headers: auth(key) })).statusCode, 200, 'moderators and admins may read status')
  }
})

t.test('a generated id when the site sends none', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment() })
  t.equal(res.statusCode, 202)
  t.match(res.json().id, /^[0-9a-f-]{36}$/)
  t.equal((await app.inject({ url: `/v1/comments/${res.json().id}`, headers: site })).json().status, 'pending')
})

t.test('clearly not English is rejected outright, with a reason for the reader', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'fr-1', text: "Je ne suis pas d'accord avec cet article, les chiffres sont faux." }) })
  t.equal(res.statusCode, 202)
  t.equal(res.json().status, 'rejected')
  t.equal(res.json().reason, 'Please write your comment in English.')
  t.equal(res.json().screening.language.english, false)
  const status = (await app.inject({ url: '/v1/comments/fr-1', headers: site })).json()
  t.equal(status.status, 'rejected')
  t.equal(status.decision.decision, 'reject')
  t.equal(status.decision.reason, 'language')
  t.equal(status.decision.decidedBy, 'moderato')
  t.equal(status.decision.automatic, true)
})

t.test('short or letterless text is never rejected for language', async (t) => {
  for (const text of ['lol ok', '😀😀😀', '+1', 'Agreed!']) {
    const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ text }) })
    t.equal(res.statusCode, 202)
    t.equal(res.json().screening.language.english, null, JSON.stringify(text))
    t.equal(res.json().status, 'pending')
  }
})

t.test('unknown ids', async (t) => {
  const res = await app.inject({ url: '/v1/comments/no-such-comment', headers: site })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { statusCode: 404, code: 'COMMENT_NOT_FOUND', message: 'No comment with id "no-such-comment".' })
})

t.test('idempotency: 20 racing duplicates make one comment and one queue entry', async (t) => {
  const payload = comment({ id: 'race-1', text: 'Racing duplicates should be stored once.' })
  const replies = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload })))
  t.same(replies.map((r) => r.statusCode), Array(20).fill(202))
  t.equal(replies.filter((r) => r.headers['idempotent-replayed'] === 'false').length, 1, 'exactly one created it')
  const bodies = new Set(replies.map((r) => r.body))
  t.equal(bodies.size, 1, 'every duplicate got the same answer')
  const members = await client.zrange(new SiteKeys(config.redisPrefix, 'rasa').ready('normal'), '0', '-1')
  t.equal(members.filter((m) => m === 'race-1').length, 1, 'one queue entry')
  t.equal(await client.llen(new SiteKeys(config.redisPrefix, 'rasa').history('race-1')), 2, 'history: screened and queued, once')
})

t.test('the same id with other fields is 409 ID_CONFLICT, never a silent replay', async (t) => {
  const fields = { id: 'orig-1', text: 'A calm and friendly remark about the bridge.', author: { id: 'u1', name: 'Ann' }, context: { title: 'Bridge', people: ['Jane Smith'] } }
  const first = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment(fields) })
  t.equal(first.statusCode, 202)
  const reordered = { context: { people: ['Jane Smith'], title: 'Bridge' }, author: { name: 'Ann', id: 'u1' }, text: fields.text, id: 'orig-1' }
  const retry = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment(reordered) })
  t.equal(retry.headers['idempotent-replayed'], 'true', 'a retry with the same fields in another key order replays')
  t.same(retry.json(), first.json())
  for (const [what, change] of [
    ['text', { text: 'You idiot, this is different text.' }],
    ['article', { articleId: 'article-2' }],
    ['author', { author: { id: 'u2', name: 'Ann' } }],
    ['context', { context: { title: 'Bridge' } }]
  ] as Array<[string, Record<string, unknown>]>) {
    const other = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ ...fields, ...change }) })
    t.match(other.json(), { statusCode: 409, code: 'ID_CONFLICT', message: /different comment was already submitted with the id "orig-1"/ }, `another ${what}`)
  }
  const keyed = { ...site, 'idempotency-key': 'idem-conflict' }
  t.equal((await app.inject({ method: 'POST', url: '/v1/comments', headers: keyed, payload: comment({ text: 'First words.' }) })).statusCode, 202)
  t.equal((await app.inject({ method: 'POST', url: '/v1/comments', headers: keyed, payload: comment({ text: 'Other words.' }) })).json().code, 'ID_CONFLICT', 'the same goes for Idempotency-Key')
  const stored = await app.inject({ method: 'GET', url: '/v1/comments/orig-1', headers: site })
  t.equal(stored.json().status, 'pending', 'the first comment is untouched')
})

t.test('a comment stored before fingerprints existed still replays', async (t) => {
  const first = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'legacy-1' }) })
  await client.hdel(new SiteKeys(config.redisPrefix, 'rasa').comment('legacy-1'), 'fingerprint')
  const again = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ id: 'legacy-1', text: 'Whatever was sent.' }) })
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())
})

t.test('Idempotency-Key header stands in for a missing id', async (t) => {
  const headers = { ...site, 'idempotency-key': 'idem-key-1' }
  const a = await app.inject({ method: 'POST', url: '/v1/comments', headers, payload: comment() })
  const b = await app.inject({ method: 'POST', url: '/v1/comments', headers, payload: comment() })
  t.equal(a.json().id, 'idem-key-1')
  t.equal(b.headers['idempotent-replayed'], 'true')
  const bad = await app.inject({ method: 'POST', url: '/v1/comments', headers: { ...site, 'idempotency-key': 'has spaces' }, payload: comment() })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'VALIDATION_ERROR')
})

t.test('POST /v1/screen stores nothing', async (t) => {
  const before = await keyCount()
  const res = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.alice), payload: { text: 'I will kill you', context: {} } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'pending')
  t.equal(res.json().lane, 'urgent')
  t.equal(res.json().screening.flags[0].category, 'threat')
  const fr = await app.inject({ method: 'POST', url: '/v1/screen', headers: site, payload: { text: 'Dies ist ganz sicher kein englischer Satz, mein Freund.' } })
  t.equal(fr.json().status, 'rejected')
  t.equal(fr.json().reason, 'Please write your comment in English.')
  t.equal(await keyCount(), before, 'no key was written')
})

t.test('bad input: 4xx with a stable code, and nothing stored', async (t) => {
  const before = await keyCount()
  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/comments', headers: { ...site, 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })
  const cases: Array<[string, string | object, Record<string, string>, number, string, RegExp?]> = [
    ['malformed JSON', '{"articleId": "a", "text": ', {}, 400, 'INVALID_JSON', /not valid JSON/],
    ['empty body', '', {}, 400, 'EMPTY_BODY'],
    ['not JSON: text/plain', 'hello', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE', /application\/json/],
    ['not JSON: form', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['missing articleId', { text: 'hello there' }, {}, 400, 'VALIDATION_ERROR', /^body needs the field "articleId"$/],
    ['missing text', { articleId: 'a' }, {}, 400, 'VALIDATION_ERROR', /^body needs the field "text"$/],
    ['articleId is a number (no coercion)', { articleId: 1, text: 'hello there' }, {}, 400, 'VALIDATION_ERROR', /articleId must be string/],
    ['text is a number', { articleId: 'a', text: 42 }, {}, 400, 'VALIDATION_ERROR', /text must be string/],
    ['author is a string', { articleId: 'a', text: 'hi there', author: 'bob' }, {}, 400, 'VALIDATION_ERROR', /author/],
    ['people is not an array', { articleId: 'a', text: 'hi there', context: { people: 'Smith' } }, {}, 400, 'VALIDATION_ERROR', /people/],
    ['unknown field', { articleId: 'a', text: 'hi there', colour: 'red' }, {}, 400, 'VALIDATION_ERROR', /^unknown field "colour" in body$/],
    ['unknown nested field', { articleId: 'a', text: 'hi there', author: { id: 'x', age: 3 } }, {}, 400, 'VALIDATION_ERROR', /^unknown field "age" in body\/author$/],
    ['body is an array', [1, 2], {}, 400, 'VALIDATION_ERROR'],
    ['empty text', { articleId: 'a', text: '' }, {}, 400, 'EMPTY_TEXT'],
    ['whitespace-only text', { articleId: 'a', text: ' \n\t\u00a0 ' }, {}, 400, 'EMPTY_TEXT'],
    ['zero-width-only text', { articleId: 'a', text: '\u200b\u200d\u2060\ufeff \u202e' }, {}, 400, 'EMPTY_TEXT', /invisible/],
    ['combining marks only', { articleId: 'a', text: '\u0301\u0301\ufe0f\u3164' }, {}, 400, 'EMPTY_TEXT'],
    ['text over MAX_TEXT_LENGTH', { articleId: 'a', text: 'x'.repeat(201) }, {}, 413, 'TEXT_TOO_LONG', /more than 200 characters/],
    ['NUL character', { articleId: 'a', text: 'hello\u0000world' }, {}, 400, 'INVALID_CHARACTERS', /NUL/],
    ['lone surrogate', '{"articleId":"a","text":"broken \\ud800 text"}', {}, 400, 'INVALID_CHARACTERS', /lone UTF-16 surrogate/],
    ['lone surrogate in a name', '{"articleId":"a","text":"fine text","author":{"name":"\\udfff"}}', {}, 400, 'INVALID_CHARACTERS', /author\/name/],
    ['id with spaces', { id: 'has space', articleId: 'a', text: 'hi there' }, {}, 400, 'VALIDATION_ERROR', /id/],
    ['a compressed body', { articleId: 'a', text: 'hi there' }, { 'content-encoding': 'gzip' }, 415, 'UNSUPPORTED_CONTENT_ENCODING', /gzip.*uncompressed/]
  ]
  for (const [name, payload, headers, status, code, message] of cases) {
    const res = await post(payload, headers)
    t.equal(res.statusCode, status, `${name}: status`)
    const body = res.json()
    t.equal(body.code, code, `${name}: code`)
    t.equal(body.statusCode, status, `${name}: statusCode in body`)
    t.type(body.message, 'string')
    if (message !== undefined) t.match(body.message, message, `${name}: message`)
  }
  // "café" with é as one Latin-1 byte: not UTF-8. Decoded anyway, it was stored as "caf\ufffd".
  const latin1 = Buffer.concat([Buffer.from('{"articleId":"a","text":"caf'), Buffer.from([0xe9]), Buffer.from(' au lait"}')])
  const badBytes = await app.inject({ method: 'POST', url: '/v1/comments', headers: { ...site, 'content-type': 'application/json' }, payload: latin1 })
  t.equal(badBytes.statusCode, 400, 'bytes that are not UTF-8')
  t.equal(badBytes.json().code, 'INVALID_ENCODING')
  const huge = await post({ articleId: 'a', text: 'y'.repeat(3 * 1024 * 1024) })
  t.equal(huge.statusCode, 413, 'body over the body limit')
  t.equal(huge.json().code, 'BODY_TOO_LARGE')
  t.equal(await keyCount(), before, 'no bad request stored anything')
})

t.test('MAX_TEXT_LENGTH counts characters, not UTF-16 units', async (t) => {
  const emoji = '😀'.repeat(200)
  t.equal(emoji.length, 400)
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: comment({ text: emoji }) })
  t.equal(res.statusCode, 202, '200 emoji are 200 characters')
})

t.test('adversarial text is handled', async (t) => {
  const texts = ['\u202Eevil\u202C text with bidi controls', 'z\u0301\u0302\u0303'.repeat(40), 'a'.repeat(200)]
  for (const text of texts) {
    const res = await app.inject({ method: 'POST', url: '/v1/screen', headers: site, payload: { text } })
    t.equal(res.statusCode, 200, JSON.stringify(text).slice(0, 40))
    for (const f of res.json().screening.flags) t.equal(text.slice(f.start, f.end), f.text)
  }
  const invisible = await app.inject({ method: 'POST', url: '/v1/screen', headers: site, payload: { text: '\uFEFF\u200B\u200B' } })
  t.equal(invisible.statusCode, 400, 'nothing visible to screen')
  t.equal(invisible.json().code, 'EMPTY_TEXT')
})

t.test('unknown routes', async (t) => {
  const res = await app.inject({ url: '/v2/nothing' })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'ROUTE_NOT_FOUND')
})

t.test('OpenAPI document', async (t) => {
  const res = await app.inject({ url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\./)
  for (const path of ['/v1/comments', '/v1/comments/{id}', '/v1/screen', '/healthz', '/readyz', '/v1/review/claim', '/v1/decisions', '/v1/rules', '/metrics']) {
    t.ok(doc.paths[path], `documents ${path}`)
  }
  t.ok(doc.paths['/v1/comments'].post.requestBody.content['application/json'].schema.properties.articleId)
  // Every route that needs a key says so; health checks do not.
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>)) {
    for (const [method, op] of Object.entries(methods)) {
      if (path === '/healthz' || path === '/readyz') t.equal(op.security, undefined, `${method} ${path} needs no key`)
      else t.same(op.security, [{ bearer: [] }], `${method} ${path} documents the bearer key`)
    }
  }
  t.equal((await app.inject({ url: '/docs' })).statusCode < 400, true, 'UI is served')
})

t.test('one id limit everywhere: an id of 128 characters can be read back', async (t) => {
  // Printable ASCII up to 128 characters, some of which must be percent-encoded in a path.
  const id = 'x'.repeat(100) + '/?#%&+ é'.replace(' é', '') + 'y'.repeat(22)
  t.equal(id.length, 128)
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: { id, articleId: 'a', text: 'A fine comment about the match.' } })
  t.equal(res.statusCode, 202)
  const read = await app.inject({ url: `/v1/comments/${encodeURIComponent(id)}`, headers: site })
  t.equal(read.statusCode, 200, 'read back by its id')
  t.equal(read.json().id, id)
  const history = await app.inject({ url: `/v1/comments/${encodeURIComponent(id)}/history`, headers: auth(KEYS.alice) })
  t.equal(history.statusCode, 200, 'and its history')
  const tooLong = await app.inject({ method: 'POST', url: '/v1/comments', headers: site, payload: { id: id + 'z', articleId: 'a', text: 'A fine comment.' } })
  t.equal(tooLong.statusCode, 400, 'an id of 129 characters is refused at intake')
  t.equal(tooLong.json().code, 'VALIDATION_ERROR')
})

t.test('an uncompressed body may say so (Content-Encoding: identity), in UTF-8 beyond ASCII', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/comments', headers: { ...site, 'content-type': 'application/json', 'content-encoding': 'identity' }, payload: Buffer.from(JSON.stringify({ id: 'utf8-identity', articleId: 'a', text: 'Un café au lait, s’il vous plaît — 🙂' })) })
  t.equal(res.statusCode, 202)
  const stored = await app.inject({ url: '/v1/comments/utf8-identity', headers: site })
  t.equal(stored.statusCode, 200)
})

t.test('/healthz says which release and which rules are running', async (t) => {
  const res = await app.inject({ url: '/healthz' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'ok')
  t.equal(body.version, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, "package.json's version")
  t.equal(body.rulesVersion, app.rules.status().version)
})
