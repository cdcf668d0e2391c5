import type { Jurisdiction } from '#features/policy/policy.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { bankHolidayOn } from '#platform/holidays.ts'

export type Part = { startsAt: Date; endsAt: Date }

/**
 * Checks a session's parts: each ends after it starts, none overlaps another, and (for a new
 * time) none has begun. Parts come back in time order.
 */
export function checkParts(
  parts: readonly Part[],
  now: Date,
  field = 'parts',
): { parts: Part[]; errors: FieldError[] } {
  const sorted = [...parts].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
  const errors: FieldError[] = []
  const add = (text: string) => {
    if (!errors.some((e) => e.text === text)) errors.push({ field, text })
  }
  sorted.forEach((part, index) => {
    if (part.endsAt <= part.startsAt) add('Each part must end after it starts')
    if (part.startsAt < now) add('A session cannot start in the past')
    const before = sorted[index - 1]
    if (before && part.startsAt < before.endsAt) add('The parts of a session cannot overlap')
  })
  return { parts: sorted, errors }
}

/** True when two sets of parts share any moment. */
export function overlaps(a: readonly Part[], b: readonly Part[]): boolean {
  return a.some((x) => b.some((y) => x.startsAt < y.endsAt && y.startsAt < x.endsAt))
}

const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' })

/**
 * Warnings, not refusals: a part on a bank holiday of the partnership's jurisdiction. Some
 * events run on one on purpose, so the admin is told and decides.
 */
export function bankHolidayWarnings(parts: readonly Part[], jurisdiction: Jurisdiction): string[] {
  const warnings: string[] = []
  for (const part of parts) {
    const date = londonDateOf(part.startsAt)
    const holiday = bankHolidayOn(jurisdiction, date)
    const text =
      holiday &&
      `${weekday.format(part.startsAt)} ${londonDateText(part.startsAt)} is a bank holiday (${holiday})`
    if (text && !warnings.includes(text)) warnings.push(text)
  }
  return warnings
}
