// Per-site rules: RULES_DIR/sites/<site>/policy.yaml and lists.yaml over the shared folder.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRedis, buildTestApp, auth, KEYS, API_KEYS, comment, until } from '../helper.js'
import { copyRules, edit } from './helper.js'
import { loadRules, RulesLoadError } from '../../src/rules/load.js'
import { main } from '../../src/cli/main.js'

const redis = await startRedis(t)
const OTHER = 'site-secret-other'
const GERMAN = 'Ich finde diesen Artikel über die neue Brücke sehr interessant und gut geschrieben, vielen Dank dafür.'

/** The mini rules with an overlay for the site "other": its own word, auto-approval, German only. */
async function withOverlay (t: Parameters<typeof copyRules>[0]): Promise<string> {
  const dir = await copyRules(t)
  const site = join(dir, 'sites', 'other')
  mkdirSync(join(site, 'lists'), { recursive: true })
  writeFileSync(join(site, 'policy.yaml'), [
    'clean: { action: approve, lane: low }',
    'language: { action: reject, lane: normal, reason: Bitte auf Deutsch., allowed: [deu] }',
    'categories:',
    '  insult: { action: review, lane: urgent }'
  ].join('\n') + '\n')
  writeFileSync(join(site, 'lists.yaml'), 'lists:\n  - { id: local-insults, file: lists/local.txt, category: insult, severity: high, mode: always }\n')
  writeFileSync(join(site, 'lists', 'local.txt'), 'zebra\n')
  return dir
}

t.test('a site overlay adds words and changes the policy for that site only', async (t) => {
  const dir = await withOverlay(t)
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir, API_KEYS: `${API_KEYS},site:other:${OTHER}` })
  const submit = async (key: string, id: string, text: string) => (await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(key), payload: comment({ id, text }) })).json()

  const rasaZebra = await submit(KEYS.site, 'z', 'What a zebra of an article about the bridge.')
  const otherZebra = await submit(OTHER, 'z', 'What a zebra of an article about the bridge.')
  t.same(rasaZebra.screening.flags, [], 'the shared rules do not know the word')
  t.same(otherZebra.screening.flags.map((f: { rule: string, category: string }) => `${f.category} ${f.rule}`), ['language language:not-allowed', 'insult list:local-insults'], "the site's own list adds it (and English is not its language)")
  t.not(otherZebra.screening.rulesVersion, rasaZebra.screening.rulesVersion, "the version on a verdict covers the site's overlay")

  t.equal((await submit(OTHER, 'de', GERMAN)).status, 'approved', 'German is allowed there, and clean comments are approved without review')
  const english = await submit(OTHER, 'en', 'Thank you for this careful article about the new bridge and the budget.')
  t.equal(english.status, 'rejected', 'English is not among its allowed languages')
  t.equal(english.reason, 'Bitte auf Deutsch.')
  t.equal((await submit(KEYS.site, 'de', GERMAN)).status, 'pending', 'the shared policy reviews other languages, as before')

  const status = (await app.inject({ url: '/v1/rules', headers: auth(KEYS.admin) })).json()
  t.same(Object.keys(status.sites), ['other'])
  t.equal(status.sites.other.version, otherZebra.screening.rulesVersion)
  t.ok(status.files.includes('sites/other/policy.yaml'), 'the overlay files are listed')
})

t.test('overlays reload with the folder; a broken one keeps the last good rules and names its file and line', async (t) => {
  const dir = await withOverlay(t)
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR: dir, API_KEYS: `${API_KEYS},site:other:${OTHER}`, RULES_WATCH: 'true' })
  const flagged = async (text: string) => (await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(OTHER), payload: { text } })).json().screening.flags.length
  edit(dir, 'sites/other/lists/local.txt', (s) => s + 'giraffe\n')
  await until(t, 'the edited site list is picked up by the watcher', async () => await flagged('What a giraffe of a mayor.') === 1)

  const before = app.rules.status().sites.other!.version
  edit(dir, 'sites/other/policy.yaml', (s) => s.replace('lane: urgent', 'lane: someday'))
  const reload = await app.inject({ method: 'POST', url: '/v1/rules/reload', headers: auth(KEYS.admin) })
  t.equal(reload.statusCode, 422)
  t.match(JSON.stringify(reload.json()), /sites\/other\/policy\.yaml/)
  t.equal(app.rules.status().sites.other!.version, before, 'the last good overlay keeps running')
  t.equal(await flagged('What a giraffe of a mayor.'), 1)
})

t.test('site folders must be site ids; an overlay without lists.yaml only changes the policy', async (t) => {
  const dir = await copyRules(t)
  mkdirSync(join(dir, 'sites', 'bad name'), { recursive: true })
  const err = await loadRules(dir).catch((e: unknown) => e)
  t.ok(err instanceof RulesLoadError)
  t.match((err as RulesLoadError).message, /sites\/bad name: .*site id/)

  const ok = await copyRules(t)
  mkdirSync(join(ok, 'sites', 'quiet'), { recursive: true })
  writeFileSync(join(ok, 'sites', 'quiet', 'policy.yaml'), 'clean: { action: approve, lane: low }\n')
  const loaded = await loadRules(ok)
  t.same(Object.keys(loaded.sites), ['quiet'])
  t.equal(loaded.sites.quiet!.ruleset.counts.lists.insults, loaded.ruleset.counts.lists.insults, 'the shared lists, unchanged')
})

t.test('the rules CLI screens, checks and tests for one site with --site', async (t) => {
  const dir = await withOverlay(t)
  const screened = await main(['screen', '--rules', dir, '--site', 'other', 'What a zebra of an article.'])
  t.equal(screened.code, 0)
  t.match(screened.out, /local-insults/)
  const shared = await main(['screen', '--rules', dir, 'What a zebra of an article.'])
  t.notMatch(shared.out, /local-insults/)
  const unknown = await main(['screen', '--rules', dir, '--site', 'nosuch', 'text'])
  t.equal(unknown.code, 2)
  t.match(unknown.out, /no overlay for the site "nosuch"/)
  const checked = await main(['check', dir])
  t.equal(checked.code, 0)
  t.match(checked.out, /sites: other/)
})
