import type { Sql } from '#platform/db/database.ts'

/** A certificate with what it says, to show, download or verify. */
export type Certificate = {
  id: string
  code: string
  applicationId: string
  personId: string
  personName: string
  courseTitle: string
  objectives: string[]
  durationMinutes: number | null
  startsAt: Date
  parts: { startsAt: string; endsAt: string }[]
  issuedAt: Date
}

const columns = `c.id, c.code, c.application_id AS "applicationId", c.person_id AS "personId",
  p.first_name || ' ' || p.last_name AS "personName", co.title AS "courseTitle", co.objectives,
  co.duration_minutes AS "durationMinutes", s.starts_at AS "startsAt",
  (SELECT json_agg(json_build_object('startsAt', sp.starts_at, 'endsAt', sp.ends_at) ORDER BY sp.starts_at)
     FROM session_parts sp WHERE sp.session_id = s.id) AS parts,
  c.issued_at AS "issuedAt"`
const from = `certificates c JOIN people p ON p.id = c.person_id JOIN sessions s ON s.id = c.session_id
  JOIN courses co ON co.id = s.course_id`

export function certificatesOfPerson(sql: Sql, personId: string): Promise<Certificate[]> {
  return sql.query<Certificate>(
    `SELECT ${columns} FROM ${from} WHERE c.person_id = $1 ORDER BY s.starts_at DESC`,
    [personId],
  )
}

export function certificatesByIds(sql: Sql, ids: readonly string[]): Promise<Certificate[]> {
  return sql.query<Certificate>(`SELECT ${columns} FROM ${from} WHERE c.id = ANY($1::uuid[])`, [ids])
}

export function certificateById(sql: Sql, id: string): Promise<Certificate | undefined> {
  return sql.maybeOne<Certificate>(`SELECT ${columns} FROM ${from} WHERE c.id = $1`, [id])
}

export type Verification = {
  code: string
  partnership: string
  person: string
  course: string
  deliveredOn: string
  issuedAt: Date
}

/** What a certificate says, found by its code from any scope (see certificate_by_code). */
export function verifyCode(sql: Sql, code: string): Promise<Verification | undefined> {
  return sql.maybeOne<Verification>(
    `SELECT code, partnership, person, course, to_char(delivered_on, 'YYYY-MM-DD') AS "deliveredOn",
            issued_at AS "issuedAt"
       FROM certificate_by_code($1)`,
    [code],
  )
}
