// The learned scorer inside screening and the service: its flags, its lanes, the policy's
// switch and thresholds, and the version every verdict carries.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadRules, RulesLoadError } from '../../src/rules/load.js'
import { screen } from '../../src/screening/screen.js'
import { scoreTokens } from '../../src/screening/model.js'
import { tokenize } from '../../src/screening/tokenize.js'
import type { ModelManifest } from '../../src/model/file.js'
import { auth, buildTestApp, KEYS, MODEL_DIR, RULES_DIR, startRedis } from '../helper.js'
import { copyRules, edit } from '../rules/helper.js'

const manifest = JSON.parse(await readFile(join(MODEL_DIR, 'toxic-tokens.json'), 'utf8')) as ModelManifest
const { ruleset } = await loadRules(RULES_DIR, { models: MODEL_DIR })
const run = (text: string, rules = ruleset): ReturnType<typeof screen> => screen({ text }, rules)
const modelFlags = (text: string, rules = ruleset): string[] => run(text, rules).screening.flags.filter((f) => f.rule.startsWith('model:')).map((f) => `${f.category}: ${f.text}`)

t.test('the model flags the hostile phrase a list cannot see, with its class', async (t) => {
  t.same(modelFlags('Honestly, pathetic clown.'), ['insult: pathetic clown'])
  const r = run('Honestly, pathetic clown.')
  t.equal(r.screening.modelVersion, manifest.version)
  t.same(r.verdict, { status: 'pending', lane: 'high' }, 'routed to the insult lane of policy.yaml')
})

t.test('ordinary and identity statements are left alone', async (t) => {
  for (const text of [
    'The council approved the new budget on Tuesday.',
    'I am a proud gay man.',
    'Muslims are my neighbours and my friends.',
    'Black families moved into the area in the 1950s.',
    'Thank you for this careful article about the new bridge.'
  ]) t.same(run(text).screening.flags, [], text)
})

t.test('a comment the rules flagged shows the model\'s weaker phrases too; the same words alone stay unflagged', async (t) => {
  const text = 'Deport all the Somalis. Their leaders are lazy garbage.'
  const thresholds = ruleset.model!.thresholds
  const { tokens } = tokenize(text)
  const best = Math.max(...scoreTokens(ruleset.model!.model, tokens).map((s) => s.toxic))
  t.ok(best >= thresholds.within && best < Math.min(...Object.values(thresholds.flag)), 'no word reaches the model\'s own gate, one reaches within')
  t.same(run(text).screening.flags.map((f) => f.rule), ['pattern:group-removal', 'model:insult'], 'the pattern opens the gate')
  t.same(modelFlags('Their leaders are lazy garbage.'), [], 'alone, the same sentence has no model flag')
})

t.test('policy.yaml switches the model off, and its thresholds and lanes apply', async (t) => {
  const dir = await copyRules(t, RULES_DIR)
  edit(dir, 'policy.yaml', (s) => s.replace('model:\n  enabled: true', 'model:\n  enabled: false'))
  const off = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.equal(run('Honestly, pathetic clown.', off).screening.modelVersion, null)
  t.same(modelFlags('Honestly, pathetic clown.', off), [])

  edit(dir, 'policy.yaml', (s) => s.replace('model:\n  enabled: false', 'model:\n  enabled: true').replace('insult: { lane: high }', 'insult: { lane: low, threshold: 1 }'))
  const strict = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.same(modelFlags('Honestly, pathetic clown.', strict), [], 'a threshold of 1 lets nothing through')
  edit(dir, 'policy.yaml', (s) => s.replace('insult: { lane: low, threshold: 1 }', 'insult: { lane: low, threshold: 0.5 }'))
  const low = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.equal(run('Honestly, pathetic clown.', low).verdict.lane, 'low', 'the model lane of policy.yaml')
})

t.test('aimed at someone, a phrase needs less of the model: as for aimed lists, negation and condemnation take it back', async (t) => {
  const dir = await copyRules(t, RULES_DIR)
  edit(dir, 'policy.yaml', (s) => s.replace(/\n {2}aimed: [0-9.]+/, ''))
  const unaimed = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.equal(unaimed.model?.thresholds.aimed, undefined, 'no aimed threshold unless policy.yaml sets one')
  edit(dir, 'policy.yaml', (s) => s.replace('model:\n  enabled: true', 'model:\n  enabled: true\n  aimed: 0.5'))
  const aimed = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.equal(aimed.model?.thresholds.aimed, 0.5)
  const text = 'You are a lazy troll, Bob.'
  t.same(modelFlags(text, unaimed), [], 'below the plain threshold')
  t.same(modelFlags(text, aimed), ['insult: lazy troll'])
  t.same(modelFlags('Bob is just a lazy troll.', aimed), ['insult: lazy troll'], 'a name, a copula and fillers')
  t.same(modelFlags('you lazy troll', aimed), ['insult: lazy troll'], '"you" right before the phrase')
  t.same(modelFlags('The refugees live in lazy troll conditions.', aimed), [], 'a target in the sentence, but the phrase is said of something else')
  for (const benign of ['You are not a lazy troll.', 'He is not a lazy troll.', 'Calling him a lazy troll is unfair.', 'No one should hate gay people.', 'You are a teacher.']) {
    t.same(modelFlags(benign, aimed), [], benign)
  }
  t.same(modelFlags('the lazy troll argument again', aimed), [], 'the same words aimed at no one')
  t.same(modelFlags('These trolls post all day.', aimed), ['insult: trolls'], '"these" points at whoever the phrase names')
  t.same(modelFlags('Those two trolls post all day.', aimed), ['insult: trolls'], 'a word or two may stand between')
  t.same(modelFlags('These trolls post all day.', unaimed), [], 'pointed-at phrases use the aimed threshold too')
  t.same(modelFlags('Honestly, what a lazy troll.', aimed), ['insult: lazy troll'], '"what a" before the phrase')
  t.same(modelFlags('Go back to your cave, lazy troll.', aimed), ['insult: lazy troll'], 'called out at the end of a sentence, after a comma')
  t.same(modelFlags('lazy troll, go back to your cave.', unaimed), [], 'a phrase that opens a sentence is not addressed')
  t.same(modelFlags('Go back to your cave, lazy troll.', unaimed), [], 'addressed phrases use the aimed threshold too')
  t.same(modelFlags('These are not lazy trolls.', aimed), [], 'negated')
  t.same(modelFlags('That nazi posts all day.', aimed), ['insult: nazi'], '"this" and "that" point too')
  t.same(modelFlags('That nazi posts all day.', unaimed), [], 'below the plain threshold')
  t.same(modelFlags('This is a clown show.', aimed), [], 'a pointer followed by a verb is a pronoun: it points at no one')
})

t.test('the model never rejects a comment by itself', async (t) => {
  const dir = await copyRules(t, RULES_DIR)
  edit(dir, 'policy.yaml', (s) => s.replace(/ {2}insult:\n {4}action: review\n {4}lane: high/, '  insult:\n    action: reject\n    lane: high\n    reason: No insults.'))
  const rejecting = (await loadRules(dir, { models: MODEL_DIR })).ruleset
  t.equal(run('You are an idiot.', rejecting).verdict.status, 'rejected', 'a list insult rejects under this policy')
  t.same(run('Honestly, pathetic clown.', rejecting).verdict, { status: 'pending', lane: 'high' }, 'a model insult is held for review')
})

t.test('a policy that asks for a model that is not there is a load problem, not a silent fallback', async (t) => {
  const err = await loadRules(RULES_DIR, { models: join(MODEL_DIR, 'missing') }).catch((e: unknown) => e)
  t.type(err, RulesLoadError)
  t.match((err as RulesLoadError).problems, [{ file: 'policy.yaml', message: /model: cannot read the model .*npm run train.*enabled: false/ }])
  t.equal((await loadRules(RULES_DIR)).ruleset.model, undefined, 'without a model folder the rules run alone')
})

t.test('the service reports the model version on verdicts, /v1/rules and /readyz', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, redis.url, { RULES_DIR })
  const screened = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth(KEYS.site), payload: { text: 'Honestly, pathetic clown.' } })
  t.equal(screened.statusCode, 200)
  t.equal(screened.json().screening.modelVersion, manifest.version)
  t.match(screened.json().screening.flags, [{ rule: 'model:insult', category: 'insult', text: 'pathetic clown' }])
  const accepted = await app.inject({ method: 'POST', url: '/v1/comments', headers: auth(KEYS.site), payload: { id: 'm-1', articleId: 'a', text: 'Honestly, pathetic clown.' } })
  t.equal(accepted.statusCode, 202)
  const stored = await app.inject({ method: 'GET', url: '/v1/comments/m-1', headers: auth(KEYS.site) })
  t.equal(stored.json().screening.modelVersion, manifest.version, 'stored with the comment')
  const rules = await app.inject({ method: 'GET', url: '/v1/rules', headers: auth(KEYS.admin) })
  t.equal(rules.json().modelVersion, manifest.version)
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.json().modelVersion, manifest.version)
})
