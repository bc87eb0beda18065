// Every error code the service can answer with is in the README's table: clients switch
// on `code`, and a code they cannot look up is a code they cannot handle.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './helper.js'

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

t.test('the README documents every error code in src/', async (t) => {
  const codes = new Set<string>()
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8')
    // new HttpError(409, 'ID_CONFLICT', …), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }, code: 'INTERNAL_ERROR'
    for (const m of text.matchAll(/HttpError\(\d{3}, '([A-Z_]+)'|code: '([A-Z_]+)'/g)) codes.add(m[1] ?? m[2]!)
  }
  // The queue's own codes, mapped one to one (NOT_FOUND becomes COMMENT_NOT_FOUND).
  const queue = readFileSync(join(ROOT, 'src/queue/records.ts'), 'utf8')
  for (const m of /type QueueErrorCode = ([^\n]+)/.exec(queue)![1]!.matchAll(/'([A-Z_]+)'/g)) codes.add(m[1] === 'NOT_FOUND' ? 'COMMENT_NOT_FOUND' : m[1]!)
  t.ok(codes.size >= 20, `${codes.size} codes found`)
  const table = readFileSync(join(ROOT, 'README.md'), 'utf8')
  for (const code of codes) t.match(table, new RegExp(`^\\| \`${code}\` \\| \\d{3} \\|`, 'm'), code)
})
