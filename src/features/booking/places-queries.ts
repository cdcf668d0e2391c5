import type { AgencyCategory } from '#features/directory/agency.ts'
import type { Sql } from '#platform/db/database.ts'
import type { ApplicationStatus } from './forms.ts'

/** An application with what changing its place needs: the person, their agency's charging category. */
export type PlaceHolder = {
  id: string
  sessionId: string
  personId: string
  name: string
  email: string
  userId: string | null
  agencyId: string
  category: AgencyCategory
  saferProgrammeMember: boolean
  managerName: string | null
  managerEmail: string
  status: ApplicationStatus
  offerExpiresAt: Date | null
}

const placeHolderQuery = `SELECT a.id, a.session_id AS "sessionId", a.person_id AS "personId",
    p.first_name || ' ' || p.last_name AS name, p.email, p.user_id AS "userId", a.agency_id AS "agencyId", g.category,
    g.safer_programme_member AS "saferProgrammeMember", a.manager_name AS "managerName",
    a.manager_email AS "managerEmail", a.status, a.offer_expires_at AS "offerExpiresAt"
  FROM applications a JOIN people p ON p.id = a.person_id JOIN agencies g ON g.id = a.agency_id
  WHERE a.id = $1`

/** Reads an application to show it. */
export function placeHolderById(sql: Sql, id: string): Promise<PlaceHolder | undefined> {
  return sql.maybeOne<PlaceHolder>(placeHolderQuery, [id])
}

/** Reads an application and locks it until the transaction ends, so two changes to it queue. */
export function lockApplication(sql: Sql, id: string): Promise<PlaceHolder | undefined> {
  return sql.maybeOne<PlaceHolder>(`${placeHolderQuery} FOR UPDATE OF a`, [id])
}

/**
 * Locks the session an application is for, found by the application, and gives its id: sent
 * first of a change's statements, so the session's lock is taken before the application's.
 */
export async function lockSessionOfApplication(sql: Sql, applicationId: string): Promise<string | undefined> {
  const row = await sql.maybeOne<{ id: string }>(
    `SELECT s.id FROM sessions s
      WHERE s.id = (SELECT a.session_id FROM applications a WHERE a.id = $1) FOR UPDATE OF s`,
    [applicationId],
  )
  return row?.id
}

export async function placesTaken(
  sql: Sql,
  sessionId: string,
): Promise<{ confirmed: number; offered: number }> {
  return sql.one(
    `SELECT count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed,
            count(*) FILTER (WHERE status = 'offered')::int AS offered
       FROM applications WHERE session_id = $1`,
    [sessionId],
  )
}

/** Ends an application: a place cancelled, or an application withdrawn, recorded with who, when and what they wrote. */
export async function endApplication(
  sql: Sql,
  id: string,
  change: {
    status: 'cancelled' | 'withdrawn'
    reason: string
    by: string | null
    note: string | null
    now: Date
  },
): Promise<void> {
  await sql.query(
    `UPDATE applications SET status = $2, reason = $3, ended_at = $5, ended_by = $4, ended_note = $6,
            waiting_position = NULL, offer_expires_at = NULL, updated_at = $5
      WHERE id = $1`,
    [id, change.status, change.reason, change.by, change.now, change.note],
  )
}

export async function confirmPlace(sql: Sql, id: string, reason: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE applications SET status = 'confirmed', confirmed_at = $3, reason = $2, offer_expires_at = NULL,
            waiting_position = NULL, updated_at = $3
      WHERE id = $1`,
    [id, reason, now],
  )
}

export async function offerPlace(
  sql: Sql,
  id: string,
  reason: string,
  expiresAt: Date,
  now: Date,
): Promise<void> {
  await sql.query(
    `UPDATE applications SET status = 'offered', offer_expires_at = $3, reason = $2, waiting_position = NULL,
            updated_at = $4
      WHERE id = $1`,
    [id, reason, expiresAt, now],
  )
}

/** A session's waiting list in order, with whether each person may be offered a place yet. */
export function waitingList(sql: Sql, sessionId: string) {
  return sql.query<{ id: string; held: boolean; waitingPosition: number | null }>(
    `SELECT a.id, (p.status <> 'active' OR (a.approval_needed_at IS NOT NULL AND a.approved_at IS NULL)) AS held,
            a.waiting_position AS "waitingPosition"
       FROM applications a JOIN people p ON p.id = a.person_id
      WHERE a.session_id = $1 AND a.status = 'waiting'
      ORDER BY a.waiting_position NULLS LAST, a.applied_at, a.id`,
    [sessionId],
  )
}

/** Confirmed places of sessions starting within the reminder window that have not been reminded. */
export function dueReminders(sql: Sql, now: Date, until: Date) {
  return sql.query<{ id: string; sessionId: string }>(
    `SELECT a.id, a.session_id AS "sessionId" FROM applications a JOIN sessions s ON s.id = a.session_id
      WHERE a.status = 'confirmed' AND a.reminded_at IS NULL AND s.status <> 'cancelled'
        AND s.starts_at > $1 AND s.starts_at <= $2
      ORDER BY s.starts_at
      FOR UPDATE OF a SKIP LOCKED`,
    [now, until],
  )
}

export function lapsedOffers(sql: Sql, now: Date) {
  return sql.query<{ id: string; sessionId: string }>(
    `SELECT id, session_id AS "sessionId" FROM applications
      WHERE status = 'offered' AND offer_expires_at <= $1 ORDER BY offer_expires_at`,
    [now],
  )
}

export async function insertSubstitute(
  sql: Sql,
  partnershipId: string,
  booking: {
    sessionId: string
    personId: string
    agencyId: string
    managerEmail: string
    managerName: string | null
    replaces: string
    reason: string
    by: string | null
  },
  now: Date,
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_name, manager_email,
       status, reason, confirmed_at, substitute_for, applied_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'confirmed', $7, $8, $9, $10) RETURNING id`,
    [
      partnershipId,
      booking.sessionId,
      booking.personId,
      booking.agencyId,
      booking.managerName,
      booking.managerEmail,
      booking.reason,
      now,
      booking.replaces,
      booking.by,
    ],
  )
  return id
}

/** Shortlisted sessions yet to start with a free place and someone waiting who could be offered it. */
export async function sessionsWithUnclaimedPlaces(sql: Sql, now: Date): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT s.id FROM sessions s
      WHERE s.status = 'shortlisted' AND s.starts_at > $1
        AND s.capacity > (SELECT count(*) FROM applications a
                           WHERE a.session_id = s.id AND a.status IN ('confirmed', 'offered'))
        AND EXISTS (SELECT 1 FROM applications w JOIN people p ON p.id = w.person_id
                     WHERE w.session_id = s.id AND w.status = 'waiting' AND p.status = 'active'
                       AND (w.approval_needed_at IS NULL OR w.approved_at IS NOT NULL))
      ORDER BY s.starts_at LIMIT 100`,
    [now],
  )
  return rows.map((r) => r.id)
}
