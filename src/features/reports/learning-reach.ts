import { headcountSql } from '#features/directory/headcount.ts'
import { reachOf } from '#features/learning/dissemination/rules.ts'
import { productTypeNames } from '#features/learning/index.ts'
import type { Sql } from '#platform/db/database.ts'
import { readOf } from '#platform/db/database.ts'
import type { Bounds, Breakdown, Figure, Which } from './figures.ts'
import { boundsValues, breakdownOf, figureOf, periodsTable } from './figures.ts'

type Published = { which: Which; kind: string; products: number; newsletters: number }
type Reached = { which: Which; staffReached: number; confirmedPeople: number; headcount: number }

// The periods' bounds as instants at London midnight, for what is kept as a moment.
const london = (day: string) => `(${day}::timestamp AT TIME ZONE 'Europe/London')`

/**
 * Learning products in "How much did we do?": those first published in each period (a product
 * withdrawn since was still published then), by kind, and the newsletters sent; and the staff
 * the learning reached in the period. Reach is dissemination's own measure (its rules'
 * `reachOf`): for each product and agency, the larger of the staff the agency recorded reaching
 * and the people who confirmed it themselves, at most the agency's headcount. It is counted
 * from what happened in the period (disseminations on a day in it, confirmations made in it),
 * so a period is not credited with reach a product gathered later, and each period compares
 * with the others like for like.
 */
export async function learningFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ figures: Figure[]; breakdowns: Breakdown[] }> {
  const values = boundsValues(bounds)
  const reads = await Promise.allSettled([
    sql.query<Published>(
      `SELECT p.which, x.type AS kind, count(*)::int AS products, 0 AS newsletters
           FROM ${periodsTable}
           JOIN learning_products x ON x.status <> 'draft'
            AND x.published_at >= ${london('p.start_on')} AND x.published_at < ${london('p.end_on')}
          GROUP BY p.which, x.type
         UNION ALL
         SELECT p.which, 'newsletter-sent', 0, count(*)::int
           FROM ${periodsTable}
           JOIN newsletters n ON n.status = 'sent'
            AND n.sent_at >= ${london('p.start_on')} AND n.sent_at < ${london('p.end_on')}
          GROUP BY p.which`,
      values,
    ),
    sql.query<Reached>(
      `WITH recorded AS (
           SELECT p.which, r.product_id, r.agency_id, sum(r.staff_reached)::int AS staff
             FROM ${periodsTable}
             JOIN dissemination_records r ON r.kind = 'dissemination' AND r.on_date >= p.start_on AND r.on_date < p.end_on
            GROUP BY p.which, r.product_id, r.agency_id),
         confirmed AS (
           SELECT p.which, c.product_id, c.agency_id, count(DISTINCT c.person_id)::int AS people
             FROM ${periodsTable}
             JOIN learning_confirmations c ON c.at >= ${london('p.start_on')} AND c.at < ${london('p.end_on')}
            GROUP BY p.which, c.product_id, c.agency_id),
         pairs AS (
           SELECT which, product_id, agency_id, coalesce(r.staff, 0) AS staff, coalesce(c.people, 0) AS people
             FROM recorded r FULL JOIN confirmed c USING (which, product_id, agency_id))
         SELECT x.which, x.staff AS "staffReached", x.people AS "confirmedPeople", ${headcountSql('a')} AS headcount
           FROM pairs x JOIN agencies a ON a.id = x.agency_id`,
      values,
    ),
  ])
  const published = readOf(reads[0])
  const reached = readOf(reads[1])
  function sum<R extends { which: Which }>(rows: readonly R[], n: (row: R) => number) {
    const by: Partial<Record<Which, number>> = {}
    for (const row of rows) by[row.which] = (by[row.which] ?? 0) + n(row)
    return by
  }
  const products = published.filter((r) => r.kind !== 'newsletter-sent')
  return {
    figures: [
      figureOf(
        'learning-products-published',
        'Learning products published',
        sum(products, (r) => r.products),
      ),
      figureOf(
        'newsletters-sent',
        'Newsletters sent',
        sum(published, (r) => r.newsletters),
      ),
      figureOf(
        'learning-reach',
        'Staff reached by learning products, as agencies recorded or staff confirmed',
        sum(
          reached,
          (r) =>
            reachOf({
              staffReached: [r.staffReached],
              confirmedPeople: r.confirmedPeople,
              headcount: r.headcount,
            }).counted,
        ),
      ),
    ],
    breakdowns: [
      breakdownOf(
        'learning-products-by-kind',
        'Learning products published by kind',
        products.map((r) => ({
          which: r.which,
          key: r.kind,
          label: productTypeNames[r.kind as keyof typeof productTypeNames] ?? r.kind,
          n: r.products,
        })),
        false,
      ),
    ],
  }
}
