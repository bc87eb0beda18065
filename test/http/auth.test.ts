import t from 'tap'
import { keyLookup } from '../../src/http/auth.js'
import { parseApiKeys } from '../../src/config.js'
import { startRedis, buildTestApp, auth, KEYS, comment } from '../helper.js'

t.test('key lookup', async (t) => {
  const lookup = keyLookup(parseApiKeys('site:rasa:aaaaaaaa,moderator:alice:bbbbbbbb'))
  t.same(lookup('aaaaaaaa'), { role: 'site', name: 'rasa' })
  t.same(lookup('bbbbbbbb'), { role: 'moderator', name: 'alice' })
  t.equal(lookup('aaaaaaa'), undefined, 'a prefix of a secret is not a secret')
  t.equal(lookup(''), undefined)
})

t.test('routes enforce keys and roles', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url)
  const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/comments', headers, payload: comment() })

  const missing = await post({})
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().code, 'UNAUTHORIZED')
  t.match(missing.json().message, /Authorization: Bearer/)
  t.equal(missing.headers['www-authenticate'], 'Bearer')

  const unknown = await post(auth('not-a-key-at-all'))
  t.equal(unknown.statusCode, 401)
  t.match(unknown.json().message, /not known/)

  const malformed = await post({ authorization: `Basic ${KEYS.site}` })
  t.equal(malformed.statusCode, 401, 'only Bearer is understood')

  const wrongRole = await post(auth(KEYS.alice))
  t.equal(wrongRole.statusCode, 403)
  t.equal(wrongRole.json().code, 'FORBIDDEN')
  t.match(wrongRole.json().message, /moderator key "alice" may not call this route/)

  t.equal((await post(auth(KEYS.site))).statusCode, 202)

  const noKeyBadBody = await app.inject({ method: 'POST', url: '/v1/comments', headers: { 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(noKeyBadBody.statusCode, 401, 'a stranger learns nothing about the body: 401 comes before parsing')

  t.equal((await app.inject({ url: '/v1/rules', headers: auth(KEYS.site) })).statusCode, 403, 'rules are admin only')
  t.equal((await app.inject({ url: '/v1/rules', headers: auth(KEYS.admin) })).statusCode, 200)
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'health needs no key')
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'readiness needs no key')
})
