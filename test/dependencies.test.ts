// The production image installs `dependencies` only (Dockerfile: npm ci --omit=dev), so
// every package the service loads at run time must be listed there, and a package listed
// there that nothing uses only makes the image larger and the audit longer.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>, devDependencies: Record<string, string> }

interface Import { file: string, specifier: string, typeOnly: boolean }

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

// Static imports and re-exports (`import … from 'x'`, `export … from 'x'`, `import 'x'`),
// dynamic `import('x')`, and a package's file found by `require.resolve('x/file')` (data the
// service reads); `import type` loads nothing at run time.
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|(?:import|require\.resolve)\(\s*['"]([^'"]+)['"]\s*\)/gm

function importsOf (file: string): Import[] {
  const out: Import[] = []
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    out.push({ file, specifier: (m[3] ?? m[4])!, typeOnly: m[2] !== undefined })
  }
  return out
}

/** The package a bare specifier names ("@fastify/swagger-ui", "eld" for "eld/medium"); undefined for relative paths and Node's own modules. */
function packageOf (specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const imports = sourceFiles(join(ROOT, 'src')).flatMap(importsOf)

t.test('the scan sees the imports it is meant to see', async (t) => {
  // Guards the regular expression: a scan that found nothing would pass everything below.
  const seen = new Set(imports.map((i) => i.specifier))
  for (const s of ['fastify', 'ioredis', 'eld/medium', 'node:crypto', '../screening/screen.js', 'an-array-of-english-words/index.json']) t.ok(seen.has(s), `found ${s}`)
  t.ok(imports.some((i) => i.typeOnly && i.specifier === '@fastify/type-provider-typebox'), 'tells type-only imports')
  t.same(packageOf('@fastify/swagger-ui'), '@fastify/swagger-ui')
  t.same(packageOf('eld/medium'), 'eld')
  t.equal(packageOf('node:fs'), undefined)
})

t.test('every package the service loads at run time is a production dependency', async (t) => {
  const missing = imports
    .filter((i) => !i.typeOnly)
    .map((i) => ({ ...i, pkg: packageOf(i.specifier) }))
    .filter((i) => i.pkg !== undefined && pkg.dependencies[i.pkg] === undefined)
    .map((i) => `${i.file.slice(ROOT.length + 1)} imports ${i.specifier}`)
  t.same(missing, [], 'move these to "dependencies" (or use `import type`)')
})

t.test('every production dependency is used by the service', async (t) => {
  const used = new Set(imports.map((i) => packageOf(i.specifier)))
  const unused = Object.keys(pkg.dependencies).filter((name) => !used.has(name))
  t.same(unused, [], 'remove these from "dependencies", or move them to "devDependencies" if only tools use them')
})
