import type { Part } from '#features/sessions/rules.ts'

/** A financial year: its first day, the first day of the next (both YYYY-MM-DD), and its name. */
export type FinancialYear = { start: string; end: string; label: string }

const pad = (n: number) => String(n).padStart(2, '0')

/** The financial year a calendar date falls in, for a year starting on the 1st of `startMonth`. */
export function financialYearOf(date: string, startMonth: number): FinancialYear {
  const [year, month] = date.split('-').map(Number) as [number, number]
  const first = month >= startMonth ? year : year - 1
  return financialYearStarting(first, startMonth)
}

/** The financial year that starts in a calendar year. */
export function financialYearStarting(year: number, startMonth: number): FinancialYear {
  const start = `${year}-${pad(startMonth)}-01`
  const end = `${year + 1}-${pad(startMonth)}-01`
  // A year starting in January is named by its calendar year; any other spans two.
  const label = startMonth === 1 ? String(year) : `${year}/${pad((year + 1) % 100)}`
  return { start, end, label }
}

/**
 * The delivery a session's parts take, in half days: a part of up to four hours is half a
 * day, a longer one a day, and a part running over several days a day for each.
 */
export function halfDaysOf(parts: readonly Part[]): number {
  let total = 0
  for (const part of parts) {
    const hours = (part.endsAt.getTime() - part.startsAt.getTime()) / 3_600_000
    total += hours <= 4 ? 1 : hours <= 24 ? 2 : 2 * Math.ceil(hours / 24)
  }
  return total
}

/**
 * The half days a year can hold under the capacity policy: days a week times the weeks in
 * the year (North Somerset: "the equivalent of two days a week"), rounded down.
 */
export function capacityHalfDays(
  year: Pick<FinancialYear, 'start' | 'end'>,
  capacityDaysPerWeek: number,
): number {
  const days = (Date.parse(`${year.end}T00:00:00Z`) - Date.parse(`${year.start}T00:00:00Z`)) / 86_400_000
  return Math.floor((capacityDaysPerWeek * 2 * days) / 7)
}

/** Half days as days for people: 9 → "4.5 days", 2 → "1 day". */
export function daysText(halfDays: number): string {
  const days = halfDays / 2
  return `${days} ${days === 1 ? 'day' : 'days'}`
}

export type CapacityDecision =
  | { within: true; planned: number; capacity: number }
  | { within: false; planned: number; capacity: number; message: string }

/**
 * Whether scheduling `adding` half days on top of `alreadyPlanned` stays within the year's
 * capacity, with the message an admin sees when it does not.
 */
export function capacityDecision(
  year: FinancialYear,
  alreadyPlanned: number,
  adding: number,
  capacity: number,
): CapacityDecision {
  const planned = alreadyPlanned + adding
  if (planned <= capacity) return { within: true, planned, capacity }
  return {
    within: false,
    planned,
    capacity,
    message: `This would plan ${daysText(planned)} of delivery in ${year.label}, beyond the capacity of ${daysText(capacity)}. To schedule it anyway, give the reason for going beyond the capacity`,
  }
}
