import t from 'tap'
import { compileTokenPattern, PatternIndex, MAX_PATHS } from '../../src/screening/token-pattern.js'
import { compileRuleset, type RuleSource } from '../../src/screening/ruleset.js'
import { screen, MAX_FLAGS_PER_RULE } from '../../src/screening/screen.js'
import { tokenize } from '../../src/screening/tokenize.js'
import { defaultRules } from './helper.js'

const lists = new Map([['bad', new Set(['idiot', 'fool'])]])
const norm = (w: string): string => w.toLowerCase()

t.test('token patterns compile or say what is wrong', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['{any:0-2} idiot', /cannot start or end/],
    ['idiot {any:0-9}', /gap is \{any:M-N\} with M ≤ N ≤ 5/],
    ['you {nope}', /no list with id "nope"/],
    ['you? idiot', /first element cannot be optional/],
    ['you {any:0-1}? idiot', /gap cannot be optional/],
    ['you {you}|x', /stand alone/],
    ['^', /no word besides \^ and \$/],
    ['^ $', /no word besides \^ and \$/],
    ['you ^ idiot', /can only come first/],
    ['you $ idiot', /can only come last/],
    ['a {any:0-5} b {any:0-5} c {any:0-5} d {any:0-5} e', new RegExp(`> ${MAX_PATHS}`)]
  ]
  for (const [source, message] of bad) t.throws(() => compileTokenPattern(source, lists, norm), { message }, JSON.stringify(source))
  t.type(compileTokenPattern('{you} are|r {any:0-2} {bad}', lists, norm), 'object')
  t.throws(() => compileTokenPattern('', lists, norm), { name: 'PatternError' })
})

t.test('token patterns match whole words with gaps and optional parts', async (t) => {
  // Through PatternIndex, as the service matches them.
  const index = new PatternIndex([{ pattern: compileTokenPattern('{you} are? {any:0-2} {bad}|clown', lists, norm) }])
  const find = (text: string) => {
    const { tokens } = tokenize(text)
    const kinds = tokens.map((tok) => (tok.norm === 'you' ? 'you' as const : undefined))
    return index.matchAll(tokens, kinds).map((m) => tokens.slice(m.first, m.last + 1).map((x) => x.norm).join(' '))
  }
  t.same(find('you are an idiot'), ['you are an idiot'])
  t.same(find('you idiot'), ['you idiot'])
  t.same(find('you are a total utter fool'), [], 'gap too long')
  t.same(find('you. idiot'), [], 'never across sentences')
  t.same(find('you clown, you fool'), ['you clown', 'you fool'])
  t.same(find('you, idiot'), [], 'never across a comma')
  t.same(find('you are - as ever - an idiot'), [], 'nor a dash, even inside a gap')
  t.same(find('you-idiot'), [], 'nor a hyphen')
})

t.test('^ and $ tie a match to the start and the end of a sentence', async (t) => {
  const find = (pattern: string, text: string): string[] => {
    const index = new PatternIndex([{ pattern: compileTokenPattern(pattern, lists, norm) }])
    const { tokens } = tokenize(text)
    return index.matchAll(tokens, tokens.map(() => undefined)).map((m) => tokens.slice(m.first, m.last + 1).map((x) => x.norm).join(' '))
  }
  t.same(find('^ should be shot', 'Should be shot. He should be shot.'), ['should be shot'], 'only the sentence that starts with it')
  t.same(find('should be shot $', 'It should be shot down. It should be shot!'), ['should be shot'], 'only the sentence that ends with it')
  t.same(find('^ should be shot $', 'Should be shot!'), ['should be shot'], 'a whole sentence')
  t.same(find('^ should be shot $', 'Should be shot, frankly.'), [], 'a comma is not a sentence end')
  t.same(find('^ should be shot too? $', 'Should be shot too. Should be shot.'), ['should be shot too', 'should be shot'], 'an optional word before $ may be there or not')
})

const source = (patterns: RuleSource['patterns']): RuleSource => ({
  version: 'test',
  lists: [],
  allowlist: [],
  targets: { before: 3, after: 1, names: false, you: ['you'], person: [], group: [], breakers: [] },
  patterns,
  spam: { minLinks: 0, charRun: 0, wordRun: 0 },
  policy: { clean: { action: 'review', lane: 'normal' }, language: { action: 'review', lane: 'normal', reason: 'x' }, defaultLane: 'high', categories: {} }
})

t.test('regex patterns run in RE2 (linear time) and refuse what RE2 cannot do', async (t) => {
  t.throws(() => compileRuleset(source([{ id: 'r', category: 'spam', severity: 'low', regex: '(a)\\1', origin: 'patterns.yaml:3' }])), { message: /patterns\.yaml:3: pattern "r": not a valid RE2 regular expression/ })
  t.throws(() => compileRuleset(source([{ id: 'r', category: 'spam', severity: 'low', regex: 'a(?=b)' }])), { name: 'RuleError' })
  t.throws(() => compileRuleset(source([{ id: 'r', category: 'spam', severity: 'low' }])), { message: /exactly one of "match" or "regex"/ })
  const rules = compileRuleset(source([
    { id: 'promo', category: 'spam', severity: 'low', regex: 'promo code [a-z0-9]+', on: 'words' },
    { id: 'phone', category: 'spam', severity: 'low', regex: '\\+?\\d[\\d -]{7,}\\d', on: 'text' }
  ]))
  const text = 'Use PROMO-code Sh1t99 or call +44 20 7946 0958 today'
  const flags = screen({ text }, rules).screening.flags
  t.same(flags.map((f) => [f.rule, f.text]), [['pattern:promo', 'PROMO-code Sh1t99'], ['pattern:phone', '+44 20 7946 0958']])
  // The classic catastrophic pattern is harmless in RE2.
  const evil = compileRuleset(source([{ id: 'evil', category: 'spam', severity: 'low', regex: '(a+)+$', on: 'text' }]))
  t.same(screen({ text: 'a'.repeat(50000) + '!' }, evil).screening.flags, [])
})

t.test('a 100 KB comment of repeated characters is screened', async (t) => {
  for (const [text, category] of [['a'.repeat(100000), 'spam'], ['f u c k '.repeat(12500), 'profanity'], ['!'.repeat(100000), 'spam'], ['sh1t '.repeat(20000), 'profanity']]) {
    const r = screen({ text: text! }, defaultRules)
    t.ok(r.screening.flags.some((f) => f.category === category), `${JSON.stringify(text!.slice(0, 8))}…: ${category} flagged`)
    t.ok(r.screening.flags.every((f) => text!.slice(f.start, f.end) === f.text), 'every span is exact')
    const perRule = new Map<string, number>()
    for (const f of r.screening.flags) perRule.set(`${f.rule}|${f.category}`, (perRule.get(`${f.rule}|${f.category}`) ?? 0) + 1)
    t.ok([...perRule.values()].every((n) => n <= MAX_FLAGS_PER_RULE), 'at most MAX_FLAGS_PER_RULE of each')
  }
  const spam = screen({ text: 'a'.repeat(100000) }, defaultRules)
  t.equal(spam.screening.flags[0]!.category, 'spam', 'a held-down key is spam')
})
