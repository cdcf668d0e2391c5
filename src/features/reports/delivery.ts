import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Which } from './figures.ts'
import { boundsValues } from './figures.ts'

/** The sessions held in each period, counted by delivery method: how many, and their places. */
export type SessionFacts = { which: Which; method: string; sessions: number; places: number }

/** What happened to the places on those sessions, per agency of the application. */
export type AgencyFacts = {
  which: Which
  agencyId: string
  agencyName: string
  sector: string
  /** Confirmed places. */
  taken: number
  /** Marked on a register as anything but absent. */
  attendees: number
  /** Confirmed places whose every mark is absent. */
  noShows: number
  afterCourse: number
  followUp: number
}

export type DeliveryFacts = {
  sessions: SessionFacts[]
  agencies: AgencyFacts[]
  /** Applications made in each period, and late cancellations charged on its sessions. */
  totals: { which: Which; applications: number; lateCancellations: number }[]
}

// The three periods, with their bounds as instants at London midnight, which the indexes on
// sessions and applications can use.
const periods = `p AS (
  SELECT which, (start_on::timestamp AT TIME ZONE 'Europe/London') AS from_at,
         (end_on::timestamp AT TIME ZONE 'Europe/London') AS to_at
    FROM (VALUES ('current', $1::date, $2::date), ('previous', $3::date, $4::date),
                 ('lastYear', $5::date, $6::date)) AS v(which, start_on, end_on))`

// A session counts in the period its first part starts in, once begun, unless cancelled or never published.
const held = `ps AS (
  SELECT p.which, s.id, s.capacity, s.course_id FROM p
    JOIN sessions s ON s.starts_at >= p.from_at AND s.starts_at < p.to_at AND s.starts_at <= cascade_now()
                   AND s.status NOT IN ('draft', 'cancelled'))`

/**
 * Everything the report says about delivery, read once for all three periods: the sessions
 * held and their places by delivery method, and for each agency the places taken, those who
 * came, no-shows and evaluations answered. The marks and responses of those sessions are each
 * summed per application once, in one pass, and joined to the applications, rather than looked
 * up application by application or figure by figure.
 */
export async function deliveryFacts(sql: Sql, bounds: Bounds): Promise<DeliveryFacts> {
  // For a year, the period before is the same year a year earlier: read it once, as an empty
  // third period, and copy its rows.
  const same = bounds.previous[0] === bounds.lastYear[0] && bounds.previous[1] === bounds.lastYear[1]
  const facts = await read(
    sql,
    same ? { ...bounds, lastYear: [bounds.lastYear[0], bounds.lastYear[0]] } : bounds,
  )
  if (!same) return facts
  const copied = <R extends { which: Which }>(rows: R[]) => [
    ...rows,
    ...rows.filter((r) => r.which === 'previous').map((r) => ({ ...r, which: 'lastYear' as const })),
  ]
  return {
    sessions: copied(facts.sessions),
    agencies: copied(facts.agencies),
    totals: copied(facts.totals.filter((t) => t.which !== 'lastYear')),
  }
}

async function read(sql: Sql, bounds: Bounds): Promise<DeliveryFacts> {
  const values = boundsValues(bounds)
  const [sessions, agencies, totals] = await Promise.all([
    sql.query<SessionFacts>(
      `WITH ${periods}, ${held}
       SELECT ps.which, c.delivery_method AS method, count(*)::int AS sessions, coalesce(sum(ps.capacity), 0)::int AS places
         FROM ps JOIN courses c ON c.id = ps.course_id
        GROUP BY ps.which, c.delivery_method`,
      values,
    ),
    sql.query<AgencyFacts>(
      `WITH ${periods}, ${held},
       marks AS (
         SELECT m.application_id, bool_or(m.mark <> 'absent') AS came
           FROM attendance m WHERE m.session_id IN (SELECT id FROM ps) GROUP BY m.application_id),
       answers AS (
         SELECT r.application_id, bool_or(r.stage = 'after_course') AS after_course, bool_or(r.stage = 'follow_up') AS follow_up
           FROM evaluation_responses r JOIN applications a ON a.id = r.application_id
          WHERE a.session_id IN (SELECT id FROM ps) GROUP BY r.application_id),
       places AS (
         SELECT ps.which, a.agency_id, a.status = 'confirmed' AS confirmed, mk.came, an.after_course, an.follow_up
           FROM ps JOIN applications a ON a.session_id = ps.id
           LEFT JOIN marks mk ON mk.application_id = a.id LEFT JOIN answers an ON an.application_id = a.id)
       SELECT pl.which, pl.agency_id AS "agencyId", ag.name AS "agencyName", ag.sector,
              count(*) FILTER (WHERE pl.confirmed)::int AS taken,
              count(*) FILTER (WHERE pl.came)::int AS attendees,
              count(*) FILTER (WHERE pl.confirmed AND pl.came = false)::int AS "noShows",
              count(*) FILTER (WHERE pl.after_course)::int AS "afterCourse",
              count(*) FILTER (WHERE pl.follow_up)::int AS "followUp"
         FROM places pl JOIN agencies ag ON ag.id = pl.agency_id
        GROUP BY pl.which, pl.agency_id, ag.name, ag.sector`,
      values,
    ),
    sql.query<{ which: Which; applications: number; lateCancellations: number }>(
      `WITH ${periods}, ${held}
       SELECT p.which,
              (SELECT count(*)::int FROM applications a WHERE a.applied_at >= p.from_at AND a.applied_at < p.to_at) AS applications,
              (SELECT count(*)::int FROM ps JOIN charges c ON c.session_id = ps.id AND c.reason = 'late_cancellation'
                WHERE ps.which = p.which) AS "lateCancellations"
         FROM p`,
      values,
    ),
  ])
  return { sessions, agencies, totals }
}

/** Each period's sum of a field over rows that carry `which`. */
export function summed<R extends { which: Which }>(
  rows: readonly R[],
  field: keyof R,
): Partial<Record<Which, number>> {
  const sums: Partial<Record<Which, number>> = {}
  for (const r of rows) sums[r.which] = (sums[r.which] ?? 0) + Number(r[field])
  return sums
}
