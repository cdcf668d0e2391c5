import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Section, Which } from './figures.ts'
import { boundsValues, breakdownOf, figureOf, periodsTable, perPeriod, rateOf } from './figures.ts'
import { sessionInPeriod } from './how-much.ts'

type Counts = {
  which: Which
  places: number
  taken: number
  attendees: number
  noShows: number
  lateCancellations: number
  afterCourse: number
  followUp: number
}

// A confirmed place on a session of the period.
const placeTaken = `a.session_id = s.id AND a.status = 'confirmed'`

/**
 * "How well did we do it?": how full the sessions were, how many of those with places came,
 * no-shows (every part marked absent) and late cancellations, and how many who came answered
 * the evaluation after the course and at follow-up; no-shows by agency.
 */
export async function howWell(sql: Sql, bounds: Bounds): Promise<Section> {
  const values = boundsValues(bounds)
  const [counts, noShowsByAgency] = await Promise.all([
    sql.query<Counts>(
      `SELECT p.which,
              (SELECT coalesce(sum(s.capacity), 0)::int FROM sessions s WHERE ${sessionInPeriod}) AS places,
              (SELECT count(*)::int FROM sessions s JOIN applications a ON ${placeTaken} WHERE ${sessionInPeriod}) AS taken,
              (SELECT count(DISTINCT m.application_id)::int FROM sessions s JOIN attendance m ON m.session_id = s.id
                WHERE m.mark <> 'absent' AND ${sessionInPeriod}) AS attendees,
              (SELECT count(*)::int FROM sessions s JOIN applications a ON ${placeTaken}
                WHERE ${sessionInPeriod}
                  AND EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id)
                  AND NOT EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')) AS "noShows",
              (SELECT count(*)::int FROM sessions s JOIN charges c ON c.session_id = s.id AND c.reason = 'late_cancellation'
                WHERE ${sessionInPeriod}) AS "lateCancellations",
              (SELECT count(*)::int FROM sessions s JOIN applications a ON a.session_id = s.id
                 JOIN evaluation_responses r ON r.application_id = a.id AND r.stage = 'after_course'
                WHERE ${sessionInPeriod}) AS "afterCourse",
              (SELECT count(*)::int FROM sessions s JOIN applications a ON a.session_id = s.id
                 JOIN evaluation_responses r ON r.application_id = a.id AND r.stage = 'follow_up'
                WHERE ${sessionInPeriod}) AS "followUp"
         FROM ${periodsTable}`,
      values,
    ),
    sql.query<{ which: Which; key: string; label: string; n: number }>(
      `SELECT p.which, ag.id::text AS key, ag.name AS label, count(*)::int AS n
         FROM ${periodsTable} JOIN sessions s ON ${sessionInPeriod}
         JOIN applications a ON ${placeTaken} JOIN agencies ag ON ag.id = a.agency_id
        WHERE EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')
        GROUP BY p.which, ag.id, ag.name`,
      values,
    ),
  ])
  const of = (field: keyof Omit<Counts, 'which'>) => perPeriod(counts, field)
  return {
    id: 'how-well',
    title: 'How well did we do it?',
    figures: [
      rateOf('fill-rate', 'Places taken, of those offered', of('taken'), of('places')),
      rateOf('attendance-rate', 'Came, of those with places', of('attendees'), of('taken')),
      figureOf('no-shows', 'No-shows', of('noShows')),
      rateOf('no-show-rate', 'No-shows, of those with places', of('noShows'), of('taken')),
      figureOf('late-cancellations', 'Late cancellations', of('lateCancellations')),
      rateOf(
        'after-course-response-rate',
        'Answered after the course, of those who came',
        of('afterCourse'),
        of('attendees'),
      ),
      rateOf(
        'follow-up-response-rate',
        'Answered at follow-up, of those who came',
        of('followUp'),
        of('attendees'),
      ),
    ],
    breakdowns: [breakdownOf('no-shows-by-agency', 'No-shows by agency', noShowsByAgency)],
  }
}
