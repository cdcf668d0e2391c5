import type { z } from 'zod'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'

/** A form field as trimmed text; a missing or repeated field as empty. */
export function formText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] }

/** Zod issues as field errors: one per field, the first message wins, in form order. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form'
    if (seen.has(field)) continue
    seen.add(field)
    errors.push({ field, text: issue.message })
  }
  return errors
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {})
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: fieldErrors(result.error) }
}

/** Parses or throws a ValidationError, for services that validate their own input. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw new ValidationError(fieldErrors(result.error))
  return result.data
}

/** Field errors shaped for govukErrorSummary, each linking to its field. */
export function errorSummary(errors: readonly FieldError[]): { text: string; href: string }[] {
  return errors.map((e) => ({ text: e.text, href: `#${e.field.replaceAll('.', '-')}` }))
}

/** The message for one field, shaped for a GOV.UK component's errorMessage option. */
export function errorFor(errors: readonly FieldError[]): Record<string, { text: string }> {
  return Object.fromEntries(errors.map((e) => [e.field, { text: e.text }]))
}

/**
 * A GOV.UK date input's three fields (`name-day`, `name-month`, `name-year`) as one
 * YYYY-MM-DD value for the schema to check; empty when all three are.
 */
export function dateFromInput(body: Record<string, unknown>, name: string): string {
  const part = (which: string) => String(body[`${name}-${which}`] ?? '').trim()
  const [day, month, year] = [part('day'), part('month'), part('year')]
  if (!day && !month && !year) return ''
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}
