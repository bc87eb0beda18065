// The error body every route answers with (see errors.ts), as one OpenAPI component that
// routes refer to by status code.
import { Type } from 'typebox'

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String({ description: 'Stable error code to switch on, e.g. VALIDATION_ERROR' }),
  message: Type.String({ description: 'What went wrong, for people' }),
  id: Type.Optional(Type.String({ description: 'POST /v1/comments, 503 STORE_UNAVAILABLE: the id the comment may have been stored under; retry with it' }))
}, { $id: 'Error' })

/** Response schemas for these status codes, each the shared error body. */
export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, Type.Ref('Error')]))
