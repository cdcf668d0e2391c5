import type { Sql } from '#platform/db/database.ts'

/** A member of an agency's staff and their latest training that counts towards compliance. */
export type StaffTraining = {
  personId: string
  name: string
  email: string
  role: string | null
  tier: string | null
  /** The London date the latest counting course ended (YYYY-MM-DD), or null when none is evidenced. */
  trainedOn: string | null
  courseTitle: string | null
}

/**
 * The agency's current staff, each with the latest certificate that counts for them: from a
 * course of their own tier, or from any course when they have no tier. A certificate is the
 * evidence, because it is given only for attending the whole course (and, where asked,
 * evaluating it). The certificates are found person by person from the index, and their
 * sessions and courses joined all at once: a large agency has thousands of staff.
 */
export async function staffTraining(sql: Sql, agencyId: string): Promise<StaffTraining[]> {
  return sql.query<StaffTraining>(
    `WITH staff AS MATERIALIZED (
       SELECT p.id, p.first_name, p.last_name, p.email, p.role, p.tier FROM people p
        WHERE p.agency_id = $1 AND p.status = 'active' AND p.merged_into IS NULL
     ), held AS MATERIALIZED (
       SELECT p.id AS person_id, p.tier, ce.session_id
         FROM staff p CROSS JOIN LATERAL (SELECT session_id FROM certificates WHERE person_id = p.id) ce
     ), latest AS (
       SELECT DISTINCT ON (h.person_id) h.person_id, s.ends_at, c.title
         FROM held h JOIN sessions s ON s.id = h.session_id JOIN courses c ON c.id = s.course_id
        WHERE h.tier IS NULL OR c.tier = h.tier
        ORDER BY h.person_id, s.ends_at DESC
     )
     SELECT p.id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email, p.role, p.tier,
            (l.ends_at AT TIME ZONE 'Europe/London')::date AS "trainedOn", l.title AS "courseTitle"
       FROM staff p LEFT JOIN latest l ON l.person_id = p.id
      ORDER BY lower(p.last_name), lower(p.first_name), p.id`,
    [agencyId],
  )
}
