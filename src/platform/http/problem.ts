import type { FieldError } from '../errors.ts'

/** An RFC 9457 problem document. */
export type Problem = {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: { field: string; message: string }[]
}

export function problem(status: number, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title, status, ...extra }
}

export function validationProblem(errors: readonly FieldError[], instance?: string): Problem {
  return problem(400, 'Your request has errors', {
    type: 'https://cascade.example.org/problems/validation',
    detail: errors.map((e) => `${e.field}: ${e.text}`).join('; '),
    instance,
    errors: errors.map((e) => ({ field: e.field, message: e.text })),
  })
}
