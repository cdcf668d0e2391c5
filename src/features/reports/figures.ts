/** A figure of a report with the same figure for the period before and the same period a year earlier. */
export type Figure = {
  id: string
  label: string
  /**
   * A count, a whole percentage of something else counted in the same period, a score in
   * tenths, or money in whole pence.
   */
  unit: 'count' | 'percent' | 'tenths' | 'pence'
  value: number
  previous: number
  lastYear: number
}

/** A breakdown of a figure: one row per agency, sector, method or theme, each compared likewise. */
export type Breakdown = {
  id: string
  title: string
  /** Counts of people, shown as "fewer than 5" when small enough to point at someone. */
  aboutPeople: boolean
  /** Counts unless said otherwise; percent: whole percentages, row by row. */
  unit?: 'count' | 'percent' | 'tenths'
  rows: { key: string; label: string; value: number; previous: number; lastYear: number }[]
}

export type Section = { id: string; title: string; figures: Figure[]; breakdowns: Breakdown[] }

/** Which of the three periods a row of figures is for. */
export type Which = 'current' | 'previous' | 'lastYear'

/** The three periods' bounds, in the order the queries take them: $1 to $6. */
export type Bounds = { current: [string, string]; previous: [string, string]; lastYear: [string, string] }

export const boundsValues = (b: Bounds) => [...b.current, ...b.previous, ...b.lastYear]

/** The three periods as a table the queries join: which, the first day and the first day after. */
export const periodsTable = `(VALUES ('current', $1::date, $2::date), ('previous', $3::date, $4::date),
  ('lastYear', $5::date, $6::date)) AS p(which, start_on, end_on)`

/** A figure from a row of counts per period. */
export function figureOf(id: string, label: string, counts: Partial<Record<Which, number>>): Figure {
  return {
    id,
    label,
    unit: 'count',
    value: counts.current ?? 0,
    previous: counts.previous ?? 0,
    lastYear: counts.lastYear ?? 0,
  }
}

/** A sum of money per period, in whole pence. */
export function penceOf(id: string, label: string, pence: Partial<Record<Which, number>>): Figure {
  return { ...figureOf(id, label, pence), unit: 'pence' }
}

/** A whole percentage of one count in another, period by period; none of none is 0%. */
export function rateOf(
  id: string,
  label: string,
  part: Partial<Record<Which, number>>,
  whole: Partial<Record<Which, number>>,
): Figure {
  const pc = (which: Which) => {
    const of = whole[which] ?? 0
    return of ? Math.round(((part[which] ?? 0) / of) * 100) : 0
  }
  return {
    id,
    label,
    unit: 'percent',
    value: pc('current'),
    previous: pc('previous'),
    lastYear: pc('lastYear'),
  }
}

/** Each period's value of one field of rows that carry `which`. */
export function perPeriod<R extends { which: Which }>(
  rows: readonly R[],
  field: keyof R,
): Partial<Record<Which, number>> {
  return Object.fromEntries(rows.map((r) => [r.which, Number(r[field])])) as Partial<Record<Which, number>>
}

/** A breakdown from rows of (which, key, label, n), keyed rows in the order of the current period's size. */
export function breakdownOf(
  id: string,
  title: string,
  rows: readonly { which: Which; key: string; label: string; n: number }[],
  aboutPeople = true,
): Breakdown {
  const byKey = new Map<string, Breakdown['rows'][number]>()
  for (const r of rows) {
    const row = byKey.get(r.key) ?? { key: r.key, label: r.label, value: 0, previous: 0, lastYear: 0 }
    row[r.which === 'current' ? 'value' : r.which] += r.n
    byKey.set(r.key, row)
  }
  return {
    id,
    title,
    aboutPeople,
    rows: [...byKey.values()].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label)),
  }
}

/**
 * A breakdown of whole percentages from rows of (which, key, label, part, whole): each key's
 * part of its whole, period by period, none of none being 0%. Rows in the order of the current
 * period's percentage.
 */
export function rateBreakdownOf(
  id: string,
  title: string,
  rows: readonly { which: Which; key: string; label: string; part: number; whole: number }[],
): Breakdown {
  const parts = breakdownOf(
    id,
    title,
    rows.map((r) => ({ ...r, n: r.part })),
  )
  const wholes = new Map(
    breakdownOf(
      id,
      title,
      rows.map((r) => ({ ...r, n: r.whole })),
    ).rows.map((r) => [r.key, r]),
  )
  const pc = (part: number, whole = 0) => (whole ? Math.round((part / whole) * 100) : 0)
  return {
    id,
    title,
    aboutPeople: false,
    unit: 'percent',
    rows: parts.rows
      .map((r) => {
        const whole = wholes.get(r.key)
        return {
          ...r,
          value: pc(r.value, whole?.value),
          previous: pc(r.previous, whole?.previous),
          lastYear: pc(r.lastYear, whole?.lastYear),
        }
      })
      .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label)),
  }
}
