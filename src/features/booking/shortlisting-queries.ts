import type { Session } from '#features/sessions/queries.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Candidate, Holder } from './allocation.ts'

export type CandidateRow = Candidate & { held: boolean }

/**
 * Everyone to consider for a session's places: its own live, undecided applications, and
 * those left waiting at an earlier date of the same course who said another date would do
 * (and have no application for this one). Each comes with the facts the aims need.
 */
export function candidatesFor(sql: Sql, session: Pick<Session, 'id' | 'courseId'>, now: Date) {
  return sql.query<CandidateRow>(
    `SELECT a.id, a.agency_id AS "agencyId", g.name AS "agencyName", g.sector,
            (c.tier IS NOT NULL AND p.tier = c.tier) AS required,
            (a.missed_at IS NOT NULL OR EXISTS (
               SELECT 1 FROM applications e JOIN sessions es ON es.id = e.session_id
                WHERE e.person_id = a.person_id AND es.course_id = $2 AND e.missed_at IS NOT NULL AND e.id <> a.id
            )) AS "missedEarlier",
            EXISTS (
              SELECT 1 FROM applications d JOIN sessions ds ON ds.id = d.session_id
               WHERE d.person_id = a.person_id AND ds.course_id = $2 AND d.status = 'confirmed'
                 AND ds.ends_at < $3 AND d.id <> a.id
            ) AS "doneBefore",
            (a.session_id <> $1) AS "otherDate",
            (p.status = 'pending') AS held
       FROM applications a
       JOIN people p ON p.id = a.person_id
       JOIN agencies g ON g.id = a.agency_id
       JOIN courses c ON c.id = $2
      WHERE (a.session_id = $1 AND a.status IN ('applied', 'allocated', 'waiting'))
         OR (a.status = 'waiting' AND a.accepts_other_dates AND p.status = 'active'
             AND a.session_id IN (SELECT id FROM sessions
                                   WHERE course_id = $2 AND id <> $1 AND status = 'shortlisted' AND starts_at > $3)
             AND NOT EXISTS (SELECT 1 FROM applications x
                              WHERE x.session_id = $1 AND x.person_id = a.person_id
                                AND x.status NOT IN ('cancelled', 'withdrawn')))`,
    [session.id, session.courseId, now],
  )
}

/** Who already holds a place (or has one offered) on a session, for the aims to count. */
export function holdersOf(sql: Sql, sessionId: string): Promise<(Holder & { status: string })[]> {
  return sql.query(
    `SELECT a.agency_id AS "agencyId", g.sector, a.status FROM applications a JOIN agencies g ON g.id = a.agency_id
      WHERE a.session_id = $1 AND a.status IN ('confirmed', 'offered')`,
    [sessionId],
  )
}

/** Locks a session's row: everything that changes who holds its places queues behind it. */
export async function lockSession(sql: Sql, sessionId: string): Promise<void> {
  await sql.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [sessionId])
}

/** Writes decisions in one statement; an application from another date moves to this session. */
export async function writeDecisions(
  sql: Sql,
  sessionId: string,
  decisions: {
    id: string
    status: 'allocated' | 'waiting' | 'applied'
    reason: string
    position: number | null
  }[],
  now: Date,
): Promise<void> {
  if (!decisions.length) return
  await sql.query(
    `UPDATE applications a
        SET status = d.status, reason = d.reason, waiting_position = d.position, session_id = $1, updated_at = $2
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::int[]) AS d(id, status, reason, position)
      WHERE a.id = d.id`,
    [
      sessionId,
      now,
      decisions.map((d) => d.id),
      decisions.map((d) => d.status),
      decisions.map((d) => d.reason),
      decisions.map((d) => d.position),
    ],
  )
}

export async function recordProposal(sql: Sql, sessionId: string, seed: number, now: Date): Promise<void> {
  await sql.query(
    `UPDATE sessions SET shortlist_seed = $2, shortlist_proposed_at = $3, waiting_list_reordered_at = NULL,
            updated_at = $3 WHERE id = $1`,
    [sessionId, seed, now],
  )
}

/**
 * Confirms a proposal: the allocated take their places, and those left waiting are marked as
 * missed, which gives them priority at the course's next shortlisting. Returns who to tell.
 */
export async function confirmProposal(
  sql: Sql,
  sessionId: string,
  by: string | null,
  now: Date,
): Promise<
  {
    id: string
    personId: string
    name: string
    email: string
    managerEmail: string
    status: string
    waitingPosition: number | null
  }[]
> {
  await sql.query(
    `UPDATE sessions SET status = 'shortlisted', shortlisted_at = $2, shortlisted_by = $3, updated_at = $2
      WHERE id = $1`,
    [sessionId, now, by],
  )
  return sql.query(
    `WITH decided AS (
       UPDATE applications SET
              status = CASE WHEN status = 'allocated' THEN 'confirmed' ELSE 'waiting' END,
              confirmed_at = CASE WHEN status = 'allocated' THEN $2::timestamptz END,
              missed_at = CASE WHEN status = 'allocated' THEN missed_at ELSE $2::timestamptz END,
              updated_at = $2
        WHERE session_id = $1 AND status IN ('allocated', 'waiting', 'applied')
       RETURNING id, person_id, manager_email, status, waiting_position)
     SELECT d.id, d.person_id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email,
            d.manager_email AS "managerEmail", d.status, d.waiting_position AS "waitingPosition"
       FROM decided d JOIN people p ON p.id = d.person_id
      ORDER BY d.status, d.waiting_position`,
    [sessionId, now],
  )
}

/** Other open dates of the course, for those without a place to consider. */
export function otherDates(sql: Sql, session: Pick<Session, 'id' | 'courseId'>, now: Date) {
  return sql.query<{ id: string; startsAt: Date }>(
    `SELECT id, starts_at AS "startsAt" FROM sessions
      WHERE course_id = $1 AND id <> $2 AND status = 'open' AND starts_at > $3 ORDER BY starts_at LIMIT 5`,
    [session.courseId, session.id, now],
  )
}

/** Renumbers a session's waiting list 1..n in the given order; each reason's position follows. */
export async function renumberWaiting(sql: Sql, ids: string[], reasons: (string | null)[] | null, now: Date) {
  if (!ids.length) return
  await sql.query(
    `UPDATE applications a SET waiting_position = d.position,
            reason = regexp_replace(coalesce(d.reason, a.reason), '^waiting list \\d+', 'waiting list ' || d.position),
            updated_at = $1
       FROM unnest($2::uuid[], $3::int[], $4::text[]) AS d(id, position, reason)
      WHERE a.id = d.id`,
    [now, ids, ids.map((_, i) => i + 1), reasons ?? ids.map(() => null)],
  )
}
