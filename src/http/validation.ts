// Two validators: bodies are checked strictly (no type coercion, unknown fields rejected),
// so {"articleId": 1} is an error rather than "1"; query strings and path parameters are
// text by nature and are coerced ("?limit=10" is the number 10).
import { Ajv } from 'ajv'
import type { FastifyInstance } from 'fastify'
import { validationMessage } from '../validation-messages.js'

export function installValidators (app: FastifyInstance): void {
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false })
  const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: false, strict: false })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema))
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(validationMessage(errors, dataVar)))
}

/** A string that survives storage unchanged: no NUL, no lone UTF-16 surrogate. */
export function badCharacters (value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return `${path} contains a NUL character (U+0000); remove it.`
    if (!value.isWellFormed()) return `${path} contains a lone UTF-16 surrogate, which is not valid Unicode; send well-formed text.`
    return undefined
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = badCharacters(v, `${path}/${i}`)
      if (bad !== undefined) return bad
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const bad = badCharacters(v, `${path}/${k}`)
      if (bad !== undefined) return bad
    }
  }
  return undefined
}
