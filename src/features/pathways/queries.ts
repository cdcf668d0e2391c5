import type { Sql } from '#platform/db/database.ts'
import type { Tree } from './finder/tree.ts'
import type { RequirementInput } from './forms.ts'

export type RequirementCourse = { id: string; title: string; tier: string | null }

export type Requirement = {
  id: string
  position: number
  title: string
  required: boolean
  refresherMonths: number | null
  courses: RequirementCourse[]
}

export type Pathway = {
  id: string
  title: string
  audience: string
  summary: string | null
  status: 'active' | 'retired'
  requirements: Requirement[]
  /** How many current people have it as their pathway. */
  people: number
}

const pathwayColumns = `pw.id, pw.title, pw.audience, pw.summary, pw.status,
  coalesce((SELECT json_agg(json_build_object(
      'id', r.id, 'position', r.position, 'title', r.title, 'required', r.required,
      'refresherMonths', r.refresher_months,
      'courses', coalesce((SELECT json_agg(json_build_object('id', c.id, 'title', c.title, 'tier', c.tier) ORDER BY lower(c.title))
                             FROM pathway_requirement_courses rc JOIN courses c ON c.id = rc.course_id
                            WHERE rc.requirement_id = r.id), '[]'::json)) ORDER BY r.position)
     FROM pathway_requirements r WHERE r.pathway_id = pw.id), '[]'::json) AS requirements,
  (SELECT count(*)::int FROM people p WHERE p.pathway_id = pw.id AND p.status = 'active' AND p.merged_into IS NULL) AS people`

export function pathways(sql: Sql): Promise<Pathway[]> {
  return sql.query<Pathway>(`SELECT ${pathwayColumns} FROM pathways pw ORDER BY pw.status, lower(pw.title)`)
}

export function pathwayById(sql: Sql, id: string): Promise<Pathway | undefined> {
  return sql.maybeOne<Pathway>(`SELECT ${pathwayColumns} FROM pathways pw WHERE pw.id = $1`, [id])
}

export function pathwayTitleTaken(sql: Sql, title: string, except: string | null): Promise<boolean> {
  return sql
    .maybeOne('SELECT 1 FROM pathways WHERE lower(title) = lower($1) AND id IS DISTINCT FROM $2', [
      title,
      except,
    ])
    .then(Boolean)
}

export function insertPathway(
  sql: Sql,
  partnershipId: string,
  row: { title: string; audience: string; summary: string | null; status: string; createdBy: string | null },
): Promise<{ id: string }> {
  return sql.one(
    `INSERT INTO pathways (partnership_id, title, audience, summary, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [partnershipId, row.title, row.audience, row.summary, row.status, row.createdBy],
  )
}

export function updatePathway(
  sql: Sql,
  id: string,
  row: { title: string; audience: string; summary: string | null; status: string },
): Promise<unknown> {
  return sql.query(
    `UPDATE pathways SET title = $2, audience = $3, summary = $4, status = $5, updated_at = cascade_now()
      WHERE id = $1`,
    [id, row.title, row.audience, row.summary, row.status],
  )
}

/**
 * Makes a pathway's requirements those given, in order: one with an id keeps it (and the
 * evidence recorded against it), one without is added, and one not given is removed.
 */
export async function replaceRequirements(
  sql: Sql,
  partnershipId: string,
  pathwayId: string,
  requirements: readonly RequirementInput[],
): Promise<void> {
  const kept = requirements.flatMap((r) => (r.id ? [r.id] : []))
  await sql.query('DELETE FROM pathway_requirements WHERE pathway_id = $1 AND NOT (id = ANY($2::uuid[]))', [
    pathwayId,
    kept,
  ])
  for (const [i, r] of requirements.entries()) {
    const { id } = r.id
      ? await sql.one<{ id: string }>(
          `UPDATE pathway_requirements SET position = $3, title = $4, required = $5, refresher_months = $6
            WHERE id = $1 AND pathway_id = $2 RETURNING id`,
          [r.id, pathwayId, i + 1, r.title, r.required, r.refresherMonths],
        )
      : await sql.one<{ id: string }>(
          `INSERT INTO pathway_requirements (partnership_id, pathway_id, position, title, required, refresher_months)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [partnershipId, pathwayId, i + 1, r.title, r.required, r.refresherMonths],
        )
    await sql.query(
      'DELETE FROM pathway_requirement_courses WHERE requirement_id = $1 AND NOT (course_id = ANY($2::uuid[]))',
      [id, r.courseIds],
    )
    await sql.query(
      `INSERT INTO pathway_requirement_courses (partnership_id, requirement_id, course_id)
       SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [partnershipId, id, r.courseIds],
    )
  }
}

/** Which of the ids are the partnership's courses. */
export function coursesFound(sql: Sql, ids: readonly string[]): Promise<{ id: string }[]> {
  return sql.query('SELECT id FROM courses WHERE id = ANY($1::uuid[])', [ids])
}

/** Which of the ids are requirements of the pathway. */
export function requirementsOf(sql: Sql, pathwayId: string): Promise<{ id: string }[]> {
  return sql.query('SELECT id FROM pathway_requirements WHERE pathway_id = $1', [pathwayId])
}

export function finderTree(sql: Sql): Promise<Tree | undefined> {
  return sql.maybeOne<{ tree: Tree }>('SELECT tree FROM pathway_finders').then((row) => row?.tree)
}

export function saveFinderTree(
  sql: Sql,
  partnershipId: string,
  tree: Tree,
  by: string | null,
): Promise<unknown> {
  return sql.query(
    `INSERT INTO pathway_finders (partnership_id, tree, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (partnership_id) DO UPDATE SET tree = $2, updated_by = $3, updated_at = cascade_now()`,
    [partnershipId, JSON.stringify(tree), by],
  )
}

/** Which of the courses are published: the ones the public catalogue shows and may link to. */
export function publishedCourseIds(sql: Sql, ids: readonly string[]): Promise<{ id: string }[]> {
  return sql.query("SELECT id FROM courses WHERE id = ANY($1::uuid[]) AND status = 'published'", [ids])
}

export function activePathwayIds(sql: Sql): Promise<{ id: string }[]> {
  return sql.query("SELECT id FROM pathways WHERE status = 'active'")
}

export type NextDate = {
  courseId: string
  sessionId: string
  startsAt: Date
  format: string
  placesLeft: number | null
}

/** The next open sessions of each course, up to three a course, soonest first. */
export function nextDates(sql: Sql, courseIds: readonly string[]): Promise<NextDate[]> {
  return sql.query<NextDate>(
    `SELECT course_id AS "courseId", id AS "sessionId", starts_at AS "startsAt", format, NULL::int AS "placesLeft"
       FROM (SELECT s.*, row_number() OVER (PARTITION BY s.course_id ORDER BY s.starts_at) AS n
               FROM sessions s JOIN courses c ON c.id = s.course_id AND c.status = 'published'
              WHERE s.course_id = ANY($1::uuid[]) AND s.status IN ('open', 'shortlisted', 'full')
                AND s.starts_at > cascade_now()) s
      WHERE n <= 3 ORDER BY starts_at`,
    [courseIds],
  )
}
