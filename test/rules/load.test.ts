import t from 'tap'
import { writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { loadRules, RulesLoadError, type Problem } from '../../src/rules/load.js'
import { copyRules, edit, MINI } from './helper.js'

async function problemsOf (dir: string): Promise<Problem[]> {
  try {
    await loadRules(dir)
  } catch (err) {
    if (err instanceof RulesLoadError) return err.problems
    throw err
  }
  throw new Error('expected the folder to be refused')
}

t.test('a valid folder loads, with a content-hash version', async (t) => {
  const a = await loadRules(MINI)
  const b = await loadRules(MINI)
  t.match(a.ruleset.version, /^[0-9a-f]{12}$/)
  t.equal(a.ruleset.version, b.ruleset.version, 'same files, same version')
  t.same(a.reasons, ['insult', 'libel', 'other'])
  t.same(a.files, ['allowlist.txt', 'lists.yaml', 'lists/allegations.txt', 'lists/breakers.txt', 'lists/group.txt', 'lists/insults.txt', 'lists/person.txt', 'lists/you.txt', 'patterns.yaml', 'policy.yaml'])
  const dir = await copyRules(t)
  edit(dir, 'lists/insults.txt', (s) => s + 'dunce\n')
  t.not((await loadRules(dir)).ruleset.version, a.ruleset.version, 'any change, new version')
  edit(dir, 'tests.yaml', (s) => s + '  - text: x\n    expect: []\n')
  t.equal((await loadRules(dir)).ruleset.version, (await loadRules(dir)).ruleset.version, 'tests do not change the version')
})

t.test('every problem names the file and the line', async (t) => {
  const cases: Array<[string, string, (s: string) => string, RegExp]> = [
    ['YAML syntax', 'policy.yaml', (s) => s.replace('defaultLane: high', 'defaultLane: [high'), /^policy\.yaml:\d+: /],
    ['unknown lane', 'policy.yaml', (s) => s.replace('insult: { action: review, lane: high }', 'insult: { action: review, lane: soon }'), /^policy\.yaml:6: categories\.insult\.lane/],
    ['unknown category', 'policy.yaml', (s) => s.replace('libel:', 'slander:'), /^policy\.yaml:\d+: categories: unknown key "slander"/],
    ['missing key', 'policy.yaml', (s) => s.replace('defaultLane: high\n', ''), /^policy\.yaml:\d+: the file: missing "defaultLane"/],
    ['bad severity in lists.yaml', 'lists.yaml', (s) => s.replace('severity: medium', 'severity: extreme'), /^lists\.yaml:5: lists\.0\.severity/],
    ['unknown mode', 'lists.yaml', (s) => s.replace('mode: aimed', 'mode: sometimes'), /^lists\.yaml:\d+: lists\.1\.mode/],
    ['bad entry severity', 'lists/insults.txt', (s) => s + 'dolt | severe\n', /^lists\/insults\.txt:4: "severe" is not a severity/],
    ['short wildcard', 'lists/insults.txt', (s) => s + 'ass*\n', /^lists\/insults\.txt:4: "ass\*": a word with \* needs at least four letters/],
    ['entry without letters', 'lists/insults.txt', (s) => s + '1234\n', /^lists\/insults\.txt:4: "1234" has no letters/],
    ['missing list file', 'lists.yaml', (s) => s.replace('lists/insults.txt', 'lists/nowhere.txt'), /^lists\/nowhere\.txt: file not found/],
    ['file outside the folder', 'lists.yaml', (s) => s.replace('lists/insults.txt', '../../etc/passwd'), /must be a path inside the rules folder/],
    ['duplicate list id', 'lists.yaml', (s) => s.replace('id: allegations', 'id: insults'), /^lists\.yaml:\d+: list id "insults" is used twice/],
    ['file and source', 'lists.yaml', (s) => s.replace('    file: lists/insults.txt\n', '    file: lists/insults.txt\n    source: bad-words\n'), /needs exactly one of "file" or "source"/],
    ['pattern with an unknown list', 'patterns.yaml', () => 'patterns:\n  - id: p1\n    category: insult\n    severity: low\n    match: "you {nolist}"\nspam: { minLinks: 0, charRun: 0, wordRun: 0 }\n', /^patterns\.yaml:2: pattern "p1": "\{nolist\}": no list with id "nolist"/],
    ['backtracking regex feature', 'patterns.yaml', () => 'patterns:\n  - id: p2\n    category: spam\n    severity: low\n    regex: "(a)\\\\1"\nspam: { minLinks: 0, charRun: 0, wordRun: 0 }\n', /^patterns\.yaml:2: pattern "p2": not a valid RE2 regular expression/]
  ]
  for (const [name, file, change, message] of cases) {
    const dir = await copyRules(t)
    edit(dir, file, change)
    const problems = await problemsOf(dir)
    t.ok(problems.length >= 1, `${name}: refused`)
    t.match(problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`).join('\n'), message, name)
  }
})

t.test('several problems are reported at once', async (t) => {
  const dir = await copyRules(t)
  edit(dir, 'lists/insults.txt', (s) => s + 'x* \nfoo | nope\n')
  rmSync(join(dir, 'allowlist.txt'))
  writeFileSync(join(dir, 'patterns.yaml'), 'patterns: 3\n')
  const problems = await problemsOf(dir)
  const files = problems.map((p) => p.file).sort()
  t.same(files, ['allowlist.txt', 'lists/insults.txt', 'lists/insults.txt', 'patterns.yaml', 'patterns.yaml'])
})

t.test('a broken tests.yaml is reported with its line', async (t) => {
  const { loadRuleTests } = await import('../../src/rules/load.js')
  const dir = await copyRules(t)
  edit(dir, 'tests.yaml', (s) => s.replace('expect: [insult]', 'expect: [rudeness]'))
  await t.rejects(loadRuleTests(dir), { message: /tests\.yaml:3: tests\.0\.expect\.0/ })
})

t.test('links may point inside the rules folder, never outside it', async (t) => {
  const { symlinkSync, mkdirSync, readFileSync } = await import('node:fs')
  const { tempDir } = await import('../helper.js')
  const dir = await copyRules(t)
  // Inside: a list kept in another subfolder and linked where lists.yaml expects it.
  mkdirSync(join(dir, 'shared'))
  writeFileSync(join(dir, 'shared/insults.txt'), readFileSync(join(dir, 'lists/insults.txt')))
  rmSync(join(dir, 'lists/insults.txt'))
  symlinkSync(join(dir, 'shared/insults.txt'), join(dir, 'lists/insults.txt'))
  const { ruleset } = await loadRules(dir)
  t.ok(ruleset.counts.entries > 0, 'a link inside the folder is read')

  // Outside: a file elsewhere on the host, whose lines must not be quoted back.
  const outside = join(await tempDir(t), 'secret.txt')
  writeFileSync(outside, 'db_password: hunter2 | nope\n')
  rmSync(join(dir, 'lists/insults.txt'))
  symlinkSync(outside, join(dir, 'lists/insults.txt'))
  const problems = await problemsOf(dir)
  t.same(problems, [{ file: 'lists/insults.txt', message: 'is a link to a file outside the rules folder; copy the file into the folder instead' }])
  t.notOk(JSON.stringify(problems).includes('hunter2'))
})

t.test('the rules folder itself may be a link', async (t) => {
  const { symlinkSync } = await import('node:fs')
  const { tempDir } = await import('../helper.js')
  const dir = await copyRules(t)
  const link = join(await tempDir(t), 'rules-link')
  symlinkSync(dir, link)
  t.equal((await loadRules(link)).ruleset.version, (await loadRules(dir)).ruleset.version, 'as Kubernetes ConfigMaps mount it')
})

t.test('a YAML syntax error says where the line landed and what that section holds', async (t) => {
  const dir = await copyRules(t)
  // A pattern appended under "spam", the last section, instead of under "patterns".
  writeFileSync(join(dir, 'patterns.yaml'), 'patterns: []\nspam:\n  minLinks: 0\n  - id: new-one\n    category: insult\n')
  const problems = await problemsOf(dir)
  t.equal(problems.length, 1, 'one problem for the line, not one per parser message')
  t.match(problems[0], { file: 'patterns.yaml', line: 4, message: /Line 4 is in the "spam" section, which holds the numbers minLinks, charRun and wordRun: check that it is indented like the entries around it/ })
})

t.test('YAML hints for lines outside any section and sections a file does not describe', async (t) => {
  const { yamlHint } = await import('../../src/rules/load.js')
  t.match(yamlHint('patterns.yaml', '- stray\npatterns: []\n', 1), /^Line 1 is before any section: check/)
  t.match(yamlHint('other.yaml', 'things:\n  - a\n - b\n', 3), /^Line 3 is in the "things" section: check/)
})

t.test('misspellings: true reads a group word with one slip as the group; off by default', async (t) => {
  const off = (await loadRules(MINI)).ruleset.targets.group
  t.notOk(off.has('imigrants'))
  const dir = await copyRules(t)
  edit(dir, 'lists.yaml', (s) => s.replace('  group: lists/group.txt\n', '  group: lists/group.txt\n  misspellings: true\n'))
  edit(dir, 'lists/group.txt', (s) => s + 'hindus\n')
  const on = (await loadRules(dir)).ruleset
  t.ok(on.targets.group.has('imigrants') && on.targets.group.has('immigrnats'), 'a letter left out, letters swapped')
  t.notOk(on.targets.group.has('hinds'), '"hindus" less its u is an English word')
  t.ok(on.targets.group.has('immigrants') && on.targets.group.has('hindus'), 'the words themselves')
  t.notOk(on.segmenter.has('imigrants'), 'a slip is never a word to split a run of letters into')
  t.not(on.version, (await loadRules(MINI)).ruleset.version)
})
