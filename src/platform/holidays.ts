import { createRequire } from 'node:module'
import type { Jurisdiction } from '#features/policy/policy.ts'

// The date-holidays country and region for each jurisdiction a partnership can be in.
const regions: Record<Jurisdiction, [string, string?]> = {
  'england-and-wales': ['GB', 'ENG'],
  scotland: ['GB', 'SCT'],
  'northern-ireland': ['GB', 'NIR'],
  jersey: ['JE'],
  guernsey: ['GG'],
  'isle-of-man': ['IM'],
}

type HolidaysClass = typeof import('date-holidays').default

// The holiday data is large: it is loaded the first time a date is checked, not at start-up,
// so a process is ready sooner and only pays when a rule needs it.
let loaded: HolidaysClass | undefined
function holidaysClass(): HolidaysClass {
  loaded ??= createRequire(import.meta.url)('date-holidays') as HolidaysClass
  return loaded
}

const calendars = new Map<string, Map<string, string>>()

/** The bank holidays of a jurisdiction in a calendar year, date (YYYY-MM-DD) to name. Kept once read. */
function bankHolidaysIn(jurisdiction: Jurisdiction, year: number): Map<string, string> {
  const key = `${jurisdiction}:${year}`
  let found = calendars.get(key)
  if (!found) {
    const [country, region] = regions[jurisdiction]
    const Holidays = holidaysClass()
    const holidays = region ? new Holidays(country, region) : new Holidays(country)
    found = new Map()
    for (const holiday of holidays.getHolidays(year)) {
      // Public holidays and bank holidays close offices; observances do not.
      if (holiday.type === 'public' || holiday.type === 'bank') {
        const date = holiday.date.slice(0, 10)
        if (!found.has(date)) found.set(date, holiday.name)
      }
    }
    calendars.set(key, found)
  }
  return found
}

/** The name of the bank holiday on a calendar date (YYYY-MM-DD) in a jurisdiction, if it is one. */
export function bankHolidayOn(jurisdiction: Jurisdiction, date: string): string | undefined {
  return bankHolidaysIn(jurisdiction, Number(date.slice(0, 4))).get(date)
}

/** True when a calendar date is a weekday that is not a bank holiday in the jurisdiction. */
export function isWorkingDay(jurisdiction: Jurisdiction, date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !bankHolidayOn(jurisdiction, date)
}

/** A calendar date (YYYY-MM-DD) moved by whole days; noon UTC keeps clock changes and local time out of it. */
function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`)
  at.setUTCDate(at.getUTCDate() + days)
  return at.toISOString().slice(0, 10)
}

/**
 * The Nth working day after a date (N > 0), or before it (N < 0), the date itself not counted:
 * weekends and the jurisdiction's bank holidays are skipped. The one working-day counter, used
 * by cancellation notice and by statutory review deadlines alike.
 */
export function workingDaysFrom(jurisdiction: Jurisdiction, date: string, days: number): string {
  const step = days < 0 ? -1 : 1
  let found = date
  for (let counted = 0; counted < Math.abs(days); ) {
    found = addDays(found, step)
    if (isWorkingDay(jurisdiction, found)) counted++
  }
  return found
}
