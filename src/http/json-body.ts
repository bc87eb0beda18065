// The JSON body parser, with one difference from Fastify's: an empty body with
// Content-Type: application/json is "no body" on routes whose body is optional (claim,
// extend, release). HTTP clients send that header whatever the body, and "EMPTY_BODY" for
// a body nobody asked for helped no one. Routes that need a body still answer EMPTY_BODY.
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** A route's body is optional when it has no body schema or its schema accepts null. */
function bodyIsOptional (request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema?.body as { anyOf?: Array<{ type?: unknown }> } | undefined
  return schema === undefined || (schema.anyOf?.some((s) => s.type === 'null') ?? false)
}

export function installJsonParser (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && bodyIsOptional(request)) {
      done(null, null)
      return
    }
    // Fastify types the parser as possibly async; it calls done either way.
    void parse(request, body as string, done)
  })
}
