import type { Session } from '#features/sessions/queries.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Candidate, Holder } from './allocation.ts'

/** Why someone cannot be given a place yet: their registration or their lead's approval is awaited. */
export type HeldFor = 'registration' | 'approval'

export type CandidateRow = Candidate & { sessionId: string; heldFor: HeldFor | null }

/** What shortlisting needs of a session. */
export type ShortlistTarget = Pick<Session, 'id' | 'courseId' | 'capacity' | 'startsAt'>

/**
 * Everyone to consider for the places of some sessions, each row naming the session it is
 * considered for: each session's own live, undecided applications, and those left waiting
 * at an earlier date of the same course who said another date would do (and have no
 * application for this one). Each comes with the facts the aims need.
 */
export function candidatesFor(sql: Sql, sessions: readonly ShortlistTarget[], now: Date) {
  // Two arms rather than one OR, so each finds its rows by index.
  return sql.query<CandidateRow>(
    `WITH targets AS (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS t(id, course_id)),
     pool AS (
       SELECT t.id AS target, a.id FROM targets t
         JOIN applications a ON a.session_id = t.id AND a.status IN ('applied', 'allocated', 'waiting')
       UNION ALL
       SELECT t.id, a.id FROM targets t
         JOIN sessions o ON o.course_id = t.course_id AND o.id <> t.id AND o.status = 'shortlisted' AND o.starts_at > $3
         JOIN applications a ON a.session_id = o.id AND a.status = 'waiting' AND a.accepts_other_dates
        WHERE NOT EXISTS (SELECT 1 FROM applications x
                           WHERE x.session_id = t.id AND x.person_id = a.person_id
                             AND x.status NOT IN ('cancelled', 'withdrawn')))
     SELECT pool.target AS "sessionId", a.id, a.agency_id AS "agencyId", g.name AS "agencyName", g.sector,
            (c.tier IS NOT NULL AND p.tier = c.tier) AS required,
            (a.missed_at IS NOT NULL OR EXISTS (
               SELECT 1 FROM applications e JOIN sessions es ON es.id = e.session_id
                WHERE e.person_id = a.person_id AND e.missed_at IS NOT NULL AND e.id <> a.id
                  AND es.course_id = t.course_id
            )) AS "missedEarlier",
            EXISTS (
              SELECT 1 FROM applications d JOIN sessions ds ON ds.id = d.session_id
               WHERE d.person_id = a.person_id AND d.status = 'confirmed' AND d.id <> a.id
                 AND ds.course_id = t.course_id AND ds.ends_at < $3
            ) AS "doneBefore",
            (a.session_id <> pool.target) AS "otherDate",
            CASE WHEN p.status = 'pending' THEN 'registration'
                 WHEN a.approval_needed_at IS NOT NULL AND a.approved_at IS NULL THEN 'approval' END AS "heldFor"
       FROM pool
       JOIN targets t ON t.id = pool.target
       JOIN applications a ON a.id = pool.id
       JOIN people p ON p.id = a.person_id
       JOIN agencies g ON g.id = a.agency_id
       JOIN courses c ON c.id = t.course_id
      WHERE a.session_id = pool.target OR p.status = 'active'`,
    [sessions.map((s) => s.id), sessions.map((s) => s.courseId), now],
  )
}

/**
 * Open sessions whose applications have closed (they start within the lead time) and whose
 * places have not been proposed yet, soonest first: what the scheduled shortlisting takes up,
 * and what an admin's home page counts while it waits.
 */
export function sessionsClosedUnallocated(
  sql: Sql,
  now: Date,
  closedBy: Date,
): Promise<{ id: string; courseTitle: string; startsAt: Date }[]> {
  return sql.query(
    `SELECT s.id, c.title AS "courseTitle", s.starts_at AS "startsAt"
       FROM sessions s JOIN courses c ON c.id = s.course_id
      WHERE s.status = 'open' AND s.shortlist_proposed_at IS NULL AND s.starts_at > $1 AND s.starts_at <= $2
      ORDER BY s.starts_at, s.id`,
    [now, closedBy],
  )
}

/** Who already holds a place (or has one offered) on some sessions, for the aims to count. */
export function holdersOf(
  sql: Sql,
  sessionIds: readonly string[],
): Promise<(Holder & { sessionId: string; status: string })[]> {
  return sql.query(
    `SELECT a.session_id AS "sessionId", a.agency_id AS "agencyId", g.sector, a.status
       FROM applications a JOIN agencies g ON g.id = a.agency_id
      WHERE a.session_id = ANY($1::uuid[]) AND a.status IN ('confirmed', 'offered')`,
    [sessionIds],
  )
}

/**
 * Locks the sessions still waiting for an allocation among those given, starting by a time,
 * and returns them in date order: the scheduled shortlisting takes them a batch at a time.
 */
export function lockUnallocated(sql: Sql, ids: readonly string[], now: Date): Promise<ShortlistTarget[]> {
  return sql.query(
    `SELECT id, course_id AS "courseId", capacity, starts_at AS "startsAt" FROM sessions
      WHERE id = ANY($1::uuid[]) AND status = 'open' AND shortlist_proposed_at IS NULL AND shortlisted_at IS NULL
        AND starts_at > $2
      ORDER BY starts_at, id FOR UPDATE`,
    [ids, now],
  )
}

/** Locks a session's row: everything that changes who holds its places queues behind it. */
export async function lockSession(sql: Sql, sessionId: string): Promise<void> {
  await sql.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [sessionId])
}

/** Writes decisions in one statement; an application from another date moves to the session it is decided for. */
export async function writeDecisions(
  sql: Sql,
  decisions: {
    id: string
    sessionId: string
    status: 'allocated' | 'waiting' | 'applied'
    reason: string
    position: number | null
  }[],
  now: Date,
): Promise<void> {
  if (!decisions.length) return
  await sql.query(
    `UPDATE applications a
        SET status = d.status, reason = d.reason, waiting_position = d.position, session_id = d.session_id,
            updated_at = $1
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[]) AS d(id, session_id, status, reason, position)
      WHERE a.id = d.id`,
    [
      now,
      decisions.map((d) => d.id),
      decisions.map((d) => d.sessionId),
      decisions.map((d) => d.status),
      decisions.map((d) => d.reason),
      decisions.map((d) => d.position),
    ],
  )
}

export async function recordProposals(sql: Sql, proposals: { id: string; seed: number }[], now: Date) {
  if (!proposals.length) return
  await sql.query(
    `UPDATE sessions s SET shortlist_seed = d.seed, shortlist_proposed_at = $1, waiting_list_reordered_at = NULL,
            updated_at = $1
       FROM unnest($2::uuid[], $3::bigint[]) AS d(id, seed) WHERE s.id = d.id`,
    [now, proposals.map((p) => p.id), proposals.map((p) => p.seed)],
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
