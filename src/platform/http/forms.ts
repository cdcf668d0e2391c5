import { z } from 'zod'
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

/**
 * A date filter's value from a query: typed in a GOV.UK date input's boxes, or, as a page or
 * download link carries it, as `name=YYYY-MM-DD`.
 */
export function dateFromQuery(query: Record<string, unknown>, name: string): string {
  const typed = dateFromInput(query, name)
  return typed || (typeof query[name] === 'string' ? query[name] : '')
}

/** A date input's three boxes filled from YYYY-MM-DD, to show a date again; none for no date. */
export function dateBoxes(name: string, date: string | null | undefined): Record<string, string> {
  const match = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null
  if (!match) return {}
  return {
    [`${name}-day`]: String(Number(match[3])),
    [`${name}-month`]: String(Number(match[2])),
    [`${name}-year`]: match[1] ?? '',
  }
}

/** Moves a date field's message to its first box, where the error summary's link leads. */
export function onDateBoxes(errors: readonly FieldError[], names: readonly string[]): FieldError[] {
  return errors.map((e) => (names.includes(e.field) ? { ...e, field: `${e.field}-day` } : e))
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * True for YYYY-MM-DD naming a day that exists in the calendar: no 30 February, no 31 April,
 * no month or day 0, and no year 0, which PostgreSQL has not got. A date that fails here
 * would otherwise reach the database and fail there, as a 500 rather than a message.
 */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < 1) return false
  // Round-tripped through the calendar: a day past the month's end moves to the next month.
  // setUTCFullYear, unlike Date.UTC, takes a year below 100 as it is rather than as 19xx.
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A calendar date (YYYY-MM-DD) for a form or the API: every date field uses this one schema. */
export function calendarDate(message: string) {
  // One message for either failure: the check after the format runs only on a well-formed date.
  return z.iso.date({ message, abort: true }).refine(isCalendarDate, { message })
}

/** An instant with its offset (ISO 8601), for the API: its date must be a calendar date too. */
export function calendarInstant(message: string) {
  return z.iso
    .datetime({ offset: true, message, abort: true })
    .refine((value) => isCalendarDate(value.slice(0, 10)), { message })
}

/**
 * A date typed as day, month and year (a GOV.UK date input's boxes) as YYYY-MM-DD, or null
 * when it names no day in the calendar.
 */
export function calendarDateOf(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
  return isCalendarDate(date) ? date : null
}
