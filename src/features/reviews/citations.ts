import type { Context } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { ValidationError } from '#platform/errors.ts'
import { visibleReviewsSql } from './visibility.ts'

/**
 * Citing findings: a course (in the version that cites them) or a training needs request
 * names the case-review findings it answers. Only findings the actor may see can be cited or
 * shown, so an unpublished review's learning never leaks through a course page.
 */

/** A finding as a form offers it and a page lists it. */
export type CitableFinding = {
  id: string
  text: string
  reviewId: string
  reviewReference: string
  reviewTitle: string
}

const findingColumns = `f.id, f.text, r.id AS "reviewId", r.reference AS "reviewReference", r.title AS "reviewTitle"`

/** The findings the actor may cite, by review, newest review first. */
export function citableFindings(sql: Sql, ctx: Context): Promise<CitableFinding[]> {
  const visible = visibleReviewsSql(ctx, 'r', 1)
  return sql.query<CitableFinding>(
    `SELECT ${findingColumns} FROM findings f JOIN reviews r ON r.id = f.review_id
      WHERE ${visible.where} ORDER BY r.notified_on DESC, r.reference, f.created_at, f.id`,
    visible.values,
  )
}

/** Of these findings, the ones the actor may see, in the order of their reviews. */
export function visibleFindings(sql: Sql, ctx: Context, ids: readonly string[]): Promise<CitableFinding[]> {
  if (!ids.length) return Promise.resolve([])
  const visible = visibleReviewsSql(ctx, 'r', 2)
  return sql.query<CitableFinding>(
    `SELECT ${findingColumns} FROM findings f JOIN reviews r ON r.id = f.review_id
      WHERE f.id = ANY($1::uuid[]) AND ${visible.where}
      ORDER BY r.notified_on DESC, r.reference, f.created_at, f.id`,
    [ids, ...visible.values],
  )
}

/** Refuses a citation of a finding that is not the partnership's or that the actor may not see. */
export async function checkCitable(sql: Sql, ctx: Context, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)]
  if (!unique.length) return
  const found = await visibleFindings(sql, ctx, unique)
  if (found.length !== unique.length)
    throw new ValidationError([
      { field: 'findings', text: 'Select findings from the list of case review findings' },
    ])
}

/**
 * Makes a course cite exactly these findings. A finding it already cited keeps the version
 * and the moment it was first cited, which is when "trained since" counts from.
 */
export async function citeFromCourse(
  sql: Sql,
  partnershipId: string,
  course: { id: string; version: number },
  findingIds: readonly string[],
): Promise<void> {
  await sql.query('DELETE FROM course_findings WHERE course_id = $1 AND NOT (finding_id = ANY($2::uuid[]))', [
    course.id,
    findingIds,
  ])
  await sql.query(
    `INSERT INTO course_findings (partnership_id, course_id, finding_id, course_version)
     SELECT $1, $2, unnest($3::uuid[]), $4 ON CONFLICT DO NOTHING`,
    [partnershipId, course.id, findingIds, course.version],
  )
}

/** A training needs request cites the findings it asks learning for. */
export function citeFromNeed(
  sql: Sql,
  partnershipId: string,
  needId: string,
  findingIds: readonly string[],
): Promise<unknown> {
  return sql.query(
    `INSERT INTO need_findings (partnership_id, need_id, finding_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, needId, findingIds],
  )
}

/** The SQL for the ids of the findings a course (aliased `c`) or a need (aliased `n`) cites. */
export const citedByCourse = `coalesce((SELECT array_agg(cf.finding_id ORDER BY cf.finding_id) FROM course_findings cf
  WHERE cf.course_id = c.id), '{}') AS findings`
export const citedByNeed = `coalesce((SELECT array_agg(nf.finding_id ORDER BY nf.finding_id) FROM need_findings nf
  WHERE nf.need_id = n.id), '{}') AS findings`
