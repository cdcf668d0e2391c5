import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Which } from './figures.ts'
import { boundsValues, periodsTable } from './figures.ts'

/** Each period's delivery, counted. */
export type DeliveryTotals = {
  which: Which
  sessions: number
  places: number
  applications: number
  /** Confirmed places. */
  taken: number
  /** Marked on a register as anything but absent. */
  attendees: number
  /** Confirmed places whose every mark is absent. */
  noShows: number
  lateCancellations: number
  afterCourse: number
  followUp: number
}

/** The sessions held in each period by delivery method, and those who came or did not by agency. */
export type DeliveryBreakdowns = {
  methods: { which: Which; method: string; sessions: number }[]
  agencies: {
    which: Which
    agencyId: string
    agencyName: string
    sector: string
    attendees: number
    noShows: number
  }[]
}

// The three periods (figures.ts), with their bounds as instants at London midnight, which the
// index on sessions' start can use.
const periods = `bounded AS (
  SELECT p.which, (p.start_on::timestamp AT TIME ZONE 'Europe/London') AS from_at,
         (p.end_on::timestamp AT TIME ZONE 'Europe/London') AS to_at
    FROM ${periodsTable})`

// A session counts in the period its first part starts in, once begun, unless cancelled or never
// published. Kept apart, so each figure below looks up only its own sessions' rows by index.
const held = `ps AS MATERIALIZED (
  SELECT p.which, s.id, s.capacity, s.course_id FROM bounded p
    JOIN sessions s ON s.starts_at >= p.from_at AND s.starts_at < p.to_at AND s.starts_at <= cascade_now()
                   AND s.status NOT IN ('draft', 'cancelled'))`

// Someone came when a register marks them as anything but absent; did not when every mark is.
const came = `EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent')`
const noShow = `a.status = 'confirmed' AND EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id)
  AND NOT ${came}`

/**
 * Each period's delivery: sessions held and their places, applications made, places taken,
 * those who came, no-shows, late cancellations, and evaluations answered after the course and
 * at follow-up. Each figure reads only the rows of its own period's sessions, through their
 * indexes, so a quarter costs little however large the partnership's history.
 */
export function deliveryTotals(sql: Sql, bounds: Bounds): Promise<DeliveryTotals[]> {
  const onHeld = 'FROM ps JOIN applications a ON a.session_id = ps.id WHERE ps.which = p.which'
  const answered = (stage: string) =>
    `(SELECT count(*)::int ${onHeld}
        AND EXISTS (SELECT 1 FROM evaluation_responses r WHERE r.application_id = a.id AND r.stage = '${stage}'))`
  return sql.query<DeliveryTotals>(
    `WITH ${periods}, ${held}
     SELECT p.which,
            (SELECT count(*)::int FROM ps WHERE ps.which = p.which) AS sessions,
            (SELECT coalesce(sum(ps.capacity), 0)::int FROM ps WHERE ps.which = p.which) AS places,
            (SELECT count(*)::int FROM applications a WHERE a.applied_at >= p.from_at AND a.applied_at < p.to_at) AS applications,
            (SELECT count(*)::int ${onHeld} AND a.status = 'confirmed') AS taken,
            (SELECT count(*)::int ${onHeld} AND ${came}) AS attendees,
            (SELECT count(*)::int ${onHeld} AND ${noShow}) AS "noShows",
            (SELECT count(*)::int FROM ps JOIN charges c ON c.session_id = ps.id AND c.reason = 'late_cancellation'
              WHERE ps.which = p.which) AS "lateCancellations",
            ${answered('after_course')} AS "afterCourse",
            ${answered('follow_up')} AS "followUp"
       FROM bounded p`,
    boundsValues(bounds),
  )
}

/** The sessions held by delivery method, and by agency those who came and the no-shows. */
export async function deliveryBreakdowns(sql: Sql, bounds: Bounds): Promise<DeliveryBreakdowns> {
  const values = boundsValues(bounds)
  const [methods, agencies] = await Promise.all([
    sql.query<DeliveryBreakdowns['methods'][number]>(
      `WITH ${periods}, ${held}
       SELECT ps.which, c.delivery_method AS method, count(*)::int AS sessions
         FROM ps JOIN courses c ON c.id = ps.course_id GROUP BY ps.which, c.delivery_method`,
      values,
    ),
    sql.query<DeliveryBreakdowns['agencies'][number]>(
      `WITH ${periods}, ${held}
       SELECT ps.which, a.agency_id AS "agencyId", ag.name AS "agencyName", ag.sector,
              count(*) FILTER (WHERE ${came})::int AS attendees,
              count(*) FILTER (WHERE ${noShow})::int AS "noShows"
         FROM ps JOIN applications a ON a.session_id = ps.id JOIN agencies ag ON ag.id = a.agency_id
        GROUP BY ps.which, a.agency_id, ag.name, ag.sector`,
      values,
    ),
  ])
  return { methods, agencies }
}
