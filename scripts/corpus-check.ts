// The shared corpus is not part of this repository (it sits beside the checkout, in
// ../shared/corpus, or wherever --corpus points). Without it, eval, train and bench stop
// with what is missing and how to point at it, rather than a raw ENOENT.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export function missingCorpusFiles (dir: string, files: string[]): string[] {
  return files.filter((f) => !existsSync(join(dir, f)))
}

/** Exits with status 2 and a message a person can act on when a corpus file is missing. */
export function requireCorpus (command: string, dir: string, files: string[]): void {
  const missing = missingCorpusFiles(dir, files)
  if (missing.length === 0) return
  process.stderr.write(`${command} needs the shared corpus, and ${resolve(dir)} lacks:\n` +
    missing.map((f) => `  ${f}\n`).join('') +
    `Point at the folder that holds language/, comments/, toxicity/ and training/ with --corpus DIR, e.g. ${command} -- --corpus /path/to/corpus (see README.md, Development).\n`)
  process.exit(2)
}
