import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Breakdown, Figure, Which } from './figures.ts'
import { boundsValues, figureOf, penceOf, periodsTable, perPeriod } from './figures.ts'

type Money = { which: Which; charged: number; waived: number; waivedPence: number }

/**
 * Income and waivers: the charges made in each period (by the day whose policy set them, as
 * invoicing reads them) that still stand, in pence, and those waived, counted and in pence.
 * A charge waived after the period is taken out of the period it was charged in, so income and
 * waivers always add up to what was charged then.
 */
export async function incomeFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ figures: Figure[]; breakdowns: Breakdown[] }> {
  const rows = await sql.query<Money>(
    `SELECT p.which,
            coalesce(sum(c.amount_pence) FILTER (WHERE NOT c.waived), 0)::int AS charged,
            count(c.id) FILTER (WHERE c.waived)::int AS waived,
            coalesce(sum(c.amount_pence) FILTER (WHERE c.waived), 0)::int AS "waivedPence"
       FROM ${periodsTable}
       LEFT JOIN charges c ON c.charged_on >= p.start_on AND c.charged_on < p.end_on
      GROUP BY p.which`,
    boundsValues(bounds),
  )
  const of = (field: keyof Omit<Money, 'which'>) => perPeriod(rows, field)
  return {
    figures: [
      penceOf('income-charged', 'Income charged, less charges waived', of('charged')),
      figureOf('charges-waived', 'Charges waived', of('waived')),
      penceOf('charges-waived-value', 'Value of charges waived', of('waivedPence')),
    ],
    breakdowns: [],
  }
}
