import type { Sql } from '#platform/db/database.ts'
import type { Question } from './questions.ts'
import type { Stage } from './stages.ts'

/** What the impact view covers: any of a course, session, theme, agency and period of session dates. */
export type ImpactScope = {
  courseId: string | null
  sessionId: string | null
  themeId: string | null
  agencyId: string | null
  from: string | null
  to: string | null
}

// What is in scope, as a condition on sessions s and courses c and the agency column named;
// its parameters are always $1 to $6.
const inScope = (agency: string) => `($1::uuid IS NULL OR c.id = $1) AND ($2::uuid IS NULL OR s.id = $2)
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM course_themes ct WHERE ct.course_id = c.id AND ct.theme_id = $3))
  AND ($4::uuid IS NULL OR ${agency} = $4)
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

export type TotalRow = {
  courseId: string
  stage: Stage
  versionId: string
  /** The question; '' for the responses themselves, ':plan:<outcome>' for follow-up action plans. */
  key: string
  /** The objective's place (from 0) for a confidence question asked per objective. */
  idx: number | null
  total: number
  n: number
}

/**
 * Every answer's sums, by course, stage, version, question and objective: from the totals kept
 * per session as answers arrive (evaluation_totals), so the cost follows the number of
 * sessions, not of answers; for one agency, from that agency's own answers, with the same facts.
 */
export function totals(sql: Sql, scope: ImpactScope): Promise<TotalRow[]> {
  const sums = scope.agencyId
    ? `(SELECT a.session_id, r.stage, r.version_id, f.question_id, f.objective, f.total, f.n
          FROM evaluation_responses r JOIN applications a ON a.id = r.application_id
          CROSS JOIN LATERAL cascade_evaluation_facts(r.answers, r.plan_outcome) f
         WHERE a.agency_id = $4)`
    : 'evaluation_totals'
  return sql.query<TotalRow>(
    `SELECT c.id AS "courseId", t.stage, t.version_id AS "versionId", t.question_id AS key,
            nullif(t.objective, -1) AS idx, sum(t.total)::float8 AS total, sum(t.n)::int AS n
       FROM ${sums} t
       JOIN sessions s ON s.id = t.session_id
       JOIN courses c ON c.id = s.course_id
      WHERE ${inScope('$4')}
      GROUP BY 1, 2, 3, 4, 5
     HAVING sum(t.n) > 0`,
    scopeParams(scope),
  )
}

export type ReachRow = { applications: number; attendees: number; followUpsDue: number }

/** How many could answer each stage: everyone who applied, those the register shows, those sent the follow-up. */
export async function reach(sql: Sql, scope: ImpactScope): Promise<ReachRow> {
  // Counted by joining whole sets rather than probing for each booking.
  return sql.one<ReachRow>(
    `WITH scoped AS (
       SELECT a.id FROM applications a JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
        WHERE ${inScope('a.agency_id')}
     )
     SELECT (SELECT count(*)::int FROM scoped) AS applications,
            (SELECT count(DISTINCT m.application_id)::int FROM attendance m JOIN scoped ON scoped.id = m.application_id
              WHERE m.mark <> 'absent') AS attendees,
            (SELECT count(*)::int FROM evaluation_invitations i JOIN scoped ON scoped.id = i.application_id
              WHERE i.stage = 'follow_up') AS "followUpsDue"`,
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
            r.submitted_at AS "submittedAt"
       FROM evaluation_responses r
       JOIN applications a ON a.id = r.application_id
       JOIN sessions s ON s.id = a.session_id
       JOIN courses c ON c.id = s.course_id
       CROSS JOIN LATERAL jsonb_array_elements_text($7::jsonb -> r.version_id::text) k(key)
      WHERE ${inScope('a.agency_id')} AND coalesce(r.answers ->> k.key, '') <> ''
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
