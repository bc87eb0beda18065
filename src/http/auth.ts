// API keys: identify the caller on every request (so rate limits are per key), then
// enforce the route's roles before the body is parsed (so a stranger gets 401, not 400).
import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ApiKey, Role } from '../config.js'
import { HttpError } from './errors.js'

export interface Principal {
  role: Role
  name: string
  /** A moderator limited to these sites; absent: every site (moderators, admins) or its own (site keys). */
  sites?: string[]
}

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
  interface FastifyContextConfig { roles?: Role[] }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

export function keyLookup (keys: ApiKey[]): (secret: string) => Principal | undefined {
  const table = keys.map((k) => ({ hash: digest(k.secret), principal: { role: k.role, name: k.name, ...(k.sites !== undefined ? { sites: k.sites } : {}) } }))
  return (secret) => {
    // Equal-length digests compared in constant time, and every key is compared, so the
    // time taken says nothing about how much of a secret was right or which key matched.
    const presented = digest(secret)
    let found: Principal | undefined
    for (const entry of table) if (timingSafeEqual(entry.hash, presented)) found = entry.principal
    return found
  }
}

function bearer (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m?.[1]
}

/** Why the caller may not call this route, or undefined when it may. */
function roleProblem (request: FastifyRequest): HttpError | undefined {
  const roles = request.routeOptions.config.roles
  if (roles === undefined) return undefined
  if (request.principal === undefined) {
    const hint = request.headers.authorization === undefined ? 'Send Authorization: Bearer <api key>.' : 'The API key is not known.'
    return new HttpError(401, 'UNAUTHORIZED', hint, { 'www-authenticate': 'Bearer' })
  }
  if (!roles.includes(request.principal.role)) {
    return new HttpError(403, 'FORBIDDEN', `The ${request.principal.role} key "${request.principal.name}" may not call this route (allowed: ${roles.join(', ')}).`)
  }
  return undefined
}

export default fp(async function auth (app: FastifyInstance, opts: { keys: ApiKey[] }) {
  const lookup = keyLookup(opts.keys)
  app.decorateRequest('principal', undefined)
  // A route that needs a key says so in the OpenAPI document: derived from its roles, so
  // the document cannot disagree with what the hook below enforces.
  app.addHook('onRoute', (route) => {
    if (route.config?.roles !== undefined) route.schema = { security: [{ bearer: [] }], ...route.schema }
  })
  // Callback hooks: they run on every request, and need neither a promise nor a microtask.
  app.addHook('onRequest', (request, _reply, done) => {
    const secret = bearer(request)
    if (secret !== undefined) request.principal = lookup(secret)
    done()
  })
  app.addHook('preParsing', (request, _reply, payload, done) => {
    done(roleProblem(request), payload)
  })
}, { name: 'moderato-auth' })
