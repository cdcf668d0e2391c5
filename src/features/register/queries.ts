import type { AgencyCategory } from '#features/directory/agency.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Mark } from './rules.ts'

/** A booked person on the register, with their marks so far. */
export type RegisterRow = {
  applicationId: string
  personId: string
  name: string
  email: string
  managerEmail: string
  agencyId: string
  agencyName: string
  category: AgencyCategory
  saferProgrammeMember: boolean
  marks: { part: number; mark: Mark }[]
}

const rowColumns = `a.id AS "applicationId", a.person_id AS "personId", p.first_name || ' ' || p.last_name AS name,
  p.email, a.manager_email AS "managerEmail", a.agency_id AS "agencyId", g.name AS "agencyName", g.category,
  g.safer_programme_member AS "saferProgrammeMember",
  (SELECT coalesce(json_agg(json_build_object('part', m.part, 'mark', m.mark) ORDER BY m.part), '[]')
     FROM attendance m WHERE m.application_id = a.id) AS marks`
const rowFrom = `applications a JOIN people p ON p.id = a.person_id JOIN agencies g ON g.id = a.agency_id`

/** Everyone with a confirmed place on a session, by name. */
export function registerOf(sql: Sql, sessionId: string): Promise<RegisterRow[]> {
  return sql.query<RegisterRow>(
    `SELECT ${rowColumns} FROM ${rowFrom}
      WHERE a.session_id = $1 AND a.status = 'confirmed' ORDER BY p.last_name, p.first_name, a.id`,
    [sessionId],
  )
}

export function registerRow(sql: Sql, applicationId: string): Promise<RegisterRow | undefined> {
  return sql.maybeOne<RegisterRow>(`SELECT ${rowColumns} FROM ${rowFrom} WHERE a.id = $1`, [applicationId])
}

/** A person's confirmed place on a session, if they have one. */
export async function placeOf(sql: Sql, sessionId: string, personId: string): Promise<string | undefined> {
  const row = await sql.maybeOne<{ id: string }>(
    `SELECT id FROM applications WHERE session_id = $1 AND person_id = $2 AND status = 'confirmed'`,
    [sessionId, personId],
  )
  return row?.id
}

/** Whether the signed-in user trains on the session. */
export async function trainsOn(sql: Sql, sessionId: string, userId: string | null): Promise<boolean> {
  if (!userId) return false
  const row = await sql.maybeOne(
    `SELECT 1 FROM session_trainers t JOIN people p ON p.id = t.person_id WHERE t.session_id = $1 AND p.user_id = $2`,
    [sessionId, userId],
  )
  return row !== undefined
}

/** Writes a mark, replacing any earlier one for the part, and returns the earlier one. */
export async function writeMark(
  sql: Sql,
  mark: {
    partnershipId: string
    sessionId: string
    applicationId: string
    part: number
    mark: Mark
    reason: string | null
    by: string | null
    now: Date
  },
): Promise<Mark | null> {
  const row = await sql.one<{ previous: Mark | null }>(
    `WITH old AS (SELECT mark FROM attendance WHERE application_id = $3 AND part = $4)
     INSERT INTO attendance (partnership_id, session_id, application_id, part, mark, correction_reason, marked_by, marked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (application_id, part) DO UPDATE SET mark = excluded.mark,
       correction_reason = excluded.correction_reason, marked_by = excluded.marked_by, marked_at = excluded.marked_at
     RETURNING (SELECT mark FROM old) AS previous`,
    [
      mark.partnershipId,
      mark.sessionId,
      mark.applicationId,
      mark.part,
      mark.mark,
      mark.reason,
      mark.by,
      mark.now,
    ],
  )
  return row.previous
}

export async function previousMark(sql: Sql, applicationId: string, part: number): Promise<Mark | null> {
  const row = await sql.maybeOne<{ mark: Mark }>(
    'SELECT mark FROM attendance WHERE application_id = $1 AND part = $2',
    [applicationId, part],
  )
  return row?.mark ?? null
}

/** Whether the person has completed the course's after-course evaluation for this booking. */
export async function evaluatedAfterCourse(sql: Sql, applicationId: string): Promise<boolean> {
  const row = await sql.maybeOne(
    `SELECT 1 FROM evaluation_completions WHERE application_id = $1 AND stage = 'after_course'`,
    [applicationId],
  )
  return row !== undefined
}

/** Marks that the person has been told why they get no certificate; true only the first time. */
export async function markToldNoCertificate(sql: Sql, applicationId: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE applications SET no_certificate_told_at = $2 WHERE id = $1 AND no_certificate_told_at IS NULL RETURNING id`,
    [applicationId, now],
  )
  return rows.length > 0
}
