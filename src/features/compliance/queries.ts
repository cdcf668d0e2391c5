import type { Sql } from '#platform/db/database.ts'

/** A member of an agency's staff and their latest training that counts towards compliance. */
export type StaffTraining = {
  personId: string
  name: string
  email: string
  role: string | null
  tier: string | null
  /** The London date of the latest counting course or verified evidence (YYYY-MM-DD), or null when none is. */
  trainedOn: string | null
  courseTitle: string | null
}

// The latest training is a course's certificate, or learning from elsewhere a lead verified (migration 0048).
const staffColumns = `p.id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email, p.role, p.tier,
  p.trained_on AS "trainedOn", coalesce(c.title, le.title) AS "courseTitle"`
const currentStaff = `people p LEFT JOIN courses c ON c.id = p.trained_course_id
  LEFT JOIN learning_evidence le ON le.id = p.trained_evidence_id
  WHERE p.agency_id = $1 AND p.status = 'active' AND p.merged_into IS NULL`
// The order of the index people_agency_staff (migration 0036), which holds every column read here.
const nameOrder = 'lower(p.last_name), lower(p.first_name), p.id'

/**
 * The agency's current staff, each with the latest certificate that counts for them: from a
 * course of their own tier, or from any course when they have no tier. A certificate is the
 * evidence, because it is given only for attending the whole course (and, where asked,
 * evaluating it); so is learning from elsewhere once their agency's lead has verified it. Which certificate counts is kept on the person as certificates, tiers and
 * sessions change (migration 0025), as a large agency has thousands of staff.
 */
export async function staffTraining(sql: Sql, agencyId: string): Promise<StaffTraining[]> {
  return sql.query<StaffTraining>(`SELECT ${staffColumns} FROM ${currentStaff} ORDER BY ${nameOrder}`, [
    agencyId,
  ])
}

/**
 * How many of the agency's current staff last trained on each date (or have no training
 * evidenced): the figures of the compliance list, without reading each person.
 */
export function staffByTrainingDate(
  sql: Sql,
  agencyId: string,
): Promise<{ trainedOn: string | null; staff: number }[]> {
  return sql.query(
    `SELECT p.trained_on AS "trainedOn", count(*)::int AS staff FROM people p
      WHERE p.agency_id = $1 AND p.status = 'active' AND p.merged_into IS NULL
      GROUP BY p.trained_on`,
    [agencyId],
  )
}

/**
 * One page of the agency's current staff in name order: everyone, or those who last trained
 * on one of the dates given (and those with no training, when asked).
 */
export function staffTrainingPage(
  sql: Sql,
  agencyId: string,
  trained: { on: readonly string[]; orNone: boolean } | null,
  page: { size: number; from: number },
): Promise<StaffTraining[]> {
  return sql.query<StaffTraining>(
    `SELECT ${staffColumns} FROM ${currentStaff}
        AND ($2::date[] IS NULL OR p.trained_on = ANY($2) OR ($3 AND p.trained_on IS NULL))
      ORDER BY ${nameOrder} LIMIT $4 OFFSET $5`,
    [agencyId, trained?.on ?? null, trained?.orNone ?? false, page.size, page.from],
  )
}
