import { londonClockOf, londonDateOf, londonInstant } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { calendarDateOf, fieldErrors } from '#platform/http/forms.ts'
import type { SessionInput } from './forms.ts'
import { sessionSchema } from './forms.ts'
import type { Session } from './queries.ts'

type Body = Record<string, unknown>

/** The most days the page offers; the API takes the same. */
export const MAX_PART_ROWS = 20

const text = (body: Body, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string).trim() : ''
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []

/** A time of day as people type it: 9am, 9:30am, 2pm, 09:30, 14:00. */
export function parseTimeOfDay(input: string): { hours: number; minutes: number } | null {
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/i.exec(input.trim().replace(/\s+/g, ''))
  if (!match) return null
  const [, h, m = '0', period] = match
  let hours = Number(h)
  const minutes = Number(m)
  if (minutes > 59) return null
  if (period) {
    if (hours < 1 || hours > 12) return null
    hours = (hours % 12) + (period.toLowerCase() === 'pm' ? 12 : 0)
  } else if (hours > 23) return null
  return { hours, minutes }
}

/** How many day rows the page shows: those filled in, one more when asked, at least one. */
export function partRowsOf(body: Body): number {
  const shown = Math.min(MAX_PART_ROWS, Math.max(1, Number(text(body, 'partRows')) || 1))
  return body.addPart !== undefined ? Math.min(MAX_PART_ROWS, shown + 1) : shown
}

/** Reads the day rows: each filled row is a part, in London time; a blank row is skipped. */
function partsFrom(
  body: Body,
  rows: number,
): { parts: { startsAt: string; endsAt: string }[]; errors: FieldError[] } {
  const parts: { startsAt: string; endsAt: string }[] = []
  const errors: FieldError[] = []
  for (let i = 1; i <= rows; i++) {
    const [day, month, year, start, end] = ['day', 'month', 'year', 'start', 'end'].map((f) =>
      text(body, `part${i}-${f}`),
    ) as [string, string, string, string, string]
    if (!day && !month && !year && !start && !end) continue
    const label = rows > 1 ? `day ${i}` : 'the session'
    const date = calendarDateOf(day, month, year)
    if (!date) {
      errors.push({ field: `part${i}-day`, text: `Enter a real date for ${label}, like 4 3 2027` })
      continue
    }
    const from = parseTimeOfDay(start)
    const to = parseTimeOfDay(end)
    if (!from)
      errors.push({ field: `part${i}-start`, text: `Enter the start time of ${label}, like 9:30am or 14:00` })
    if (!to)
      errors.push({ field: `part${i}-end`, text: `Enter the end time of ${label}, like 12:30pm or 16:00` })
    if (!from || !to) continue
    parts.push({
      startsAt: londonInstant(date, from.hours, from.minutes).toISOString(),
      endsAt: londonInstant(date, to.hours, to.minutes).toISOString(),
    })
  }
  if (!parts.length && !errors.length)
    errors.push({ field: 'part1-day', text: 'Enter the date of the session, like 4 3 2027' })
  return { parts, errors }
}

/** Where an error from the service or schema shows on the page. */
export function onPage(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>()
  return errors
    .map((e) => {
      const [first, second] = e.field.split('.')
      const field =
        first === 'venue'
          ? `venue-${second ?? 'name'}`
          : first === 'parts' || first === 'startsAt' || first === 'endsAt'
            ? 'part1-day'
            : (first ?? 'form')
      return { field, text: e.text }
    })
    .filter((e) => !seen.has(`${e.field}:${e.text}`) && seen.add(`${e.field}:${e.text}`))
}

const optional = (value: string) => value || null

/** The session form as the API's session body, or the errors to show. */
export function sessionFromForm(
  body: Body,
  courseId: string,
): { ok: true; data: SessionInput } | { ok: false; errors: FieldError[] } {
  const { parts, errors } = partsFrom(body, partRowsOf(body))
  const format = text(body, 'format')
  const number = (name: string) =>
    text(body, name) === '' ? null : Number(text(body, name).replace(/,/g, ''))
  const candidate = {
    courseId,
    parts: parts.length ? parts : undefined,
    capacity: number('capacity') ?? undefined,
    minimumPlaces: number('minimumPlaces'),
    format: format || undefined,
    venue:
      format === 'in_person'
        ? {
            name: text(body, 'venue-name'),
            address: text(body, 'venue-address'),
            room: optional(text(body, 'venue-room')),
            accessNotes: optional(text(body, 'venue-accessNotes')),
            instructions: optional(text(body, 'venue-instructions')),
          }
        : null,
    joiningUrl: format === 'online' ? text(body, 'joiningUrl') || null : null,
    status: ['draft', 'open'].includes(text(body, 'status')) ? text(body, 'status') : undefined,
    trainers: list(body.trainers),
    capacityOverrideReason: text(body, 'capacityOverrideReason') || undefined,
  }
  if (candidate.capacity !== undefined && Number.isNaN(candidate.capacity))
    errors.push({ field: 'capacity', text: 'Enter the number of places as a whole number, like 20' })
  if (candidate.minimumPlaces !== null && Number.isNaN(candidate.minimumPlaces))
    errors.push({
      field: 'minimumPlaces',
      text: 'Enter the minimum number of places as a whole number, like 8',
    })
  const parsed = sessionSchema.safeParse(candidate)
  if (!parsed.success)
    errors.push(...fieldErrors(parsed.error).filter((e) => !e.field.startsWith('parts') || !parts.length))
  if (format === 'online' && !candidate.joiningUrl)
    errors.push({ field: 'joiningUrl', text: 'Enter the joining link, starting https://' })
  if (errors.length || !parsed.success) return { ok: false, errors: onPage(errors) }
  return { ok: true, data: parsed.data }
}

/** A session's values as the form shows them, to change it. */
export function formValuesOf(session: Session): Record<string, unknown> {
  const values: Record<string, unknown> = {
    partRows: String(session.parts.length),
    capacity: String(session.capacity),
    minimumPlaces: session.minimumPlaces === null ? '' : String(session.minimumPlaces),
    format: session.format,
    'venue-name': session.venue?.name ?? '',
    'venue-address': session.venue?.address ?? '',
    'venue-room': session.venue?.room ?? '',
    'venue-accessNotes': session.venue?.accessNotes ?? '',
    'venue-instructions': session.venue?.instructions ?? '',
    joiningUrl: session.joiningUrl ?? '',
    status: session.status,
    trainers: session.trainers.map((t) => t.personId),
  }
  session.parts.forEach((part, index) => {
    const [year, month, day] = londonDateOf(part.startsAt).split('-')
    const row = `part${index + 1}`
    values[`${row}-day`] = String(Number(day))
    values[`${row}-month`] = String(Number(month))
    values[`${row}-year`] = year
    values[`${row}-start`] = londonClockOf(part.startsAt)
    values[`${row}-end`] = londonClockOf(part.endsAt)
  })
  return values
}
