/** A field-level problem, shaped for the GOV.UK error summary and for RFC 9457 problem documents. */
export type FieldError = { field: string; text: string }

export class NotFoundError extends Error {
  override name = 'NotFoundError'
  constructor(what = 'Page') {
    super(`${what} not found`)
  }
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError'
  constructor(message = 'You do not have permission to do that') {
    super(message)
  }
}

export class UnauthenticatedError extends Error {
  override name = 'UnauthenticatedError'
  /** Why the API token presented was refused, when the one holding it may be told. */
  readonly tokenRefused: 'expired' | 'revoked' | null
  constructor(message = 'Sign in to continue', tokenRefused: 'expired' | 'revoked' | null = null) {
    super(message)
    this.tokenRefused = tokenRefused
  }
}

export class ConflictError extends Error {
  override name = 'ConflictError'
}

export class ValidationError extends Error {
  override name = 'ValidationError'
  readonly errors: FieldError[]
  constructor(errors: FieldError[]) {
    super(errors.map((e) => e.text).join('; '))
    this.errors = errors
  }
}

/** Too many attempts in a short time: answered 429, as the per-address rate limit is. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError'
  readonly statusCode = 429
  constructor(message = 'Too many attempts') {
    super(message)
  }
}
