// eval, train and bench need the shared corpus beside the checkout (or --corpus): without
// it they say what is missing and how to point at it, not a raw ENOENT.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { missingCorpusFiles } from '../scripts/corpus-check.js'
import { NO_CHILD_COVERAGE, ROOT, tempDir } from './helper.js'

t.test('the missing files are named', async (t) => {
  const dir = await tempDir(t)
  t.same(missingCorpusFiles(dir, ['a.csv', 'b/c.txt']), ['a.csv', 'b/c.txt'])
  t.same(missingCorpusFiles(ROOT, ['package.json', 'nope.csv']), ['nope.csv'])
})

t.test('npm run eval without the corpus stops with status 2 and says how to pass --corpus', async (t) => {
  const dir = await tempDir(t)
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/eval.ts'), '--corpus', dir], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...NO_CHILD_COVERAGE } })
  t.equal(r.status, 2)
  t.match(r.stderr, /npm run eval needs the shared corpus, and .* lacks:\n {2}language\/lingua-sentences\/en\.txt/)
  t.match(r.stderr, /--corpus DIR/)
  t.notMatch(r.stderr, /ENOENT/)
})
