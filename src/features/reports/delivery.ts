import { rulesInForceOn } from '#features/policy/queries.ts'
import { capacityHalfDays } from '#features/programme/rules.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Bounds, Which } from './figures.ts'
import { boundsValues, periodsTable } from './figures.ts'

/** Each period's delivery, counted. */
export type DeliveryTotals = {
  which: Which
  sessions: number
  places: number
  /** The delivery the sessions took, in half days (programme/rules.ts `halfDaysOf`). */
  halfDays: number
  applications: number
  /** Confirmed places. */
  taken: number
  /** Marked on a register as anything but absent. */
  attendees: number
  /** Confirmed places whose every mark is absent. */
  noShows: number
  lateCancellations: number
  /** Applications made in the period whose evaluation at booking was answered. */
  atBooking: number
  afterCourse: number
  followUp: number
}

/**
 * The sessions held in each period by delivery method and by theme; by agency the places
 * taken, those who came and the no-shows; those who came by their tier; and the delivery the
 * capacity policy allows in each period, in half days.
 */
export type DeliveryBreakdowns = {
  methods: { which: Which; method: string; sessions: number }[]
  /** A session of a course with several themes counts under each; `themeId` '' for none. */
  themes: { which: Which; themeId: string; theme: string; sessions: number }[]
  agencies: {
    which: Which
    agencyId: string
    agencyName: string
    sector: string
    workforce: string
    taken: number
    attendees: number
    noShows: number
  }[]
  /** The tier the directory holds for each person who came; '' for none. */
  tiers: { which: Which; tier: string; attendees: number }[]
  capacity: { which: Which; halfDays: number }[]
}

// The three periods (figures.ts), with their bounds as instants at London midnight, which the
// index on sessions' start can use.
const periods = `bounded AS (
  SELECT p.which, (p.start_on::timestamp AT TIME ZONE 'Europe/London') AS from_at,
         (p.end_on::timestamp AT TIME ZONE 'Europe/London') AS to_at
    FROM ${periodsTable})`

// A session counts in the period its first part starts in, once begun, unless cancelled or never
// published. Its delivery facts (session_delivery by agency and tier, session_delivery_totals
// summed, both kept by the database as applications, marks, charges and answers change) are
// read by its id.
const held = `ps AS MATERIALIZED (
  SELECT p.which, s.id, s.capacity, s.course_id FROM bounded p
    JOIN sessions s ON s.starts_at >= p.from_at AND s.starts_at < p.to_at AND s.starts_at <= cascade_now()
                   AND s.status NOT IN ('draft', 'cancelled'))`

// The held sessions' facts, looked up session by session through session_delivery's key, so a
// period reads only its own sessions' rows. OFFSET 0 keeps the look-up apart: joined directly,
// the planner cannot tell how few sessions a period holds and reads every session's rows.
const heldFacts = `pd AS (
  SELECT ps.which, d.* FROM ps CROSS JOIN LATERAL (
    SELECT * FROM session_delivery d WHERE d.session_id = ps.id OFFSET 0) d)`

/**
 * For other figures read from the sessions' delivery facts: the common table expressions
 * `bounded` (the periods, as instants), `ps` (the sessions held in each) and `pd` (their facts,
 * with the period's `which`), taking the bounds as $1 to $6.
 */
export const heldSessionFacts = `${periods}, ${held}, ${heldFacts}`

// A part of up to four hours is half a day, a longer one a day, one over several days a day for
// each: programme/rules.ts `halfDaysOf`, summed here so a year's parts are not sent to be added.
const partHalfDays = `CASE WHEN sp.ends_at - sp.starts_at <= interval '4 hours' THEN 1
  WHEN sp.ends_at - sp.starts_at <= interval '24 hours' THEN 2
  ELSE 2 * ceil(extract(epoch FROM sp.ends_at - sp.starts_at) / 86400)::int END`

/**
 * Reads rows for the three periods, reading a period only once when two are the same: a
 * year's period before is the same year a year earlier. The repeated one is read as empty and
 * given the other's rows.
 */
export async function eachPeriodOnce<R extends { which: Which }>(
  bounds: Bounds,
  read: (bounds: Bounds) => Promise<R[]>,
): Promise<R[]> {
  const [start, end] = bounds.lastYear
  if (bounds.previous[0] !== start || bounds.previous[1] !== end) return read(bounds)
  const rows = await read({ ...bounds, lastYear: [start, start] })
  return [
    ...rows.filter((r) => r.which !== 'lastYear'),
    ...rows.filter((r) => r.which === 'previous').map((r) => ({ ...r, which: 'lastYear' as const })),
  ]
}

/**
 * Each period's delivery: sessions held, their places and half days, applications made, and
 * from the sessions' kept facts the places taken, those who came, no-shows, late cancellations
 * and evaluations answered after the course and at follow-up. A year reads a few thousand
 * sessions' rows, never their applications.
 */
export function deliveryTotals(sql: Sql, bounds: Bounds): Promise<DeliveryTotals[]> {
  return eachPeriodOnce(bounds, (once) =>
    sql.query<DeliveryTotals>(
      `WITH ${periods}, ${held},
     facts AS (
       SELECT ps.which, sum(t.taken) AS taken, sum(t.attendees) AS attendees, sum(t.no_shows) AS no_shows,
              sum(t.late_cancellations) AS late, sum(t.after_course) AS after_course, sum(t.follow_up) AS follow_up
         FROM ps JOIN session_delivery_totals t ON t.session_id = ps.id GROUP BY ps.which),
     days AS (
       SELECT ps.which, sum(${partHalfDays}) AS half_days
         FROM ps JOIN session_parts sp ON sp.session_id = ps.id GROUP BY ps.which)
     SELECT p.which,
            (SELECT count(*)::int FROM ps WHERE ps.which = p.which) AS sessions,
            (SELECT coalesce(sum(ps.capacity), 0)::int FROM ps WHERE ps.which = p.which) AS places,
            coalesce(days.half_days, 0)::int AS "halfDays",
            (SELECT count(*)::int FROM applications a WHERE a.applied_at >= p.from_at AND a.applied_at < p.to_at) AS applications,
            (SELECT count(*)::int FROM applications a
              WHERE a.applied_at >= p.from_at AND a.applied_at < p.to_at
                AND EXISTS (SELECT 1 FROM evaluation_responses r WHERE r.application_id = a.id AND r.stage = 'at_booking'))
              AS "atBooking",
            coalesce(f.taken, 0)::int AS taken,
            coalesce(f.attendees, 0)::int AS attendees,
            coalesce(f.no_shows, 0)::int AS "noShows",
            coalesce(f.late, 0)::int AS "lateCancellations",
            coalesce(f.after_course, 0)::int AS "afterCourse",
            coalesce(f.follow_up, 0)::int AS "followUp"
       FROM bounded p LEFT JOIN facts f ON f.which = p.which LEFT JOIN days ON days.which = p.which`,
      boundsValues(once),
    ),
  )
}

type Grouped = Omit<
  DeliveryBreakdowns['agencies'][number],
  'agencyId' | 'agencyName' | 'sector' | 'workforce'
> & {
  byTier: boolean
  agencyId: string | null
  agencyName: string | null
  sector: string | null
  workforce: string | null
  tier: string | null
}

/** The delivery the capacity policy in force at each period's start allows in it, in half days. */
async function capacityOf(sql: Sql, bounds: Bounds): Promise<DeliveryBreakdowns['capacity']> {
  const which: Which[] = ['current', 'previous', 'lastYear']
  const rules = new Map<string, Promise<number>>()
  const daysPerWeek = (on: string) => {
    if (!rules.has(on))
      rules.set(
        on,
        rulesInForceOn(sql, on).then((r) => r.capacityDaysPerWeek),
      )
    return rules.get(on) as Promise<number>
  }
  return Promise.all(
    which.map(async (w) => {
      const [start, end] = bounds[w]
      return { which: w, halfDays: capacityHalfDays({ start, end }, await daysPerWeek(start)) }
    }),
  )
}

/**
 * The sessions held by delivery method and by theme; by agency (with its sector and
 * workforce) the places taken, those who came and the no-shows; those who came by tier; and
 * the capacity each period allows. All from the sessions' kept facts.
 */
export async function deliveryBreakdowns(sql: Sql, bounds: Bounds): Promise<DeliveryBreakdowns> {
  const query = <R extends { which: Which }>(text: string) =>
    eachPeriodOnce(bounds, (once) => sql.query<R>(text, boundsValues(once)))
  const [methods, themes, grouped, capacity] = await Promise.all([
    query<DeliveryBreakdowns['methods'][number]>(
      `WITH ${periods}, ${held}
       SELECT ps.which, c.delivery_method AS method, count(*)::int AS sessions
         FROM ps JOIN courses c ON c.id = ps.course_id GROUP BY ps.which, c.delivery_method`,
    ),
    query<DeliveryBreakdowns['themes'][number]>(
      `WITH ${periods}, ${held}
       SELECT ps.which, coalesce(t.id::text, '') AS "themeId", coalesce(t.name, '') AS theme, count(*)::int AS sessions
         FROM ps LEFT JOIN course_themes ct ON ct.course_id = ps.course_id LEFT JOIN themes t ON t.id = ct.theme_id
        GROUP BY ps.which, t.id, t.name`,
    ),
    // By agency and by tier in one read of the facts.
    query<Grouped>(
      `WITH ${periods}, ${held}, ${heldFacts},
       facts AS (
         SELECT pd.which, pd.agency_id, pd.tier, sum(pd.taken) AS taken, sum(pd.attendees) AS attendees,
                sum(pd.no_shows) AS no_shows, grouping(pd.agency_id) = 1 AS by_tier
           FROM pd GROUP BY GROUPING SETS ((pd.which, pd.agency_id), (pd.which, pd.tier)))
       SELECT f.which, f.by_tier AS "byTier", f.agency_id AS "agencyId", f.tier, ag.name AS "agencyName", ag.sector,
              ag.workforce, f.taken::int AS taken, f.attendees::int AS attendees, f.no_shows::int AS "noShows"
         FROM facts f LEFT JOIN agencies ag ON ag.id = f.agency_id`,
    ),
    capacityOf(sql, bounds),
  ])
  return {
    methods,
    themes,
    agencies: grouped
      .filter((g) => !g.byTier)
      .map(({ byTier: _, tier: __, ...agency }) => agency as DeliveryBreakdowns['agencies'][number]),
    tiers: grouped
      .filter((g) => g.byTier && g.attendees > 0)
      .map((g) => ({ which: g.which, tier: g.tier as string, attendees: g.attendees })),
    capacity,
  }
}
