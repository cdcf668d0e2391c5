import type { Sql } from '#platform/db/database.ts'
import { eachPeriodOnce } from './delivery.ts'
import type { Bounds, Breakdown, Figure, Which } from './figures.ts'
import { boundsValues, breakdownOf, periodsTable, rateOf } from './figures.ts'

type Standing = { which: Which; key: string; label: string; people: number; compliant: number }

// A requirement's evidence dated `on` stands on day `d` when it is dated by then and, for a
// requirement with a refresher, its refresher is not yet overdue (pathways' standing rules:
// overdue once the day it falls due has passed).
const stands = (on: string, d: string) =>
  `(${on} <= ${d} AND (r.refresher_months IS NULL OR (${on} + make_interval(months => r.refresher_months))::date >= ${d}))`

/**
 * Workforce compliance by pathway in "Is anyone better off?": of the people on each pathway,
 * the share fully compliant (every required requirement evidenced and none overdue, as
 * pathways' standing counts "up to date" and "due soon") on the last day of each period, or
 * today for a period not yet over.
 *
 * Compliance is a standing, not something done in a period, so it is read as at a day. It can
 * be worked out for a past day from stored dates, for the evidence: what is kept on each person
 * (requirement_standings) is their latest evidence per requirement, which settles the day
 * whenever it is dated by then; only where newer evidence has replaced it is the person's
 * earlier evidence (certificates and verified learning from elsewhere) looked up, and that only
 * for those requirements. What is not kept over time is who was on which pathway and the
 * pathways' requirements: each day is read for the people on each pathway now, against its
 * requirements now. So the figure says how today's workforce stood then, which is what shows
 * whether compliance is rising or falling.
 */
export async function complianceFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ figures: Figure[]; breakdowns: Breakdown[] }> {
  // A year's period before is the same year a year earlier: read once.
  const rows = await eachPeriodOnce(bounds, (once) =>
    sql.query<Standing>(
      `WITH days AS MATERIALIZED (
       SELECT p.which, least(p.end_on - 1, (cascade_now() AT TIME ZONE 'Europe/London')::date) AS on_day
         FROM ${periodsTable}),
     failing AS MATERIALIZED (
       SELECT DISTINCT d.which, rs.person_id
         FROM days d CROSS JOIN requirement_standings rs
         JOIN pathway_requirements r ON r.id = rs.requirement_id AND r.required
        WHERE NOT CASE WHEN rs.evidenced_on <= d.on_day THEN ${stands('rs.evidenced_on', 'd.on_day')}
                  ELSE EXISTS (
                         SELECT 1 FROM certificates ce JOIN sessions s ON s.id = ce.session_id
                           JOIN pathway_requirement_courses rc ON rc.course_id = s.course_id AND rc.requirement_id = r.id
                          WHERE ce.person_id = rs.person_id
                            AND ${stands("(s.ends_at AT TIME ZONE 'Europe/London')::date", 'd.on_day')})
                    OR EXISTS (
                         SELECT 1 FROM learning_evidence le
                          WHERE le.person_id = rs.person_id AND le.requirement_id = r.id AND le.status = 'verified'
                            AND ${stands('le.completed_on', 'd.on_day')})
                  END)
     SELECT d.which, x.pathway_id AS key, w.title AS label, count(*)::int AS people,
            count(*) FILTER (WHERE x.pathway_missing = 0
                               AND NOT EXISTS (SELECT 1 FROM failing f WHERE f.which = d.which AND f.person_id = x.id))::int
              AS compliant
       FROM days d CROSS JOIN people x JOIN pathways w ON w.id = x.pathway_id
      WHERE x.status = 'active' AND x.merged_into IS NULL
      GROUP BY d.which, x.pathway_id, w.title`,
      boundsValues(once),
    ),
  )
  const total = (field: 'people' | 'compliant') => {
    const by: Partial<Record<Which, number>> = {}
    for (const r of rows) by[r.which] = (by[r.which] ?? 0) + r[field]
    return by
  }
  const percent = (r: Standing) => (r.people ? Math.round((r.compliant / r.people) * 100) : 0)
  return {
    figures: [
      rateOf(
        'pathway-compliance',
        'People on a pathway fully compliant at the end of the period',
        total('compliant'),
        total('people'),
      ),
    ],
    breakdowns: [
      {
        ...breakdownOf(
          'pathway-compliance-by-pathway',
          'People on each pathway fully compliant at the end of the period',
          rows.map((r) => ({ which: r.which, key: r.key, label: r.label, n: percent(r) })),
          false,
        ),
        unit: 'percent',
      },
    ],
  }
}
