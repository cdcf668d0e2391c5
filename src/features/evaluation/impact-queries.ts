import type { Sql } from '#platform/db/database.ts'
import type { Question } from './questions.ts'
import type { PlanOutcome, Stage } from './stages.ts'

/** What the impact view covers: any of a course, session, theme, agency and period of session dates. */
export type ImpactScope = {
  courseId: string | null
  sessionId: string | null
  themeId: string | null
  agencyId: string | null
  from: string | null
  to: string | null
}

// The bookings in scope, as a condition on applications a, sessions s and courses c; its
// parameters are always $1 to $6.
const inScope = `($1::uuid IS NULL OR c.id = $1) AND ($2::uuid IS NULL OR s.id = $2)
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM course_themes ct WHERE ct.course_id = c.id AND ct.theme_id = $3))
  AND ($4::uuid IS NULL OR a.agency_id = $4)
  AND ($5::date IS NULL OR s.starts_at >= ($5::date::timestamp AT TIME ZONE 'Europe/London'))
  AND ($6::date IS NULL OR s.starts_at < (($6::date + 1)::timestamp AT TIME ZONE 'Europe/London'))`

const scopeParams = (scope: ImpactScope) => [
  scope.courseId,
  scope.sessionId,
  scope.themeId,
  scope.agencyId,
  scope.from,
  scope.to,
]

const scopedResponses = `evaluation_responses r
  JOIN applications a ON a.id = r.application_id
  JOIN sessions s ON s.id = a.session_id
  JOIN courses c ON c.id = s.course_id`

export type ScoreRow = {
  courseId: string
  stage: Stage
  versionId: string
  key: string
  /** The objective's place (from 0) for a confidence question asked per objective. */
  idx: number | null
  total: number
  n: number
}

/** Every numeric answer (scales, and scales per objective) summed by course, stage, version and question. */
export function scoreTotals(sql: Sql, scope: ImpactScope): Promise<ScoreRow[]> {
  return sql.query<ScoreRow>(
    `SELECT c.id AS "courseId", r.stage, r.version_id AS "versionId", e.key, o.idx,
            sum(o.val)::float8 AS total, count(*)::int AS n
       FROM ${scopedResponses}
       CROSS JOIN LATERAL jsonb_each(r.answers) e
       CROSS JOIN LATERAL (
         SELECT NULL::int AS idx, e.value::numeric AS val WHERE jsonb_typeof(e.value) = 'number'
         UNION ALL
         SELECT (x.ord - 1)::int, x.v::numeric FROM jsonb_array_elements(
                  CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value ELSE '[]'::jsonb END) WITH ORDINALITY x(v, ord)
          WHERE jsonb_typeof(x.v) = 'number') o
      WHERE ${inScope}
      GROUP BY 1, 2, 3, 4, 5`,
    scopeParams(scope),
  )
}

export type ReachRow = {
  applications: number
  attendees: number
  followUpsDue: number
  atBooking: number
  afterCourse: number
  followUp: number
}

/** How many could answer each stage, and how many did. */
export async function reach(sql: Sql, scope: ImpactScope): Promise<ReachRow> {
  return sql.one<ReachRow>(
    `WITH scoped AS (
       SELECT a.id FROM applications a JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
        WHERE ${inScope}
     )
     SELECT (SELECT count(*)::int FROM scoped) AS applications,
            (SELECT count(DISTINCT m.application_id)::int FROM attendance m JOIN scoped ON scoped.id = m.application_id
              WHERE m.mark <> 'absent') AS attendees,
            (SELECT count(*)::int FROM evaluation_invitations i JOIN scoped ON scoped.id = i.application_id
              WHERE i.stage = 'follow_up') AS "followUpsDue",
            count(*) FILTER (WHERE r.stage = 'at_booking')::int AS "atBooking",
            count(*) FILTER (WHERE r.stage = 'after_course')::int AS "afterCourse",
            count(*) FILTER (WHERE r.stage = 'follow_up')::int AS "followUp"
       FROM evaluation_responses r JOIN scoped ON scoped.id = r.application_id`,
    scopeParams(scope),
  )
}

/** How many said at the follow-up that they had done what they planned. */
export function planOutcomes(sql: Sql, scope: ImpactScope): Promise<{ outcome: PlanOutcome; n: number }[]> {
  return sql.query(
    `SELECT r.plan_outcome AS outcome, count(*)::int AS n FROM ${scopedResponses}
      WHERE r.stage = 'follow_up' AND r.plan_outcome IS NOT NULL AND ${inScope}
      GROUP BY 1`,
    scopeParams(scope),
  )
}

export type CommentRow = {
  stage: Stage
  versionId: string
  key: string
  text: string
  courseTitle: string
  submittedAt: Date
  total: number
}

/**
 * Free-text answers, newest first. `freeText` names each version's free-text questions, so
 * only those answers are read.
 */
export function comments(
  sql: Sql,
  scope: ImpactScope,
  freeText: Record<string, string[]>,
  limit: number | null,
): Promise<CommentRow[]> {
  return sql.query<CommentRow>(
    `SELECT r.stage, r.version_id AS "versionId", k.key, r.answers ->> k.key AS text, c.title AS "courseTitle",
            r.submitted_at AS "submittedAt", count(*) OVER ()::int AS total
       FROM ${scopedResponses}
       CROSS JOIN LATERAL jsonb_array_elements_text($7::jsonb -> r.version_id::text) k(key)
      WHERE ${inScope} AND coalesce(r.answers ->> k.key, '') <> ''
      ORDER BY r.submitted_at DESC, r.id
      LIMIT $8`,
    [...scopeParams(scope), JSON.stringify(freeText), limit],
  )
}

export type VersionRow = { id: string; questionnaireId: string; title: string; questions: Question[] }

export function versions(sql: Sql): Promise<VersionRow[]> {
  return sql.query<VersionRow>(
    `SELECT v.id, v.questionnaire_id AS "questionnaireId", q.title, v.questions
       FROM questionnaire_versions v JOIN questionnaires q ON q.id = v.questionnaire_id`,
  )
}

export function objectivesOf(sql: Sql, courseIds: readonly string[]) {
  return sql.query<{ id: string; title: string; objectives: string[] }>(
    'SELECT id, title, objectives FROM courses WHERE id = ANY($1::uuid[])',
    [courseIds],
  )
}
