import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { ROOT, tempDir } from '../helper.js'

export const MINI = join(ROOT, 'test/fixtures/rules-mini')

/** A temporary copy of a rules folder, removed at teardown. */
export async function copyRules (t: Test, from = MINI): Promise<string> {
  const dir = await tempDir(t, 'moderato-rules-')
  cpSync(from, dir, { recursive: true })
  return dir
}

export function edit (dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file)
  writeFileSync(path, change(readFileSync(path, 'utf8')))
}
