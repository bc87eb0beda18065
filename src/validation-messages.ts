// Validation errors in words a person can act on: the field, and what it may be. Ajv's own
// messages describe the schema ("must match a schema in anyOf", "must NOT have additional
// properties"); these name the field and the allowed values.
import type { ErrorObject } from 'ajv'

type AjvError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>

const fieldOf = (dataVar: string, instancePath: string): string => `${dataVar}${instancePath}`

function describe (e: AjvError, dataVar: string): string {
  const field = fieldOf(dataVar, e.instancePath)
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field "${String(p.additionalProperty)}" in ${field}`
    case 'required': return `${field} needs the field "${String(p.missingProperty)}"`
    case 'enum': return `${field} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`
    case 'const': return `${field} must be ${String(p.allowedValue)}`
    case 'type': return `${field} must be ${String(p.type)}`
    default: return `${field} ${e.message ?? 'is not valid'}`
  }
}

/**
 * One message for a failed validation. A union of literals fails with one "const" error per
 * choice and an "anyOf" error: they become "field must be one of: a, b, c". An optional body
 * (an object or null) fails both ways; "must be null" and "must match a schema in anyOf"
 * say nothing the other errors do not.
 */
export function validationMessage (errors: AjvError[], dataVar: string): string {
  const telling = errors.filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'))
  if (telling.length > 0) errors = telling
  const choices = new Map<string, string[]>()
  for (const e of errors) {
    if (e.keyword !== 'const') continue
    const list = choices.get(e.instancePath) ?? []
    list.push(String((e.params as { allowedValue: unknown }).allowedValue))
    choices.set(e.instancePath, list)
  }
  const parts: string[] = []
  for (const e of errors) {
    if (e.keyword === 'const') continue
    parts.push(describe(e, dataVar))
  }
  for (const [path, list] of choices) parts.unshift(`${fieldOf(dataVar, path)} must be ${list.length === 1 ? list[0]! : `one of: ${list.join(', ')}`}`)
  return [...new Set(parts)].join('; ')
}
