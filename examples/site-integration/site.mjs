// A news site's side of Moderato, in one file with no dependencies: it submits reader
// comments, receives each decision by webhook (checking the signature, ignoring
// duplicates), catches up from the decisions feed with a stored cursor (after downtime,
// or if a webhook never came), and sends a reader report.
//
//   node examples/site-integration/site.mjs          keep running (Ctrl-C to stop)
//   node examples/site-integration/site.mjs --once   submit, wait until its comments are decided, report one, exit
//
// Environment: MODERATO_URL (http://127.0.0.1:3000), MODERATO_SITE_KEY (dev-site-key),
// WEBHOOK_SECRET (the site's secret in Moderato's WEBHOOK_SECRETS), PORT (4000, where
// Moderato's WEBHOOKS points), CURSOR_FILE (./moderato-cursor.json), RUN_ID (comment ids).
import { createServer } from 'node:http'
import { readFileSync, writeFileSync } from 'node:fs'
import { verifyWebhook } from 'moderato/verify-webhook'

const MODERATO = process.env.MODERATO_URL ?? 'http://127.0.0.1:3000'
const KEY = process.env.MODERATO_SITE_KEY ?? 'dev-site-key'
const SECRET = process.env.WEBHOOK_SECRET ?? ''
const PORT = Number(process.env.PORT ?? 4000)
const CURSOR_FILE = process.env.CURSOR_FILE ?? './moderato-cursor.json'
const RUN = process.env.RUN_ID ?? String(Date.now())
const once = process.argv.includes('--once')

/** What the site shows: comment id → published or not, and what the reader was told. */
const comments = new Map()
/** Decisions applied, by cursor: a webhook and the feed may bring the same one, and a webhook may come twice. */
const applied = new Set()

async function call (method, path, body) {
  const res = await fetch(`${MODERATO}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const data = await res.json()
  // Moderato's errors are { statusCode, code, message }: switch on code, show message.
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data.code}: ${data.message}`)
  return data
}

/** One decision, from a webhook or the feed: the latest one for a comment wins. */
function apply (item, via) {
  if (applied.has(item.cursor)) { console.log(`duplicate ignored ${item.id} (${via})`); return }
  applied.add(item.cursor)
  const published = item.decision === 'approve'
  comments.set(item.id, { published, readerMessage: item.readerMessage })
  console.log(`${published ? 'published' : 'rejected'} ${item.id} via ${via}${item.overturns !== null ? ` (replaces ${item.overturns.decision})` : ''}${published ? '' : `: ${item.readerMessage ?? ''}`}`)
}

/** Reads the feed from the stored cursor and applies what the webhooks have not brought. */
async function catchUp () {
  let cursor = readCursor()
  for (;;) {
    const page = await call('GET', `/v1/decisions?limit=100${cursor !== undefined ? `&after=${cursor}` : ''}`)
    for (const item of page.items) apply(item, 'feed')
    if (page.next === cursor || page.items.length === 0) break
    cursor = page.next
    writeFileSync(CURSOR_FILE, JSON.stringify({ cursor }))
  }
  return cursor
}

function readCursor () {
  try { return JSON.parse(readFileSync(CURSOR_FILE, 'utf8')).cursor } catch { return undefined }
}

// The webhook receiver: the raw body is what was signed, so check it before parsing.
const server = createServer(async (req, res) => {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const raw = Buffer.concat(chunks)
  if (req.url !== '/moderato' || !verifyWebhook(raw, req.headers['moderato-signature'], SECRET.split('|'), 300)) {
    console.log('webhook refused: bad signature')
    return res.writeHead(400).end()
  }
  apply(JSON.parse(raw.toString('utf8')), `webhook ${req.headers['idempotency-key']}`)
  res.writeHead(204).end()
})
await new Promise((resolve) => server.listen(PORT, '127.0.0.1', resolve))
console.log(`webhooks on http://127.0.0.1:${PORT}/moderato`)
console.log(`feed caught up to ${await catchUp() ?? 'the start'}`)

const ids = [`${RUN}-en`, `${RUN}-fr`]
await call('POST', '/v1/comments', { id: ids[0], articleId: 'bridge', text: 'A fair point about the new bridge and its cost.', author: { id: 'reader-1', name: 'Ann' } })
await call('POST', '/v1/comments', { id: ids[1], articleId: 'bridge', text: 'Je pense que cet article sur le nouveau pont est très intéressant.', author: { id: 'reader-2' } })
console.log(`submitted ${ids.join(', ')}`)

const everyMinute = setInterval(() => { catchUp().catch((err) => console.error(err.message)) }, 60000)
if (once) {
  const deadline = Date.now() + 60000
  while (!ids.every((id) => comments.has(id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
  const published = ids.find((id) => comments.get(id)?.published === true) ?? ids[0]
  const report = await call('POST', `/v1/comments/${published}/reports`, { reporterId: 'reader-9', reason: 'insult', note: 'This is rude.' })
  console.log(`report on ${published}: ${report.counted ? 'counted' : 'kept'}, ${report.reports} of ${report.threshold}${report.reopened ? ', back to review' : ''}`)
  console.log(`feed caught up to ${await catchUp()}`)
  clearInterval(everyMinute)
  server.close()
}
