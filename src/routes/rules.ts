// Ops: which rules run here, and a reload on demand (the folder is also watched, and
// SIGHUP reloads too). Each replica answers for itself, so ops can compare versions.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../http/error-schema.js'

const Problem = Type.Object({ file: Type.String(), line: Type.Optional(Type.Integer()), message: Type.String() })
const RulesStatus = Type.Object({
  version: Type.String({ description: 'Content hash of the rule files; every screening result carries it' }),
  sites: Type.Record(Type.String(), Type.Object({ version: Type.String({ description: "The shared files and the site's overlay, hashed: the version its verdicts carry" }) }), { description: 'Sites with an overlay folder (sites/<site>/ in RULES_DIR)' }),
  modelVersion: Type.Union([Type.String(), Type.Null()], { description: 'The learned scorer in use (a hash of its weights), null when policy.yaml switches it off; every screening result carries it' }),
  loadedAt: Type.String({ format: 'date-time' }),
  files: Type.Array(Type.String()),
  counts: Type.Object({
    lists: Type.Record(Type.String(), Type.Integer()),
    categories: Type.Record(Type.String(), Type.Integer()),
    patterns: Type.Integer(),
    allowlist: Type.Integer(),
    entries: Type.Integer()
  }),
  lastError: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String(), problems: Type.Array(Problem) }), Type.Null()])
})

const rulesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/rules', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['rules'],
      summary: 'The running rules: version, counts, and the last reload error',
      response: { 200: RulesStatus, ...errorResponses(401, 403, 429) }
    }
  }, async () => app.rules.status())

  app.post('/v1/rules/reload', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['rules'],
      summary: 'Reload the rules folder now',
      description: 'A broken folder leaves the running rules in place: the answer is 422 with the problems, file by file and line by line.',
      response: { 200: RulesStatus, 422: RulesStatus, ...errorResponses(401, 403, 429) }
    }
  }, async (_request, reply) => {
    const ok = await app.rules.reload()
    return reply.code(ok ? 200 : 422).send(app.rules.status())
  })
}

export default rulesRoutes
