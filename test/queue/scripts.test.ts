// The script table (src/queue/scripts.ts) against the Lua it declares: every argument a
// script reads is declared and every declared one is read, refusals are ones the script can
// answer, and replies that break the declaration are errors, not casts.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import { argsInOrder, luaSource, Reply, SCRIPTS, ScriptReplyError, type ScriptName } from '../../src/queue/scripts.js'
import { SiteQueue } from '../../src/queue/site-queue.js'
import { QueueError } from '../../src/queue/records.js'
import type { Screening } from '../../src/screening/types.js'
import { startRedis } from '../helper.js'

const LUA = new URL('../../src/queue/lua/', import.meta.url)
const lua = (file: string): string => readFileSync(new URL(`${file}.lua`, LUA), 'utf8')
const common = lua('common')
const names = Object.keys(SCRIPTS) as ScriptName[]
/** Lua without its comments, so that prose naming an argument does not count as reading it. */
const code = (text: string): string => text.replace(/--.*$/gm, '')

t.test('each script reads exactly its declared arguments, by name', async (t) => {
  for (const name of names) {
    const spec = SCRIPTS[name]
    const body = code(lua(spec.file))
    const read = new Set([...body.matchAll(/\bA\.(\w+)/g)].map((m) => m[1]))
    t.same([...read].sort(), Object.keys(spec.args).sort(), `${spec.file}.lua reads what it declares`)
    t.notMatch(body, /\bARGV?\[/, `${spec.file}.lua reads no argument by position`)
  }
})

t.test('each declared refusal is one the script (or a common.lua helper it calls) can answer', async (t) => {
  for (const name of names) {
    const spec = SCRIPTS[name]
    const body = code(lua(spec.file))
    const reachable = body + (body.includes('lease_problem(') ? code(common) : '')
    for (const refusal of spec.refusals) t.match(reachable, new RegExp(`'${refusal}'`), `${spec.file}.lua can answer ${refusal}`)
  }
})

t.test('every code a script returns first is a declared refusal or a reply its parser takes', async (t) => {
  for (const name of names) {
    const spec = SCRIPTS[name]
    const codes = [...code(lua(spec.file)).matchAll(/return \{ '([A-Z_]+)'/g)].map((m) => m[1]!)
    for (const c of codes) {
      if ((spec.refusals as readonly string[]).includes(c)) continue
      // The parser may still reject later items of this bare reply, but never its first.
      t.notMatch(String(caught(() => spec.parse(new Reply(spec.file, [c])))), /item 1 is not/, `${spec.file}.lua's ${c} is declared`)
    }
  }
})

t.test('the full text declares the shared constants and the arguments by name, in order', async (t) => {
  const text = luaSource('lease')
  t.match(text, /local RECENT_WINDOW_MS = 3600000/)
  t.match(text, /local DEAD_LANE, REPORTED_LANE = 'dead', 'reported'/)
  t.match(text, /local A = \{ holder = ARG\[1\], op = ARG\[2\], ms = tonumber\(ARG\[3\]\), maxAttempts = tonumber\(ARG\[4\]\) \}/)
  t.ok(text.indexOf('local A =') > text.indexOf('local function lease_problem'), 'after the shared helpers')
  t.same(argsInOrder(SCRIPTS.decide.args, { holder: 'ana', decision: 'reject', maxAttempts: 5, retentionMs: 0 }), ['ana', 'reject', '', '', 5, 0],
    'absent optional arguments go as empty text, in declaration order')
})

t.test('replies that break their declaration throw ScriptReplyError naming the script', async (t) => {
  const bad: Array<[ScriptName, unknown[]]> = [
    ['enqueue', ['MAYBE', 'pending', '']],
    ['enqueue', ['CREATED', 'waiting', '']],
    ['enqueue', ['REPLAYED', 'pending', '']],
    ['lease', ['OK', 'soon']],
    ['decide', ['OK', '{"decision":"maybe","decidedBy":"ana","decidedAt":1}']],
    ['decide', ['SAME', 'not json']],
    ['claim', ['id-1', '{}', '{}', 1]],
    ['claim', ['id-1', '{}', '{}', 'x', 2, '']],
    ['report', ['COUNTED', 'approved', null]],
    ['outboxDone', [2]],
    ['outboxTake', [7]]
  ]
  for (const [name, items] of bad) {
    const err = caught(() => SCRIPTS[name].parse(new Reply(SCRIPTS[name].file, items)))
    t.type(err, ScriptReplyError, `${name} ${JSON.stringify(items)}`)
    t.match(String(err), new RegExp(`${SCRIPTS[name].file}\\.lua answered`))
  }
})

t.test('well-formed replies parse to their typed values', async (t) => {
  const decision = '{"decision":"approve","decidedBy":"ana","decidedAt":5}'
  t.same(SCRIPTS.enqueue.parse(new Reply('enqueue', ['CREATED', 'pending', ''])), { created: true, status: 'pending', reason: undefined, storedScreening: undefined })
  t.same(SCRIPTS.enqueue.parse(new Reply('enqueue', ['REPLAYED', 'rejected', 'Not in English', '{}'])),
    { created: false, status: 'rejected', reason: 'Not in English', storedScreening: '{}' })
  t.same(SCRIPTS.claim.parse(new Reply('claim', ['c-1', '{}', '{}', 2, '99', ''])), [{ id: 'c-1', record: '{}', screening: '{}', attempts: 2, leaseExpiresAt: 99, reports: undefined }])
  t.same(SCRIPTS.decide.parse(new Reply('decide', ['SAME', decision])), { changed: false, decision: { decision: 'approve', decidedBy: 'ana', decidedAt: 5 } })
  t.same(SCRIPTS.report.parse(new Reply('report', ['REOPENED', 'pending', 3])), { outcome: 'REOPENED', status: 'pending', count: 3 })
  t.equal(SCRIPTS.outboxDone.parse(new Reply('outbox-done', [0])), false)
  t.equal(SCRIPTS.outboxRetry.parse(new Reply('outbox-retry', [4])), 4)
})

t.test('on a real Redis: a declared refusal is a QueueError; a stored value that breaks the declaration is a ScriptReplyError', async (t) => {
  const server = await startRedis(t)
  const redis = new Redis(server.url)
  t.teardown(() => redis.disconnect())
  const queue = new SiteQueue(redis, 'rasa', { prefix: 'scripts', maxAttempts: 3 })
  const screening: Screening = { language: { code: 'eng', english: true, confidence: 1 }, flags: [], score: 0, rulesVersion: 'r1', modelVersion: null }
  const added = await queue.enqueue({ id: 'c-1', articleId: 'a-1', text: 'A calm remark.', submittedBy: 'rasa' }, screening, { status: 'pending', lane: 'normal' })
  t.same({ created: added.created, status: added.status }, { created: true, status: 'pending' })

  const refusal = await queue.decide('c-1', 'ana', 'approve').catch((err: unknown) => err)
  t.type(refusal, QueueError)
  t.equal((refusal as QueueError).code, 'NOT_CLAIMED')

  await redis.hset(queue.keys.comment('c-1'), 'status', 'approved', 'decision', '{"decision":"maybe","decidedBy":"ana","decidedAt":1}')
  const broken = await queue.decide('c-1', 'ana', 'approve').catch((err: unknown) => err)
  t.type(broken, ScriptReplyError, 'ALREADY_DECIDED with a decision that is not one is not passed on as one')
  t.match(String(broken), /decide\.lua answered .*not a decision/)
})

function caught (f: () => unknown): unknown {
  try {
    f()
    return undefined
  } catch (err) {
    return err
  }
}
