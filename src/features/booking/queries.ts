import type { Sql } from '#platform/db/database.ts'
import type { ApplicationInput, ApplicationStatus } from './forms.ts'

export type Application = {
  id: string
  sessionId: string
  personId: string
  name: string
  email: string
  agencyId: string
  agencyName: string
  managerName: string | null
  managerEmail: string
  acceptsOtherDates: boolean
  accessNeeds: string | null
  status: ApplicationStatus
  reason: string | null
  waitingPosition: number | null
  /** Held for the agency lead's approval after repeated no-shows. */
  awaitingApproval: boolean
  appliedAt: Date
}

const LIVE = `a.status NOT IN ('cancelled', 'withdrawn')`

const applicationColumns = `a.id, a.session_id AS "sessionId", a.person_id AS "personId",
  p.first_name || ' ' || p.last_name AS name, p.email, a.agency_id AS "agencyId", g.name AS "agencyName",
  a.manager_name AS "managerName", a.manager_email AS "managerEmail", a.accepts_other_dates AS "acceptsOtherDates",
  a.access_needs AS "accessNeeds", a.status, a.reason, a.waiting_position AS "waitingPosition",
  (a.approval_needed_at IS NOT NULL AND a.approved_at IS NULL) AS "awaitingApproval", a.applied_at AS "appliedAt"`
const applicationFrom = `applications a JOIN people p ON p.id = a.person_id JOIN agencies g ON g.id = a.agency_id`

/** A session's applications, oldest first; only those of some agencies when given. */
export function applicationsFor(
  sql: Sql,
  sessionId: string,
  agencyIds: readonly string[] | null,
): Promise<Application[]> {
  return sql.query<Application>(
    `SELECT ${applicationColumns} FROM ${applicationFrom}
      WHERE a.session_id = $1 AND ($2::uuid[] IS NULL OR a.agency_id = ANY($2))
      ORDER BY a.applied_at, a.id`,
    [sessionId, agencyIds],
  )
}

export function applicationById(sql: Sql, id: string): Promise<Application | undefined> {
  return sql.maybeOne<Application>(`SELECT ${applicationColumns} FROM ${applicationFrom} WHERE a.id = $1`, [
    id,
  ])
}

/** A signed-in user's own live application for a session, if they have one. */
export function liveApplicationOfUser(
  sql: Sql,
  sessionId: string,
  userId: string,
): Promise<Application | undefined> {
  return sql.maybeOne<Application>(
    `SELECT ${applicationColumns} FROM ${applicationFrom} WHERE a.session_id = $1 AND p.user_id = $2 AND ${LIVE}`,
    [sessionId, userId],
  )
}

/** How many live applications each session has. */
export async function liveApplicationCounts(
  sql: Sql,
  sessionIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await sql.query<{ sessionId: string; n: number }>(
    `SELECT a.session_id AS "sessionId", count(*)::int AS n FROM applications a
      WHERE a.session_id = ANY($1::uuid[]) AND ${LIVE} GROUP BY a.session_id`,
    [sessionIds],
  )
  return new Map(rows.map((r) => [r.sessionId, r.n]))
}

export type Applicant = {
  id: string
  name: string
  email: string
  agencyId: string
  userId: string | null
  /** Registered themselves and not yet confirmed by their agency's lead. */
  pending: boolean
  /**
   * The course of another live application of theirs at the same time as the session they
   * are applying for, if any: applying twice at once is refused. Null when no session was named.
   */
  clashesWith: string | null
}

/**
 * The course of a person's live application, other than for session `except`, whose session
 * shares a moment with session `session`. Worked out in the database: a person who has applied
 * for many dates would otherwise bring every one of them, with its parts, to every check.
 */
const clashSql = (person: string, session: string, except: string) =>
  `SELECT c.title FROM applications a JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
    WHERE a.person_id = ${person} AND ${LIVE} AND s.status <> 'cancelled' AND a.session_id <> ${except}
      AND EXISTS (SELECT 1 FROM session_parts x JOIN session_parts y ON x.starts_at < y.ends_at AND y.starts_at < x.ends_at
                   WHERE x.session_id = a.session_id AND y.session_id = ${session})
    ORDER BY s.starts_at, c.title LIMIT 1`

/**
 * The course of another live application of the person's at the same time as session
 * `session`, leaving out their application for session `except` (the one being moved).
 */
export async function clashingCourse(
  sql: Sql,
  personId: string,
  session: string,
  except: string,
): Promise<string | null> {
  const row = await sql.maybeOne<{ title: string }>(clashSql('$1', '$2', '$3'), [personId, session, except])
  return row?.title ?? null
}

/** Whether the person has a live application (or place) for the session. */
export async function hasLiveApplication(sql: Sql, personId: string, sessionId: string): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 FROM applications a WHERE a.person_id = $1 AND a.session_id = $2 AND ${LIVE}`,
    [personId, sessionId],
  )
  return rows.length > 0
}

/**
 * A live person who may apply: active, or registered and waiting for their agency's lead, whose
 * application is held (not given a place) until the lead confirms them. Given the session they
 * are applying for, whether they have applied for another at the same time comes in the same
 * round trip: applying checks it every time.
 */
export async function applicantById(
  sql: Sql,
  id: string,
  sessionId?: string,
): Promise<Applicant | undefined> {
  return applicantWhere(sql, 'p.id = $1', id, sessionId)
}

/** The applicant a signed-in user is, applying for themselves to a session. */
export async function applicantByUser(
  sql: Sql,
  userId: string,
  sessionId: string,
): Promise<Applicant | undefined> {
  return applicantWhere(sql, 'p.user_id = $1', userId, sessionId)
}

function applicantWhere(
  sql: Sql,
  where: string,
  value: string,
  sessionId: string | undefined,
): Promise<Applicant | undefined> {
  const clash = sessionId ? `(${clashSql('p.id', '$2', '$2')})` : 'NULL::text'
  return sql.maybeOne<Applicant>(
    `SELECT p.id, p.first_name || ' ' || p.last_name AS name, p.email, p.agency_id AS "agencyId",
            p.user_id AS "userId", p.status = 'pending' AS pending, ${clash} AS "clashesWith"
       FROM people p WHERE ${where} AND p.merged_into IS NULL AND p.status IN ('active', 'pending')`,
    sessionId ? [value, sessionId] : [value],
  )
}

export async function insertApplication(
  sql: Sql,
  partnershipId: string,
  application: ApplicationInput & {
    id?: string
    sessionId: string
    agencyId: string
    appliedBy: string | null
  },
): Promise<Application> {
  // The new application comes back whole, as applicationById reads it, in the same round trip.
  // Its id may be chosen by the caller, to send statements about it along with this one.
  return sql.one<Application>(
    `WITH a AS (
       INSERT INTO applications (id, partnership_id, session_id, person_id, agency_id, manager_name, manager_email,
         accepts_other_dates, access_needs, applied_by)
       VALUES (coalesce($10::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *
     )
     SELECT ${applicationColumns} FROM a JOIN people p ON p.id = a.person_id JOIN agencies g ON g.id = a.agency_id`,
    [
      partnershipId,
      application.sessionId,
      application.personId,
      application.agencyId,
      application.managerName,
      application.managerEmail,
      application.acceptsOtherDates,
      application.accessNeeds,
      application.appliedBy,
      application.id ?? null,
    ],
  )
}

/**
 * Ends every live application of a cancelled session, with no charge, and returns who held
 * them (and their managers) to tell.
 */
export function endApplicationsOfCancelled(
  sql: Sql,
  sessionId: string,
  now: Date,
): Promise<{ name: string; email: string; managerEmail: string; status: ApplicationStatus }[]> {
  return sql.query(
    `WITH live AS (SELECT a.id, a.person_id, a.manager_email, a.status FROM applications a
                    WHERE a.session_id = $1 AND ${LIVE}),
          ended AS (UPDATE applications SET status = 'cancelled', reason = 'The session was cancelled',
                           waiting_position = NULL, updated_at = $2
                      FROM live WHERE applications.id = live.id
                    RETURNING live.person_id, live.manager_email, live.status)
     SELECT p.first_name || ' ' || p.last_name AS name, p.email, e.manager_email AS "managerEmail", e.status
       FROM ended e JOIN people p ON p.id = e.person_id ORDER BY p.last_name, p.first_name`,
    [sessionId, now],
  )
}

/** A rejected registrant's applications were held, never given a place: they end without charge. */
export async function withdrawHeldApplications(sql: Sql, personId: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE applications a SET status = 'withdrawn', reason = 'their registration was not confirmed',
            waiting_position = NULL, ended_at = $2, updated_at = $2
      WHERE person_id = $1 AND ${LIVE}`,
    [personId, now],
  )
}
