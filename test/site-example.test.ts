// examples/site-integration/ against the real service: it submits, gets the decisions by
// signed webhook, catches up from the feed, and reports a comment. It runs from dist/ (the
// example imports moderato/verify-webhook), which `npm run build` makes before the tests.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { API_KEYS, KEYS, ROOT, startRedis, startServer, tempDir, until } from './helper.js'
import { copyRules, edit } from './rules/helper.js'

const SECRET = 'whsec-example-0123456789'
const EPHEMERAL_RANGE = '/proc/sys/net/ipv4/ip_local_port_range'

/**
 * A free port below the kernel's ephemeral range. The service (PORT=0) and every outgoing
 * connection take their ports from that range, so a port picked there can be taken between
 * this check and the example's listen: it was once, in CI (EADDRINUSE).
 */
async function freePort (): Promise<number> {
  const range = existsSync(EPHEMERAL_RANGE) ? readFileSync(EPHEMERAL_RANGE, 'utf8') : '32768'
  const below = Math.max(Number(range.trim().split(/\s+/)[0]) || 32768, 11000)
  for (;;) {
    const port = 10000 + Math.floor(Math.random() * (below - 10000))
    const s = createServer()
    const free = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (!free) continue
    await new Promise((resolve) => s.close(resolve))
    return port
  }
}

t.test('the example site gets every decision, verified, and reports a published comment', async (t) => {
  const redis = await startRedis(t)
  const dir = await copyRules(t)
  edit(dir, 'policy.yaml', (s) => s.replace('language: { action: review, lane: low, reason: Please write in English. }', 'language: { action: reject, lane: low, reason: Please write in English. }'))
  const port = await freePort()
  const server = startServer(t, { REDIS_URL: redis.url, REDIS_PREFIX: `ex-${randomBytes(4).toString('hex')}`, API_KEYS, RULES_DIR: dir, RULES_WATCH: 'false', WEBHOOKS: `rasa=http://127.0.0.1:${port}/moderato`, WEBHOOK_SECRETS: `rasa=${SECRET}`, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100' })
  const base = await server.address
  const child = spawn(process.execPath, [join(ROOT, 'examples/site-integration/site.mjs'), '--once'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', MODERATO_URL: base, MODERATO_SITE_KEY: KEYS.site, WEBHOOK_SECRET: SECRET, PORT: String(port), CURSOR_FILE: join(await tempDir(t), 'cursor.json'), RUN_ID: 'ex' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })

  await until(t, 'the example submitted its comments', () => out.includes('submitted ex-en, ex-fr'))
  // A moderator approves the English comment; the French one was rejected automatically.
  const claim = await fetch(`${base}/v1/review/claim`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' }, body: JSON.stringify({ authorId: 'reader-1' }) })
  t.equal(((await claim.json()) as { items: Array<{ id: string }> }).items[0]?.id, 'ex-en')
  const decided = await fetch(`${base}/v1/review/ex-en/decision`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve' }) })
  t.equal(decided.status, 200)

  t.equal(await exited, 0, out)
  t.match(out, /^rejected ex-fr via webhook rasa:\S+: Please write in English\.$/m, 'the automatic rejection, by verified webhook')
  t.match(out, /^published ex-en via webhook rasa:\S+$/m, "the moderator's approval, by verified webhook")
  t.match(out, /^report on ex-en: counted, 1 of 3$/m, 'a reader report on the published comment')
  t.notMatch(out, /bad signature/)
})
