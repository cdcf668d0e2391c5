import type { Sql } from '#platform/db/database.ts'
import type { Question } from './questions.ts'
import type { ActionPlan, PlanOutcome, Stage, StageForm } from './stages.ts'
import { planKeys } from './stages.ts'

/**
 * Each booking's questionnaire for a stage, with what decides whether it may be answered.
 * The stage's key is written into the statement and one booking is asked for by equality, so
 * that PostgreSQL plans the statement once per connection: with them as values it judged the
 * one plan dearer than planning afresh, which it then did every time someone applied.
 */
export async function stageForms(
  sql: Sql,
  applicationIds: readonly string[],
  stage: Stage,
): Promise<StageForm[]> {
  if (!applicationIds.length) return []
  const rows = await sql.query<
    Omit<StageForm, 'actionPlans' | 'stage' | 'questions'> & {
      questions: Question[] | null
      earlier: { questions: Question[]; answers: Record<string, unknown> } | null
    }
  >(
    `SELECT a.id AS "applicationId", p.first_name || ' ' || p.last_name AS "personName", p.email AS "personEmail",
            p.user_id AS "userId", a.agency_id AS "agencyId", a.manager_email AS "managerEmail",
            s.id AS "sessionId", c.id AS "courseId", c.title AS "courseTitle", s.starts_at AS "startsAt",
            c.objectives, q.id AS "questionnaireId", q.title, v.id AS "versionId", v.version, v.questions,
            EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent') AS attended,
            EXISTS (SELECT 1 FROM evaluation_responses r WHERE r.application_id = a.id AND r.stage = $2) AS answered,
            (SELECT json_build_object('questions', ev.questions, 'answers', er.answers)
               FROM evaluation_responses er JOIN questionnaire_versions ev ON ev.id = er.version_id
              WHERE er.application_id = a.id AND er.stage = 'after_course') AS earlier
       FROM applications a
       JOIN people p ON p.id = a.person_id
       JOIN sessions s ON s.id = a.session_id
       JOIN courses c ON c.id = s.course_id
       LEFT JOIN questionnaires q ON q.id::text = c.evaluation_plan ->> '${planKeys[stage]}'
       LEFT JOIN LATERAL (SELECT v.id, v.version, v.questions FROM questionnaire_versions v
                           WHERE v.questionnaire_id = q.id ORDER BY v.version DESC LIMIT 1) v ON true
      WHERE ${applicationIds.length === 1 ? 'a.id = $1::uuid' : 'a.id = ANY($1::uuid[])'}`,
    [applicationIds.length === 1 ? applicationIds[0] : applicationIds, stage],
  )
  return rows.map(({ earlier, ...row }) => ({
    ...row,
    stage,
    questions: row.questions ?? [],
    actionPlans: stage === 'follow_up' ? actionPlansOf(earlier) : [],
  }))
}

export async function stageForm(
  sql: Sql,
  applicationId: string,
  stage: Stage,
): Promise<StageForm | undefined> {
  return (await stageForms(sql, [applicationId], stage))[0]
}

/** The action plans in an after-course response, to show back at the follow-up. */
function actionPlansOf(
  earlier: { questions: Question[]; answers: Record<string, unknown> } | null,
): ActionPlan[] {
  if (!earlier) return []
  return earlier.questions.flatMap((q) => {
    const answer = earlier.answers[q.id] as { action?: string; by?: string } | undefined
    return q.kind === 'action_plan' && answer?.action
      ? [{ prompt: q.prompt, action: answer.action, by: answer.by ?? '' }]
      : []
  })
}

export async function saveResponse(
  sql: Sql,
  partnershipId: string,
  form: Pick<StageForm, 'versionId' | 'applicationId' | 'stage'>,
  answers: Record<string, unknown>,
  planOutcome: PlanOutcome | null,
  now: Date,
): Promise<string> {
  const row = await sql.one<{ id: string }>(
    `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers, plan_outcome, submitted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      partnershipId,
      form.versionId,
      form.applicationId,
      form.stage,
      JSON.stringify(answers),
      planOutcome,
      now,
    ],
  )
  return row.id
}

/** The questions a session's course asks when applying, with its objectives; none when its plan asks none. */
export type AtBookingQuestions = { versionId: string; questions: Question[]; objectives: string[] } | null

export async function atBookingQuestions(sql: Sql, sessionId: string): Promise<AtBookingQuestions> {
  const row = await sql.maybeOne<{ versionId: string; questions: Question[]; objectives: string[] }>(
    `SELECT v.id AS "versionId", v.questions, c.objectives
       FROM sessions s JOIN courses c ON c.id = s.course_id
       JOIN questionnaire_versions v ON v.questionnaire_id::text = c.evaluation_plan ->> 'atBooking'
      WHERE s.id = $1 ORDER BY v.version DESC LIMIT 1`,
    [sessionId],
  )
  return row ?? null
}
