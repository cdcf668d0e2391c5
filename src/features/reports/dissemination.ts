import { defaultPolicy } from '#features/policy/policy.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Figure, Which } from './figures.ts'
import { boundsValues, figureOf, periodsTable, perPeriod, rateOf } from './figures.ts'

type Returns = { which: Which; due: number; returned: number; onTime: number }

/**
 * Dissemination returns in "How well did we do it?". A return is an agency's record of how it
 * passed on a product sent to it; it falls due the policy's reminder days after the product was
 * first sent to the agency (the policy in force that day), when dissemination's chasing reminds
 * the agency's leads. For the returns falling due in each period: how many have been returned
 * (a dissemination recorded; an acknowledgement alone is not a return), and how many of those
 * were recorded by the day they fell due.
 */
export async function disseminationFigures(sql: Sql, bounds: Bounds): Promise<Figure[]> {
  const rows = await sql.query<Returns>(
    `WITH sent AS (
       SELECT s.product_id, s.agency_id, (min(s.sent_at) AT TIME ZONE 'Europe/London')::date AS sent_on
         FROM learning_product_sends s GROUP BY s.product_id, s.agency_id),
     falling AS (
       SELECT x.product_id, x.agency_id,
              x.sent_on + coalesce((SELECT (y.rules->>'disseminationReminderDays')::int FROM policies y
                                     WHERE y.effective_from <= x.sent_on ORDER BY y.effective_from DESC LIMIT 1), $7) AS due_on
         FROM sent x)
     SELECT p.which, count(f.product_id)::int AS due,
            count(r.returned_on)::int AS returned,
            count(r.returned_on) FILTER (WHERE r.returned_on <= f.due_on)::int AS "onTime"
       FROM ${periodsTable}
       LEFT JOIN falling f ON f.due_on >= p.start_on AND f.due_on < p.end_on
       LEFT JOIN LATERAL (
         SELECT (min(d.at) AT TIME ZONE 'Europe/London')::date AS returned_on FROM dissemination_records d
          WHERE d.product_id = f.product_id AND d.agency_id = f.agency_id AND d.kind = 'dissemination') r ON true
      GROUP BY p.which`,
    [...boundsValues(bounds), defaultPolicy.disseminationReminderDays],
  )
  const of = (field: keyof Omit<Returns, 'which'>) => perPeriod(rows, field)
  return [
    figureOf('dissemination-returns-due', 'Dissemination returns falling due', of('due')),
    rateOf('dissemination-returned', 'Returned, of those falling due', of('returned'), of('due')),
    rateOf(
      'dissemination-returned-on-time',
      'Returned by the day they fell due, of those falling due',
      of('onTime'),
      of('due'),
    ),
  ]
}
