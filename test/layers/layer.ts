// `npm run test:fast` runs the pure and in-process layers as a few bundles, each bundle one
// process that imports its share of the test files. tap's own isolation (one process per
// file) costs every file 1 to 2 CPU seconds to start Node, tap, the TypeScript loader and the
// app's modules; over 35 files that was half the layer's time. `npm test` still runs every
// file in a process of its own, with coverage, so nothing a file leaks into the process
// (a timer, a global) can hide there.
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'

export const ROOT = resolve(import.meta.dirname, '../..')

/** Folders whose every test file is in the layer, and single files from other folders. */
const FOLDERS = ['test/screening', 'test/model', 'test/http', 'test/queue']
const FILES = [
  'test/rules/load.test.ts', 'test/rules/english-words.test.ts', 'test/rules/site-overlays.test.ts', 'test/rules/reload.test.ts',
  'test/config.test.ts', 'test/error-codes.test.ts', 'test/dependencies.test.ts',
  'test/layers/layer.test.ts'
]
/** Timed on adversarial input: it wants a process of its own, and runs in `npm test`. */
const LEFT_OUT = new Set(['test/screening/linear-time.test.ts'])

export function fastLayerFiles (): string[] {
  const inFolders = FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder)).filter((name) => name.endsWith('.test.ts')).map((name) => `${folder}/${name}`))
  return [...inFolders, ...FILES].filter((file) => !LEFT_OUT.has(file)).sort()
}

/**
 * The files that spend longest waiting (on webhook retries, on the rules watcher): 13 to 14 s
 * each alone, against 6 s or less for every other file. A shard runs its files one after the
 * other, so these two must not share one.
 */
export const LONGEST = ['test/http/webhooks.test.ts', 'test/rules/reload.test.ts']

/**
 * Every `count`-th file from `index` (1-based), the longest first, then in path order:
 * neighbours in a folder cost alike, so dealing them out evens the shards.
 */
export function shardOf (files: readonly string[], index: number, count: number): string[] {
  const dealt = [...LONGEST.filter((file) => files.includes(file)), ...files.filter((file) => !LONGEST.includes(file))]
  return dealt.filter((_, i) => i % count === index - 1)
}

/** Imports the shard's files in turn; their tests join this process's root test. */
export async function runShard (index: number, count: number): Promise<void> {
  for (const file of shardOf(fastLayerFiles(), index, count)) {
    t.comment(file)
    await import(pathToFileURL(join(ROOT, file)).href)
  }
}
