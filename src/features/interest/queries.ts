import type { Sql } from '#platform/db/database.ts'
import type { InterestInput } from './forms.ts'

export type InterestRequest = {
  id: string
  name: string
  email: string
  createdAt: Date
  invitedAt: Date | null
  invitedSessionStartsAt: Date | null
}

/** An invitation just claimed: who to tell, about which course and which session. */
export type Invitation = {
  id: string
  name: string
  email: string
  courseId: string
  courseTitle: string
  sessionId: string
  startsAt: Date
}

/** A course the public may register interest in: one that is published. */
export function publishedCourse(sql: Sql, id: string) {
  return sql.maybeOne<{ id: string; title: string }>(
    `SELECT id, title FROM courses WHERE id = $1 AND status = 'published'`,
    [id],
  )
}

/** The directory's record of a signed-in user, if they have one in this partnership. */
export async function personOfUser(sql: Sql, userId: string): Promise<string | null> {
  const row = await sql.maybeOne<{ id: string }>(
    'SELECT id FROM people WHERE user_id = $1 AND merged_into IS NULL ORDER BY created_at DESC LIMIT 1',
    [userId],
  )
  return row?.id ?? null
}

/** Adds a request unless the address already waits for this course: then nothing changes. */
export function insertInterest(
  sql: Sql,
  row: InterestInput & { partnershipId: string; courseId: string; personId: string | null },
) {
  return sql.query(
    `INSERT INTO course_interests (partnership_id, course_id, name, email, person_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (course_id, lower(email)) WHERE invited_at IS NULL DO NOTHING`,
    [row.partnershipId, row.courseId, row.name, row.email, row.personId],
  )
}

export async function waitingCount(sql: Sql, courseId: string): Promise<number> {
  const row = await sql.one<{ n: number }>(
    'SELECT count(*)::int AS n FROM course_interests WHERE course_id = $1 AND invited_at IS NULL',
    [courseId],
  )
  return row.n
}

/** Every request for a course: those waiting first, oldest first, then those invited. */
export function interestsIn(sql: Sql, courseId: string): Promise<InterestRequest[]> {
  return sql.query<InterestRequest>(
    `SELECT i.id, i.name, i.email, i.created_at AS "createdAt", i.invited_at AS "invitedAt",
            s.starts_at AS "invitedSessionStartsAt"
       FROM course_interests i LEFT JOIN sessions s ON s.id = i.invited_session_id
      WHERE i.course_id = $1
      ORDER BY (i.invited_at IS NOT NULL), i.created_at, lower(i.name), i.id`,
    [courseId],
  )
}

/**
 * Claims up to `limit` waiting requests whose published course now has an upcoming session
 * open for applications, marking each invited to the earliest such session, in one
 * statement. Rows another worker holds are skipped, and a row it has just marked no longer
 * matches, so two workers never claim the same request.
 */
export function claimInvitations(sql: Sql, now: Date, limit: number): Promise<Invitation[]> {
  return sql.query<Invitation>(
    `WITH due AS (
       SELECT i.id, c.title, s.id AS session_id, s.starts_at
         FROM course_interests i
         JOIN courses c ON c.id = i.course_id AND c.status = 'published'
         JOIN LATERAL (
           SELECT s.id, s.starts_at FROM sessions s
            WHERE s.course_id = i.course_id AND s.status = 'open' AND s.starts_at > $1
            ORDER BY s.starts_at, s.id LIMIT 1) s ON true
        WHERE i.invited_at IS NULL
        ORDER BY i.created_at, i.id
        LIMIT $2
        FOR UPDATE OF i SKIP LOCKED)
     UPDATE course_interests i SET invited_at = $1, invited_session_id = due.session_id
       FROM due
      WHERE i.id = due.id AND i.invited_at IS NULL
     RETURNING i.id, i.name, i.email, i.course_id AS "courseId", due.title AS "courseTitle",
               due.session_id AS "sessionId", due.starts_at AS "startsAt"`,
    [now, limit],
  )
}
