// The release, for the OpenAPI document and /healthz: package.json's version, read once,
// so a release bumps one file. Found by walking up from this module, which runs from src/
// (tests, tsx) and from dist/src/ (the build).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function packageVersion (): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
    if (dirname(dir) === dir) throw new Error('package.json not found above src/version.ts')
  }
}

export const VERSION = packageVersion()
