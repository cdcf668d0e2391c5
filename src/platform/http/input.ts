import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'

const IN_ADDRESS = 'Remove the null character (U+0000) from the web address, and try again'
const IN_FORM = 'Remove the null character (U+0000) from what you entered, and try again'

/** The field of the first text holding a NUL, keys included, depth first; null when none does. */
export function fieldWithNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null
  for (const [key, inner] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key
    if (key.includes('\u0000')) return field
    const found = fieldWithNul(inner, field)
    if (found) return found
  }
  return null
}

/** Where a NUL sits in a request's address: the path, or the query value (or name) that holds one. */
function addressFieldWithNul(url: string): string | null {
  if (!/%00/i.test(url)) return null
  const mark = url.indexOf('?')
  const path = mark < 0 ? url : url.slice(0, mark)
  if (/%00/i.test(path)) return 'path'
  for (const [key, value] of new URLSearchParams(url.slice(mark + 1))) {
    if (key.includes('\u0000') || value.includes('\u0000')) return key.replaceAll('\u0000', '')
  }
  return 'query'
}

function refusal(field: string, text: string): ValidationError {
  const errors: FieldError[] = [{ field, text }]
  return new ValidationError(errors)
}

/**
 * Refuses a NUL character (U+0000) wherever a request carries text: PostgreSQL cannot store
 * one in text and fails the statement, and no person means to send one. Checked once, as the
 * request is read: the address (a path segment or query value decodes `%00` to NUL; Node
 * refuses a raw one) before anyone is looked up, and the body (a urlencoded or multipart
 * form, JSON, an uploaded file's name) once parsed and before any route sees it. The
 * answer is a 400: the error page, or a problem document on the API.
 */
export const inputChecks = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (request, _reply, done) => {
    const field = addressFieldWithNul(request.url)
    done(field ? refusal(field, IN_ADDRESS) : undefined)
  })

  // After the body parsers and the multipart reader (a preValidation hook of its own,
  // registered before this one), before the CSRF check and every route's own hooks.
  app.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    const field =
      fieldWithNul(request.body) ??
      Object.entries(request.uploads ?? {}).find(([, upload]) => upload.filename.includes('\u0000'))?.[0] ??
      null
    done(field ? refusal(field, IN_FORM) : undefined)
  })
})
