import { deliveryMethodNames } from '#features/courses/forms.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Section, Which } from './figures.ts'
import { boundsValues, breakdownOf, figureOf, periodsTable, perPeriod } from './figures.ts'

// A session counts in the period its first part starts in (London time), once it has begun
// and unless it was cancelled or never published.
export const sessionInPeriod = `s.status NOT IN ('draft', 'cancelled') AND s.starts_at <= cascade_now()
  AND (s.starts_at AT TIME ZONE 'Europe/London')::date >= p.start_on
  AND (s.starts_at AT TIME ZONE 'Europe/London')::date < p.end_on`

type Counts = { which: Which; sessions: number; places: number; applications: number; attendees: number }

/**
 * "How much did we do?": sessions delivered and by delivery method, places offered,
 * applications made, and people who came (marked on a register as anything but absent), by
 * their agency's sector; each for the period, the one before and the same one a year earlier.
 */
export async function howMuch(sql: Sql, bounds: Bounds): Promise<Section> {
  const values = boundsValues(bounds)
  const [counts, methods, sectors] = await Promise.all([
    sql.query<Counts>(
      `SELECT p.which,
              (SELECT count(*)::int FROM sessions s WHERE ${sessionInPeriod}) AS sessions,
              (SELECT coalesce(sum(s.capacity), 0)::int FROM sessions s WHERE ${sessionInPeriod}) AS places,
              (SELECT count(*)::int FROM applications a
                WHERE (a.applied_at AT TIME ZONE 'Europe/London')::date >= p.start_on
                  AND (a.applied_at AT TIME ZONE 'Europe/London')::date < p.end_on) AS applications,
              (SELECT count(DISTINCT m.application_id)::int FROM attendance m JOIN sessions s ON s.id = m.session_id
                WHERE m.mark <> 'absent' AND ${sessionInPeriod}) AS attendees
         FROM ${periodsTable}`,
      values,
    ),
    sql.query<{ which: Which; key: string; n: number }>(
      `SELECT p.which, c.delivery_method AS key, count(*)::int AS n
         FROM ${periodsTable} JOIN sessions s ON ${sessionInPeriod} JOIN courses c ON c.id = s.course_id
        GROUP BY p.which, c.delivery_method`,
      values,
    ),
    sql.query<{ which: Which; key: string; n: number }>(
      `SELECT p.which, ag.sector AS key, count(DISTINCT m.application_id)::int AS n
         FROM ${periodsTable} JOIN sessions s ON ${sessionInPeriod}
         JOIN attendance m ON m.session_id = s.id AND m.mark <> 'absent'
         JOIN applications a ON a.id = m.application_id JOIN agencies ag ON ag.id = a.agency_id
        GROUP BY p.which, ag.sector`,
      values,
    ),
  ])
  const of = (field: keyof Omit<Counts, 'which'>) => perPeriod(counts, field)
  return {
    id: 'how-much',
    title: 'How much did we do?',
    figures: [
      figureOf('sessions-delivered', 'Sessions delivered', of('sessions')),
      figureOf('places-offered', 'Places offered', of('places')),
      figureOf('applications', 'Applications', of('applications')),
      figureOf('attendees', 'Attendees', of('attendees')),
    ],
    breakdowns: [
      breakdownOf(
        'sessions-by-method',
        'Sessions delivered by delivery method',
        methods.map((m) => ({
          ...m,
          label: deliveryMethodNames[m.key as keyof typeof deliveryMethodNames] ?? m.key,
        })),
        false,
      ),
      breakdownOf(
        'attendees-by-sector',
        'Attendees by sector',
        sectors.map((s) => ({ ...s, label: sectorNames[s.key as keyof typeof sectorNames] ?? s.key })),
      ),
    ],
  }
}
