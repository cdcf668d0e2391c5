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

export function registerRows(sql: Sql, applicationIds: readonly string[]): Promise<RegisterRow[]> {
  return sql.query<RegisterRow>(`SELECT ${rowColumns} FROM ${rowFrom} WHERE a.id = ANY($1::uuid[])`, [
    applicationIds,
  ])
}

/** The confirmed places on a session of some people: person to booking. */
export async function placesOf(
  sql: Sql,
  sessionId: string,
  personIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; personId: string }>(
    `SELECT id, person_id AS "personId" FROM applications
      WHERE session_id = $1 AND person_id = ANY($2::uuid[]) AND status = 'confirmed'`,
    [sessionId, personIds],
  )
  return new Map(rows.map((r) => [r.personId, r.id]))
}

/** How many confirmed places on a session still lack a mark for one of its parts. */
export async function unmarkedPlaces(sql: Sql, sessionId: string, parts: number): Promise<number> {
  const row = await sql.one<{ count: number }>(
    `SELECT count(*)::int AS count FROM applications a
      WHERE a.session_id = $1 AND a.status = 'confirmed'
        AND (SELECT count(*) FROM attendance m WHERE m.application_id = a.id) < $2`,
    [sessionId, parts],
  )
  return row.count
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

/** The marks already taken for some bookings, keyed "booking:part". */
export async function marksOf(sql: Sql, applicationIds: readonly string[]): Promise<Map<string, Mark>> {
  const rows = await sql.query<{ applicationId: string; part: number; mark: Mark }>(
    `SELECT application_id AS "applicationId", part, mark FROM attendance WHERE application_id = ANY($1::uuid[])`,
    [applicationIds],
  )
  return new Map(rows.map((r) => [`${r.applicationId}:${r.part}`, r.mark]))
}

/** Writes marks, each replacing any earlier one for its booking and part (the audit trail keeps both). */
export async function writeMarks(
  sql: Sql,
  context: { partnershipId: string; sessionId: string; by: string | null; now: Date },
  marks: readonly { applicationId: string; part: number; mark: Mark; reason: string | null }[],
): Promise<void> {
  if (!marks.length) return
  await sql.query(
    `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark, correction_reason, marked_by, marked_at)
     SELECT $1, $2, m.application_id, m.part, m.mark, m.reason, $3, $4
       FROM unnest($5::uuid[], $6::int[], $7::text[], $8::text[]) AS m(application_id, part, mark, reason)
     ON CONFLICT (application_id, part) DO UPDATE SET mark = excluded.mark,
       correction_reason = excluded.correction_reason, marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
    [
      context.partnershipId,
      context.sessionId,
      context.by,
      context.now,
      marks.map((m) => m.applicationId),
      marks.map((m) => m.part),
      marks.map((m) => m.mark),
      marks.map((m) => m.reason),
    ],
  )
}
