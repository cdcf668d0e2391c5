import type { Sql } from '#platform/db/database.ts'
import type { SessionFilter, SessionStatus } from './forms.ts'
import type { Part } from './rules.ts'

export type Venue = {
  name: string
  address: string
  room?: string | null
  accessNotes?: string | null
  instructions?: string | null
}

export type Session = {
  id: string
  courseId: string
  courseTitle: string
  startsAt: Date
  endsAt: Date
  parts: Part[]
  capacity: number
  minimumPlaces: number | null
  format: 'in_person' | 'online'
  venue: Venue | null
  joiningUrl: string | null
  status: SessionStatus
  trainers: { personId: string; name: string; email: string }[]
  cancellationReason: string | null
  cancelledAt: Date | null
  /** When an admin chose to run the session below its minimum places. */
  belowMinimumConfirmedAt: Date | null
  /** When places were last proposed, and the seed of that allocation's random draw. */
  shortlistProposedAt: Date | null
  shortlistSeed: number | null
  /** When an admin confirmed the allocation. */
  shortlistedAt: Date | null
  waitingListReorderedAt: Date | null
}

const sessionColumns = `s.id, s.course_id AS "courseId", c.title AS "courseTitle", s.starts_at AS "startsAt",
  s.ends_at AS "endsAt", s.capacity, s.minimum_places AS "minimumPlaces", s.format, s.venue,
  s.joining_url AS "joiningUrl", s.status, s.cancellation_reason AS "cancellationReason",
  s.cancelled_at AS "cancelledAt", s.below_minimum_confirmed_at AS "belowMinimumConfirmedAt",
  s.shortlist_proposed_at AS "shortlistProposedAt", s.shortlist_seed::int8::float8 AS "shortlistSeed",
  s.shortlisted_at AS "shortlistedAt", s.waiting_list_reordered_at AS "waitingListReorderedAt",
  (SELECT coalesce(json_agg(json_build_object('personId', p.id, 'name', p.first_name || ' ' || p.last_name,
     'email', p.email) ORDER BY p.last_name, p.first_name), '[]')
     FROM session_trainers t JOIN people p ON p.id = t.person_id WHERE t.session_id = s.id) AS trainers,
  (SELECT json_agg(json_build_object('startsAt', p.starts_at, 'endsAt', p.ends_at) ORDER BY p.starts_at)
     FROM session_parts p WHERE p.session_id = s.id) AS parts`

type Row = Omit<Session, 'parts'> & { parts: { startsAt: string; endsAt: string }[] | null }

const withParts = (row: Row): Session => ({
  ...row,
  parts: (row.parts ?? []).map((p) => ({ startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) })),
})

export async function sessionById(sql: Sql, id: string): Promise<Session | undefined> {
  const row = await sql.maybeOne<Row>(
    `SELECT ${sessionColumns} FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
    [id],
  )
  return row && withParts(row)
}

/** The session an application is for, read by the application: with it, not after it. */
export async function sessionByApplication(sql: Sql, applicationId: string): Promise<Session | undefined> {
  const row = await sql.maybeOne<Row>(
    `SELECT ${sessionColumns} FROM applications a JOIN sessions s ON s.id = a.session_id
       JOIN courses c ON c.id = s.course_id WHERE a.id = $1`,
    [applicationId],
  )
  return row && withParts(row)
}

export async function sessionsMatching(sql: Sql, filter: SessionFilter) {
  const where = `($1::uuid IS NULL OR s.course_id = $1) AND ($2::date IS NULL OR s.ends_at >= $2::date)
    AND ($3::text IS NULL OR s.status = $3)`
  const values = [filter.courseId ?? null, filter.from ?? null, filter.status ?? null]
  const rows = await sql.query<Row>(
    `SELECT ${sessionColumns} FROM sessions s JOIN courses c ON c.id = s.course_id WHERE ${where}
      ORDER BY s.starts_at, s.id LIMIT $4 OFFSET $5`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize],
  )
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*)::int AS total FROM sessions s WHERE ${where}`,
    values,
  )
  return { items: rows.map(withParts), total }
}

/** Other live sessions in the same room of the same venue, with their parts, to check for clashes. */
export async function sessionsInRoom(sql: Sql, venue: Venue, exceptId: string | null): Promise<Session[]> {
  const rows = await sql.query<Row>(
    `SELECT ${sessionColumns} FROM sessions s JOIN courses c ON c.id = s.course_id
      WHERE s.format = 'in_person' AND s.status <> 'cancelled' AND ($3::uuid IS NULL OR s.id <> $3)
        AND lower(s.venue ->> 'name') = lower($1) AND lower(coalesce(s.venue ->> 'room', '')) = lower($2)`,
    [venue.name, venue.room ?? '', exceptId],
  )
  return rows.map(withParts)
}

export type SessionRow = {
  courseId: string
  parts: Part[]
  capacity: number
  minimumPlaces: number | null
  format: 'in_person' | 'online'
  venue: Venue | null
  joiningUrl: string | null
  status: SessionStatus
  trainers: string[]
  cancellationReason: string | null
  cancelledAt: Date | null
}

/** Writes a session, and replaces its parts and trainers when they changed. */
export async function writeSession(
  sql: Sql,
  partnershipId: string,
  session: SessionRow,
  existing?: { id: string; partsChanged: boolean; trainersChanged: boolean },
  now?: Date,
): Promise<string> {
  const first = session.parts[0]
  const last = session.parts.at(-1)
  if (!first || !last) throw new Error('A session needs a part')
  const values = [
    session.format,
    session.venue ? JSON.stringify(session.venue) : null,
    session.joiningUrl,
    session.capacity,
    session.minimumPlaces,
    session.status,
    first.startsAt,
    last.endsAt,
    session.cancellationReason,
    session.cancelledAt,
  ]
  const { id } = existing
    ? await sql.one<{ id: string }>(
        `UPDATE sessions SET format = $2, venue = $3, joining_url = $4, capacity = $5, minimum_places = $6, status = $7,
           starts_at = $8, ends_at = $9, cancellation_reason = $10, cancelled_at = $11, updated_at = $12
         WHERE id = $1 RETURNING id`,
        [existing.id, ...values, now],
      )
    : await sql.one<{ id: string }>(
        `INSERT INTO sessions (partnership_id, course_id, format, venue, joining_url, capacity, minimum_places, status,
           starts_at, ends_at, cancellation_reason, cancelled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [partnershipId, session.courseId, ...values],
      )
  if (!existing || existing.partsChanged) {
    if (existing) await sql.query('DELETE FROM session_parts WHERE session_id = $1', [id])
    await sql.query(
      `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
       SELECT $1, $2, unnest($3::timestamptz[]), unnest($4::timestamptz[])`,
      [partnershipId, id, session.parts.map((p) => p.startsAt), session.parts.map((p) => p.endsAt)],
    )
  }
  if (!existing || existing.trainersChanged) {
    if (existing) await sql.query('DELETE FROM session_trainers WHERE session_id = $1', [id])
    await sql.query(
      `INSERT INTO session_trainers (partnership_id, session_id, person_id) SELECT $1, $2, unnest($3::uuid[])`,
      [partnershipId, id, session.trainers],
    )
  }
  return id
}

/** Records an admin's choice to run a session below its minimum places. */
export async function confirmBelowMinimum(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query('UPDATE sessions SET below_minimum_confirmed_at = $2, updated_at = $2 WHERE id = $1', [
    id,
    now,
  ])
}

/**
 * Open sessions with a minimum of places, starting by `startingBy` (now plus the lead time,
 * so their applications have closed), that no admin has yet chosen to run.
 */
export async function openSessionsWithMinimum(sql: Sql, startingBy: Date): Promise<Session[]> {
  const rows = await sql.query<Row>(
    `SELECT ${sessionColumns} FROM sessions s JOIN courses c ON c.id = s.course_id
      WHERE s.status = 'open' AND s.minimum_places IS NOT NULL AND s.below_minimum_confirmed_at IS NULL
        AND s.starts_at <= $1
      ORDER BY s.starts_at`,
    [startingBy],
  )
  return rows.map(withParts)
}
