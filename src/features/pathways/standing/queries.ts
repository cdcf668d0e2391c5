import type { Sql } from '#platform/db/database.ts'

/** A person as their standing needs them: who they are, their agency and their pathway. */
export type PersonFacts = {
  id: string
  name: string
  email: string
  role: string | null
  userId: string | null
  agencyId: string
  agencyName: string
  pathwayId: string | null
  pathwayTitle: string | null
}

export function personFacts(sql: Sql, personId: string): Promise<PersonFacts | undefined> {
  return sql.maybeOne<PersonFacts>(
    `SELECT p.id, p.first_name || ' ' || p.last_name AS name, p.email, p.role, p.user_id AS "userId",
            p.agency_id AS "agencyId", a.name AS "agencyName", p.pathway_id AS "pathwayId", pw.title AS "pathwayTitle"
       FROM people p JOIN agencies a ON a.id = p.agency_id LEFT JOIN pathways pw ON pw.id = p.pathway_id
      WHERE p.id = $1 AND p.merged_into IS NULL`,
    [personId],
  )
}

/** The people a user is in this partnership's directory (one, but for records not yet merged). */
export function peopleOfUser(sql: Sql, userId: string): Promise<{ id: string }[]> {
  return sql.query(
    `SELECT id FROM people WHERE user_id = $1 AND merged_into IS NULL ORDER BY status = 'active' DESC, created_at`,
    [userId],
  )
}

export type RequirementStanding = {
  requirementId: string
  title: string
  required: boolean
  refresherMonths: number | null
  courses: { id: string; title: string }[]
  evidencedOn: string | null
  dueOn: string | null
  evidenceKind: 'certificate' | 'evidence' | null
  evidenceId: string | null
  evidenceTitle: string | null
}

/** Each requirement of the person's pathway, with the evidence that stands for it, if any. */
export function requirementStandings(sql: Sql, personId: string): Promise<RequirementStanding[]> {
  return sql.query<RequirementStanding>(
    `SELECT r.id AS "requirementId", r.title, r.required, r.refresher_months AS "refresherMonths",
            coalesce((SELECT json_agg(json_build_object('id', c.id, 'title', c.title) ORDER BY lower(c.title))
                        FROM pathway_requirement_courses rc JOIN courses c ON c.id = rc.course_id
                       WHERE rc.requirement_id = r.id), '[]'::json) AS courses,
            to_char(rs.evidenced_on, 'YYYY-MM-DD') AS "evidencedOn", to_char(rs.due_on, 'YYYY-MM-DD') AS "dueOn",
            rs.evidence_kind AS "evidenceKind", rs.evidence_id AS "evidenceId", rs.evidence_title AS "evidenceTitle"
       FROM people p JOIN pathway_requirements r ON r.pathway_id = p.pathway_id
       LEFT JOIN requirement_standings rs ON rs.person_id = p.id AND rs.requirement_id = r.id
      WHERE p.id = $1
      ORDER BY r.position`,
    [personId],
  )
}

/** How many people stand in each status, for one agency and pathway. */
export type RollupRow = {
  agencyId: string
  agencyName: string
  sector: string
  pathwayId: string | null
  pathwayTitle: string | null
  current: number
  dueSoon: number
  overdue: number
  notEvidenced: number
  /** People with no pathway set (counted only where pathwayId is null). */
  noPathway: number
}

/**
 * The partnership's people counted by agency, pathway and standing, from what is kept on each
 * person: counted first by ids alone (from the index people_pathway_standing, migration 0048),
 * and only then named, so 60,000 people are one pass over a narrow index.
 */
export function rollup(
  sql: Sql,
  on: {
    partnershipId: string
    today: string
    soon: string
    agencyIds: readonly string[] | null
    pathwayId: string | null
  },
): Promise<RollupRow[]> {
  return sql.query<RollupRow>(
    `WITH counted AS (
       SELECT p.agency_id, p.pathway_id,
              count(*) FILTER (WHERE p.pathway_id IS NOT NULL AND p.pathway_missing = 0
                                 AND (p.pathway_lapses_on IS NULL OR p.pathway_lapses_on > $2))::int AS current,
              count(*) FILTER (WHERE p.pathway_missing = 0 AND p.pathway_lapses_on BETWEEN $1 AND $2)::int AS "dueSoon",
              count(*) FILTER (WHERE p.pathway_missing = 0 AND p.pathway_lapses_on < $1)::int AS overdue,
              count(*) FILTER (WHERE p.pathway_missing > 0)::int AS "notEvidenced",
              count(*) FILTER (WHERE p.pathway_id IS NULL)::int AS "noPathway"
         FROM people p
        WHERE p.partnership_id = $5 AND p.status = 'active' AND p.merged_into IS NULL
          AND ($3::uuid[] IS NULL OR p.agency_id = ANY($3))
          AND ($4::uuid IS NULL OR p.pathway_id = $4)
        GROUP BY p.agency_id, p.pathway_id)
     SELECT c.agency_id AS "agencyId", a.name AS "agencyName", a.sector, c.pathway_id AS "pathwayId",
            pw.title AS "pathwayTitle", c.current, c."dueSoon", c.overdue, c."notEvidenced", c."noPathway"
       FROM counted c JOIN agencies a ON a.id = c.agency_id LEFT JOIN pathways pw ON pw.id = c.pathway_id
      ORDER BY lower(a.name), pw.title NULLS LAST`,
    [on.today, on.soon, on.agencyIds, on.pathwayId, on.partnershipId],
  )
}

export type StaffStanding = {
  personId: string
  name: string
  role: string | null
  pathwayId: string | null
  pathwayTitle: string | null
  missing: number | null
  lapsesOn: string | null
}

/** An agency's current staff with what is kept of their standing, in name order. */
export function staffStandings(
  sql: Sql,
  agencyId: string,
  pathwayId: string | null,
): Promise<StaffStanding[]> {
  return sql.query<StaffStanding>(
    `SELECT p.id AS "personId", p.first_name || ' ' || p.last_name AS name, p.role,
            p.pathway_id AS "pathwayId", pw.title AS "pathwayTitle", p.pathway_missing AS missing,
            to_char(p.pathway_lapses_on, 'YYYY-MM-DD') AS "lapsesOn"
       FROM people p LEFT JOIN pathways pw ON pw.id = p.pathway_id
      WHERE p.agency_id = $1 AND p.status = 'active' AND p.merged_into IS NULL
        AND ($2::uuid IS NULL OR p.pathway_id = $2)
      ORDER BY lower(p.last_name), lower(p.first_name), p.id`,
    [agencyId, pathwayId],
  )
}

/** Sets the pathway of one person. */
export function setPathway(sql: Sql, personId: string, pathwayId: string | null): Promise<unknown> {
  return sql.query('UPDATE people SET pathway_id = $2, updated_at = cascade_now() WHERE id = $1', [
    personId,
    pathwayId,
  ])
}

/** Sets the pathway of an agency's current staff whose role is the one given (any case). */
export function setPathwayByRole(
  sql: Sql,
  agencyId: string,
  role: string,
  pathwayId: string,
): Promise<{ id: string }[]> {
  return sql.query(
    `UPDATE people SET pathway_id = $3, updated_at = cascade_now()
      WHERE agency_id = $1 AND lower(trim(role)) = lower(trim($2)) AND status = 'active' AND merged_into IS NULL
        AND pathway_id IS DISTINCT FROM $3
      RETURNING id`,
    [agencyId, role, pathwayId],
  )
}

/** The roles an agency's current staff hold, with how many hold each: what a lead sets pathways by. */
export function rolesOfAgency(sql: Sql, agencyId: string): Promise<{ role: string; staff: number }[]> {
  return sql.query(
    `SELECT min(trim(role)) AS role, count(*)::int AS staff FROM people
      WHERE agency_id = $1 AND status = 'active' AND merged_into IS NULL AND role IS NOT NULL AND trim(role) <> ''
      GROUP BY lower(trim(role)) ORDER BY 1`,
    [agencyId],
  )
}
