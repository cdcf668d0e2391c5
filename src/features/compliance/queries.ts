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
 * evaluating it). Which certificate counts is kept on the person as certificates, tiers and
 * sessions change (migration 0025), as a large agency has thousands of staff.
 */
export async function staffTraining(sql: Sql, agencyId: string): Promise<StaffTraining[]> {
  return sql.query<StaffTraining>(
    `SELECT p.id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email, p.role, p.tier,
            p.trained_on AS "trainedOn", c.title AS "courseTitle"
       FROM people p LEFT JOIN courses c ON c.id = p.trained_course_id
      WHERE p.agency_id = $1 AND p.status = 'active' AND p.merged_into IS NULL
      ORDER BY lower(p.last_name), lower(p.first_name), p.id`,
    [agencyId],
  )
}
