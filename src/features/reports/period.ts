import { addMonths } from '#features/compliance/rules.ts'
import { financialYearStarting } from '#features/programme/rules.ts'
import type { Bounds } from './figures.ts'

/**
 * A reporting period: a quarter of a financial year or a whole one, both named by the calendar
 * year the financial year starts in (`2026-Q3`, `2026`), as the board reads its reports.
 */
export type ReportPeriod = {
  kind: 'quarter' | 'year'
  /** As the API names it: `2026-Q3` or `2026`. */
  key: string
  /** The first day, and the first day after it (YYYY-MM-DD). */
  start: string
  end: string
  /** "October to December 2026 (quarter 3 of 2026 to 2027)", "2026 to 2027". */
  label: string
}

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' })
/** The month of a date, as people write it: "October". */
const monthOf = (date: string) => monthFormat.format(new Date(`${date.slice(0, 7)}-01T12:00:00Z`))

const yearName = (year: number) => `${year} to ${year + 1}`

/** The period a key names, for a financial year starting on the 1st of `startMonth`; null when it names none. */
export function periodOf(key: string, startMonth: number): ReportPeriod | null {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key)
  if (quarter) {
    const year = Number(quarter[1])
    const n = Number(quarter[2])
    const start = addMonths(financialYearStarting(year, startMonth).start, (n - 1) * 3)
    const end = addMonths(start, 3)
    const last = addMonths(start, 2)
    return {
      kind: 'quarter',
      key,
      start,
      end,
      label: `${monthOf(start)} to ${monthOf(last)} ${last.slice(0, 4)} (quarter ${n} of ${yearName(year)})`,
    }
  }
  if (/^\d{4}$/.test(key)) {
    const year = Number(key)
    const { start, end } = financialYearStarting(year, startMonth)
    return { kind: 'year', key, start, end, label: yearName(year) }
  }
  return null
}

/** The period just before: the quarter before (the last of the year before, for a first), or the year before. */
export function previousOf(period: ReportPeriod, startMonth: number): ReportPeriod {
  const year = Number(period.key.slice(0, 4))
  if (period.kind === 'year') return periodOf(String(year - 1), startMonth) as ReportPeriod
  const n = Number(period.key.slice(-1))
  return periodOf(n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`, startMonth) as ReportPeriod
}

/** The same period a year earlier. */
export function sameLastYearOf(period: ReportPeriod, startMonth: number): ReportPeriod {
  return periodOf(`${Number(period.key.slice(0, 4)) - 1}${period.key.slice(4)}`, startMonth) as ReportPeriod
}

/** The period a date falls in: its quarter, or its financial year. */
export function periodContaining(date: string, kind: ReportPeriod['kind'], startMonth: number): ReportPeriod {
  const year = financialYearStarting(Number(date.slice(0, 4)), startMonth)
  const first = date >= year.start ? Number(date.slice(0, 4)) : Number(date.slice(0, 4)) - 1
  if (kind === 'year') return periodOf(String(first), startMonth) as ReportPeriod
  for (const n of [1, 2, 3, 4]) {
    const quarter = periodOf(`${first}-Q${n}`, startMonth) as ReportPeriod
    if (date < quarter.end) return quarter
  }
  return periodOf(`${first}-Q4`, startMonth) as ReportPeriod
}

export type PeriodAsked = { ok: true; period: ReportPeriod } | { ok: false; field: string; message: string }

/**
 * The period a request asks for, `?period=2026-Q3` or `?year=2026`: refused, with a message a
 * person can act on, when it is written wrongly, has not begun, or ended before the partnership
 * was on Cascade.
 */
export function periodAsked(
  query: { period?: string | undefined; year?: string | undefined },
  on: { today: string; since: string; startMonth: number },
): PeriodAsked {
  const { period, year } = query
  if (period !== undefined && year !== undefined)
    return { ok: false, field: 'period', message: 'Ask for a quarter or a year, not both' }
  if (period === undefined && year === undefined)
    return {
      ok: false,
      field: 'period',
      message: 'Ask for a quarter, like period=2026-Q3, or a year, like year=2026',
    }
  const key = period ?? year ?? ''
  const found =
    period !== undefined
      ? /^\d{4}-Q[1-4]$/.test(period)
        ? periodOf(period, on.startMonth)
        : null
      : /^\d{4}$/.test(key)
        ? periodOf(key, on.startMonth)
        : null
  if (!found)
    return period !== undefined
      ? { ok: false, field: 'period', message: 'Write the quarter as the year and Q1 to Q4, like 2026-Q3' }
      : { ok: false, field: 'year', message: 'Write the year as the calendar year it starts in, like 2026' }
  if (found.start > on.today)
    return {
      ok: false,
      field: found.kind === 'year' ? 'year' : 'period',
      message: `${found.label} has not begun yet`,
    }
  if (found.end <= on.since)
    return {
      ok: false,
      field: found.kind === 'year' ? 'year' : 'period',
      message: `${found.label} ended before the partnership’s records begin`,
    }
  return { ok: true, period: found }
}

/** A period's bounds beside those of the period before and the same period a year earlier. */
export function boundsOf(period: ReportPeriod, startMonth: number) {
  const previous = previousOf(period, startMonth)
  const sameLastYear = sameLastYearOf(period, startMonth)
  const bounds = {
    current: [period.start, period.end],
    previous: [previous.start, previous.end],
    lastYear: [sameLastYear.start, sameLastYear.end],
  } satisfies Bounds
  return { previous, sameLastYear, bounds }
}

/** What a report's key asks for: four digits name a financial year, anything else a quarter. */
export const askedBy = (key: string) => (/^\d{4}$/.test(key) ? { year: key } : { period: key })
