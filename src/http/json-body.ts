// The JSON body parser, with three differences from Fastify's:
// - an empty body with Content-Type: application/json is "no body" on routes whose body is
//   optional (claim, extend, release). HTTP clients send that header whatever the body,
//   and "EMPTY_BODY" for a body nobody asked for helped no one. Routes that need a body
//   still answer EMPTY_BODY;
// - a body that is not valid UTF-8 is refused (400 INVALID_ENCODING): decoded anyway, its
//   bad bytes became U+FFFD, and a comment was stored that its author never wrote;
// - a compressed body (Content-Encoding other than identity) is refused with 415, where it
//   was read as if it were JSON text.
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from './errors.js'

/** A route's body is optional when it has no body schema or its schema accepts null. */
function bodyIsOptional (request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema?.body as { anyOf?: Array<{ type?: unknown }> } | undefined
  return schema === undefined || (schema.anyOf?.some((s) => s.type === 'null') ?? false)
}

export function installJsonParser (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (bytes.length === 0 && bodyIsOptional(request)) {
      done(null, null)
      return
    }
    if (!isUtf8(bytes)) {
      done(new HttpError(400, 'INVALID_ENCODING', 'The body is not valid UTF-8; send the JSON, and the comment in it, encoded as UTF-8.'), undefined)
      return
    }
    // Fastify types the parser as possibly async; it calls done either way.
    void parse(request, bytes.toString('utf8'), done)
  })
  // Before the body is read, and after the key is checked (onRequest): a stranger gets 401.
  app.addHook('preParsing', async (request) => {
    const encoding = request.headers['content-encoding']
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new HttpError(415, 'UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding "${encoding}" is not supported; send the body uncompressed.`)
    }
  })
}
