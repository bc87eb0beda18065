import t from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fastLayerFiles, LONGEST, ROOT, shardOf } from './layer.js'

const files = fastLayerFiles()

t.test('the fast layer names test files that exist, each once, and leaves out the timed one', async (t) => {
  t.ok(files.length >= 30, `${files.length} files`)
  for (const file of files) t.ok(file.endsWith('.test.ts') && existsSync(join(ROOT, file)), file)
  t.equal(new Set(files).size, files.length, 'no file twice')
  t.notOk(files.includes('test/screening/linear-time.test.ts'))
  t.ok(files.includes('test/http/intake.test.ts') && files.includes('test/rules/reload.test.ts'))
  t.notOk(files.some((file) => file.startsWith('test/processes/') || file.startsWith('test/console/')), 'no system test')
})

t.test('the shards deal out every file exactly once', async (t) => {
  const shards = [shardOf(files, 1, 2), shardOf(files, 2, 2)]
  t.same([...shards[0]!, ...shards[1]!].sort(), files)
  t.equal(shards[0]!.filter((file) => shards[1]!.includes(file)).length, 0)
  t.ok(Math.abs(shards[0]!.length - shards[1]!.length) <= 1, 'even in number')
  for (const file of LONGEST) t.ok(files.includes(file), `${file}, one of the longest, is in the layer`)
  t.ok(shards.every((shard) => shard.filter((file) => LONGEST.includes(file)).length === 1), 'the two longest run in different shards')
})

t.test('test:fast runs each shard file, and each shard file runs its own shard', async (t) => {
  const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['test:fast']
  const shardFiles = readdirSync(import.meta.dirname).filter((name) => /^fast-\d+-of-\d+\.ts$/.test(name)).sort()
  t.same(shardFiles, ['fast-1-of-2.ts', 'fast-2-of-2.ts'])
  for (const name of shardFiles) {
    const [, index, count] = /^fast-(\d+)-of-(\d+)\.ts$/.exec(name)!
    t.ok(script.includes(`test/layers/${name}`), `the script names ${name}`)
    t.match(readFileSync(join(import.meta.dirname, name), 'utf8'), `await runShard(${index}, ${count})`)
  }
})
