// The moderators' console: a few static files (src/console/) served under /console with a
// strict Content-Security-Policy. The files are read once at start; only those are served.
// The console calls the API with the moderator's key like any client: these routes need none.
import { readdirSync, readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'

const DIR = new URL('../console/', import.meta.url)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8'
}

/**
 * Only our own files, no inline script or style, no eval, no framing, no plugins: even a
 * comment that slipped markup past the DOM code could not run or load anything.
 */
export const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"
].join('; ')

interface Asset { body: Buffer, type: string }

function readAssets (): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(DIR)) {
    const type = TYPES[extname(name)]
    if (type !== undefined) assets.set(name, { body: readFileSync(new URL(name, DIR)), type })
  }
  return assets
}

const consoleRoutes: FastifyPluginAsync = async (app) => {
  const assets = readAssets()
  const send = (reply: FastifyReply, asset: Asset): FastifyReply => reply
    .type(asset.type)
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(asset.body)

  app.get('/console', { schema: { hide: true } }, async (_request, reply) => await reply.redirect('/console/'))
  app.get<{ Params: { file: string } }>('/console/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.file === '' ? 'index.html' : request.params.file)
    if (asset === undefined) return await reply.code(404).send({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: `No console file "${request.params.file}".` })
    return await send(reply, asset)
  })
}

export default consoleRoutes
