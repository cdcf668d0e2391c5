import type { Sql } from '#platform/db/database.ts'
import type { AuditRating, AuditReturnStatus, Scale } from '../words.ts'

/** Returns whose answers count in the results: submitted ones; a draft's ratings are its own business. */
const counted = `('submitted', 'challenge', 'concluded')`

/** A cycle as its results read it, with the cycle of the same template opened before it, if any. */
export type ResultsCycle = {
  id: string
  title: string
  dueOn: string
  openedOn: string
  closedAt: Date | null
  scale: Scale
  templateTitle: string
  previousCycleId: string | null
  previousTitle: string | null
}

export function resultsCycle(sql: Sql, cycleId: string): Promise<ResultsCycle | undefined> {
  // The previous cycle is the latest of the same template opened before this one in which any
  // return was submitted, whatever version it used: its standards are matched to this one's by
  // ref. A cycle still open with nothing submitted is no basis for a comparison.
  return sql.maybeOne<ResultsCycle>(
    `SELECT c.id, c.title, to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn", to_char(c.opened_on, 'YYYY-MM-DD') AS "openedOn",
            c.closed_at AS "closedAt", v.scale, t.title AS "templateTitle",
            prev.id AS "previousCycleId", prev.title AS "previousTitle"
       FROM audit_cycles c
       JOIN audit_template_versions v ON v.id = c.version_id
       JOIN audit_templates t ON t.id = v.template_id
       LEFT JOIN LATERAL (
         SELECT pc.id, pc.title FROM audit_cycles pc JOIN audit_template_versions pv ON pv.id = pc.version_id
          WHERE pv.template_id = v.template_id AND pc.id <> c.id
            AND (pc.opened_on, pc.created_at) < (c.opened_on, c.created_at)
            AND EXISTS (SELECT 1 FROM audit_returns pr WHERE pr.cycle_id = pc.id AND pr.status IN ${counted})
          ORDER BY pc.opened_on DESC, pc.created_at DESC LIMIT 1) prev ON true
      WHERE c.id = $1`,
    [cycleId],
  )
}

export type ResultsStandard = {
  id: string
  ref: string
  title: string
  sectionId: string
  sectionTitle: string
}

/** The cycle's standards in the template's order, each with its section. */
export function standardsOfCycle(sql: Sql, cycleId: string): Promise<ResultsStandard[]> {
  return sql.query<ResultsStandard>(
    `SELECT s.id, s.ref, s.title, sec.id AS "sectionId", sec.title AS "sectionTitle"
       FROM audit_cycles c JOIN audit_standards s ON s.version_id = c.version_id
       JOIN audit_sections sec ON sec.id = s.section_id
      WHERE c.id = $1 ORDER BY sec.position, s.position`,
    [cycleId],
  )
}

export type ResultsReturn = {
  id: string
  agencyId: string
  agencyName: string
  status: AuditReturnStatus
}

/**
 * The cycle's returns with their agencies, by agency name; only those of `agencyIds` when it is
 * given (an agency lead's own).
 */
export function returnsOfCycle(
  sql: Sql,
  cycleId: string,
  agencyIds: readonly string[] | null,
): Promise<ResultsReturn[]> {
  return sql.query<ResultsReturn>(
    `SELECT r.id, r.agency_id AS "agencyId", ag.name AS "agencyName", r.status
       FROM audit_returns r JOIN agencies ag ON ag.id = r.agency_id
      WHERE r.cycle_id = $1 AND ($2::uuid[] IS NULL OR r.agency_id = ANY($2::uuid[]))
      ORDER BY lower(ag.name), ag.id`,
    [cycleId, agencyIds],
  )
}

/** The final rating of an answer aliased `x`: the challenge event's revision, else the agency's own. */
const finalOf = (x: string) =>
  `CASE WHEN ${x}.resolution = 'revised' THEN ${x}.revised_rating ELSE ${x}.rating END`

export type ResultsCell = {
  agencyId: string
  standardId: string
  rating: AuditRating | null
  finalRating: AuditRating | null
  previousRating: AuditRating | null
  review: 'agreed' | 'challenged' | null
  resolution: 'agreed' | 'revised' | null
}

/**
 * Every answer of the cycle's submitted returns (of `agencyIds` only, when given) beside the
 * same agency's final rating of the standard with the same ref in the previous cycle: one
 * set-based query whatever the number of agencies, so 300 agencies cost no more round trips
 * than three.
 */
export function cellsOfCycle(
  sql: Sql,
  cycleId: string,
  previousCycleId: string | null,
  agencyIds: readonly string[] | null,
): Promise<ResultsCell[]> {
  return sql.query<ResultsCell>(
    `WITH previous AS (
       SELECT pr.agency_id, ps.ref, ${finalOf('pa')} AS rating
         FROM audit_returns pr
         JOIN audit_answers pa ON pa.return_id = pr.id
         JOIN audit_standards ps ON ps.id = pa.standard_id
        WHERE pr.cycle_id = $2 AND pr.status IN ${counted}
          AND ($3::uuid[] IS NULL OR pr.agency_id = ANY($3::uuid[])))
     SELECT r.agency_id AS "agencyId", a.standard_id AS "standardId", a.rating,
            ${finalOf('a')} AS "finalRating", p.rating AS "previousRating", a.review, a.resolution
       FROM audit_returns r
       JOIN audit_answers a ON a.return_id = r.id
       JOIN audit_standards s ON s.id = a.standard_id
       LEFT JOIN previous p ON p.agency_id = r.agency_id AND p.ref = s.ref
      WHERE r.cycle_id = $1 AND r.status IN ${counted}
        AND ($3::uuid[] IS NULL OR r.agency_id = ANY($3::uuid[]))`,
    [cycleId, previousCycleId, agencyIds],
  )
}

/**
 * Per standard, how many agencies' submitted returns end at each final rating: the
 * partnership-wide aggregate every agency may see, counted in the database so an agency
 * lead's request never carries another agency's answers.
 */
export function aggregateOfCycle(
  sql: Sql,
  cycleId: string,
): Promise<{ standardId: string; rating: AuditRating; agencies: number }[]> {
  return sql.query(
    `SELECT a.standard_id AS "standardId", ${finalOf('a')} AS rating, count(*)::int AS agencies
       FROM audit_returns r JOIN audit_answers a ON a.return_id = r.id
      WHERE r.cycle_id = $1 AND r.status IN ${counted} AND ${finalOf('a')} IS NOT NULL
      GROUP BY 1, 2`,
    [cycleId],
  )
}

/** How many of the cycle's returns are at each status, over every agency. */
export function completionOfCycle(
  sql: Sql,
  cycleId: string,
): Promise<{ status: AuditReturnStatus; returns: number }[]> {
  return sql.query(
    `SELECT status, count(*)::int AS returns FROM audit_returns WHERE cycle_id = $1 GROUP BY status`,
    [cycleId],
  )
}
