import { citedByCourse, citeFromCourse } from '#features/reviews/citations.ts'
import type { Sql } from '#platform/db/database.ts'
import type { CourseFilter, CourseInput, DeliveryMethod, ThemeInput } from './forms.ts'

export type Theme = { id: string; name: string; framework: string | null; archived: boolean }

export type Course = {
  id: string
  title: string
  summary: string
  objectives: string[]
  tier: string | null
  audience: CourseInput['audience']
  deliveryMethod: DeliveryMethod
  durationMinutes: number | null
  themes: string[]
  /** The case-review findings this course answers. */
  findings: string[]
  evaluationPlan: CourseInput['evaluationPlan']
  materials: string
  status: 'draft' | 'published'
  version: number
  updatedAt: Date
}

export type CourseVersion = {
  version: number
  content: Record<string, unknown>
  reason: string | null
  changedBy: string | null
  createdAt: Date
}

const courseColumns = `c.id, c.title, c.summary, c.objectives, c.tier, '{"sectors": []}'::jsonb || c.audience AS audience, c.delivery_method AS "deliveryMethod",
  c.duration_minutes AS "durationMinutes", c.evaluation_plan AS "evaluationPlan", c.materials, c.status, c.version,
  c.updated_at AS "updatedAt",
  coalesce((SELECT array_agg(ct.theme_id ORDER BY ct.theme_id) FROM course_themes ct WHERE ct.course_id = c.id), '{}') AS themes,
  ${citedByCourse}`

export function themesOf(sql: Sql, includeArchived = false): Promise<Theme[]> {
  return sql.query<Theme>(
    `SELECT id, name, framework, archived FROM themes WHERE ($1 OR NOT archived)
      ORDER BY lower(coalesce(framework, '')), lower(name)`,
    [includeArchived],
  )
}

export function insertTheme(sql: Sql, partnershipId: string, theme: ThemeInput): Promise<Theme> {
  return sql.one<Theme>(
    'INSERT INTO themes (partnership_id, name, framework) VALUES ($1, $2, $3) RETURNING id, name, framework, archived',
    [partnershipId, theme.name, theme.framework],
  )
}

export function courseById(sql: Sql, id: string): Promise<Course | undefined> {
  return sql.maybeOne<Course>(`SELECT ${courseColumns} FROM courses c WHERE c.id = $1`, [id])
}

export async function coursesMatching(sql: Sql, filter: CourseFilter) {
  const where = `($1::text IS NULL OR c.title ILIKE '%' || $1 || '%') AND ($2::text IS NULL OR c.status = $2)
    AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM course_themes ct WHERE ct.course_id = c.id AND ct.theme_id = $3))`
  const values = [filter.q || null, filter.status ?? null, filter.themeId ?? null]
  const items = await sql.query<Course>(
    `SELECT ${courseColumns} FROM courses c WHERE ${where} ORDER BY lower(c.title), c.id LIMIT $4 OFFSET $5`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize],
  )
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*)::int AS total FROM courses c WHERE ${where}`,
    values,
  )
  return { items, total }
}

/** Writes a course's content (a new course, or a new version of one) and its themes. */
export async function writeCourse(
  sql: Sql,
  partnershipId: string,
  course: CourseInput,
  existing?: { id: string; version: number },
  now?: Date,
): Promise<string> {
  const values = [
    course.title,
    course.summary,
    JSON.stringify(course.objectives),
    course.tier,
    JSON.stringify(course.audience),
    course.deliveryMethod,
    course.durationMinutes,
    course.evaluationPlan ? JSON.stringify(course.evaluationPlan) : null,
    course.materials,
    course.status,
  ]
  const { id } = existing
    ? await sql.one<{ id: string }>(
        `UPDATE courses SET title = $2, summary = $3, objectives = $4, tier = $5, audience = $6, delivery_method = $7,
           duration_minutes = $8, evaluation_plan = $9, materials = $10, status = $11, version = $12, updated_at = $13
         WHERE id = $1 RETURNING id`,
        [existing.id, ...values, existing.version, now],
      )
    : await sql.one<{ id: string }>(
        `INSERT INTO courses (partnership_id, title, summary, objectives, tier, audience, delivery_method,
           duration_minutes, evaluation_plan, materials, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [partnershipId, ...values],
      )
  await sql.query('DELETE FROM course_themes WHERE course_id = $1 AND NOT (theme_id = ANY($2::uuid[]))', [
    id,
    course.themes,
  ])
  await sql.query(
    `INSERT INTO course_themes (partnership_id, course_id, theme_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, id, course.themes],
  )
  await citeFromCourse(sql, partnershipId, { id, version: existing?.version ?? 1 }, course.findings)
  return id
}

export function recordVersion(
  sql: Sql,
  partnershipId: string,
  course: Course,
  reason: string | null,
  changedBy: string | null,
): Promise<unknown> {
  const { id, version, updatedAt: _updated, ...content } = course
  return sql.query(
    `INSERT INTO course_versions (partnership_id, course_id, version, content, reason, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [partnershipId, id, version, JSON.stringify(content), reason, changedBy],
  )
}

export function versionsOf(sql: Sql, courseId: string): Promise<CourseVersion[]> {
  return sql.query<CourseVersion>(
    `SELECT version, content, reason, changed_by AS "changedBy", created_at AS "createdAt"
       FROM course_versions WHERE course_id = $1 ORDER BY version DESC`,
    [courseId],
  )
}
