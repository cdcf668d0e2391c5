import { newToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { isCalendarDate } from '#platform/http/forms.ts'
import type { Question } from './questions.ts'
import { answerProblems } from './questions.ts'

export const audiences = [
  'children_and_young_people',
  'families',
  'adults_at_risk',
  'stakeholders',
  'learning_needs',
  'practitioners',
] as const
export type Audience = (typeof audiences)[number]
export const audienceNames: Record<Audience, string> = {
  children_and_young_people: 'Children and young people',
  families: 'Parents, carers and families',
  adults_at_risk: 'Adults at risk',
  stakeholders: 'Stakeholder consultation',
  learning_needs: 'Learning needs',
  practitioners: 'Practitioners (beside an agency’s safeguarding audit)',
}

/**
 * A new survey row with its unguessable link, in the caller's transaction: for a feature that
 * opens surveys as part of something larger (an audit cycle's practitioner surveys).
 */
export async function insertSurvey(
  sql: Sql,
  partnershipId: string,
  input: {
    questionnaireId: string
    title: string
    audience: Audience
    closesOn: string
    createdBy: string | null
  },
): Promise<string> {
  const row = await sql.one<{ id: string }>(
    `INSERT INTO surveys (partnership_id, questionnaire_id, title, audience, code, closes_on, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      partnershipId,
      input.questionnaireId,
      input.title,
      input.audience,
      newToken().slice(0, 22),
      input.closesOn,
      input.createdBy,
    ],
  )
  return row.id
}

export type Survey = {
  id: string
  title: string
  audience: Audience
  code: string
  closesOn: string
  questionnaireId: string
  questionnaireTitle: string
  responses: number
}

export type OpenSurvey = {
  title: string
  audience: Audience
  closesOn: string
  closed: boolean
  versionId: string
  questions: Question[]
  partnershipName: string
}

const surveyColumns = `s.id, s.title, s.audience, s.code, to_char(s.closes_on, 'YYYY-MM-DD') AS "closesOn",
  s.questionnaire_id AS "questionnaireId", q.title AS "questionnaireTitle",
  (SELECT count(*)::int FROM survey_responses r WHERE r.survey_id = s.id) AS responses`

/**
 * Anonymous surveys: a public link anyone may answer without signing in. Nothing about who
 * answered is kept: no person, user, session, address or exact time, only the day, and no
 * audit row (which would carry the request); the answers can never be changed.
 */
export function createSurveyService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  /** The partnership a public link belongs to, found without signing in. */
  async function partnershipOf(code: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(code)) return undefined
    const row = await db.anonymous({}, (sql) =>
      sql.maybeOne<{ id: string | null }>('SELECT survey_partnership($1) AS id', [code]),
    )
    return row?.id ?? undefined
  }

  // No user, request or actor: the answer cannot be traced to a visit.
  const anonymousScope = (partnershipId: string) => ({ partnershipId, userId: null, actor: 'anonymous' })

  type Found = OpenSurvey & { id: string; partnershipId: string; questionnaireId: string }
  /** The survey behind a link; under a partnership's address, only that partnership's. */
  async function open(code: string, slug?: string): Promise<Found | undefined> {
    const partnershipId = await partnershipOf(code)
    if (!partnershipId) return undefined
    return db.tenant(anonymousScope(partnershipId), async (sql) => {
      const survey = await sql.maybeOne<Found>(
        `SELECT s.id, s.partnership_id AS "partnershipId", s.questionnaire_id AS "questionnaireId", s.title, s.audience, to_char(s.closes_on, 'YYYY-MM-DD') AS "closesOn",
                s.closes_on < ($2::timestamptz AT TIME ZONE 'Europe/London')::date AS closed,
                v.id AS "versionId", v.questions, pa.name AS "partnershipName"
           FROM surveys s
           JOIN partnerships pa ON pa.id = s.partnership_id
           JOIN LATERAL (SELECT v.id, v.questions FROM questionnaire_versions v
                          WHERE v.questionnaire_id = s.questionnaire_id ORDER BY v.version DESC LIMIT 1) v ON true
          WHERE s.code = $1 AND ($3::text IS NULL OR pa.slug = $3)`,
        [code, clock.now(), slug ?? null],
      )
      return survey ?? undefined
    })
  }

  return {
    async list(ctx: Context): Promise<Survey[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<Survey>(
          `SELECT ${surveyColumns} FROM surveys s JOIN questionnaires q ON q.id = s.questionnaire_id
            ORDER BY s.closes_on DESC, s.title`,
        ),
      )
    },

    async survey(
      ctx: Context,
      id: string,
    ): Promise<Survey & { questions: Question[]; answers: Record<string, unknown>[] }> {
      requireRole(ctx, 'admin')
      const found = isUuid(id)
        ? await db.tenant(scopeOf(ctx), async (sql) => {
            const survey = await sql.maybeOne<Survey>(
              `SELECT ${surveyColumns} FROM surveys s JOIN questionnaires q ON q.id = s.questionnaire_id WHERE s.id = $1`,
              [id],
            )
            if (!survey) return undefined
            const rows = await sql.query<{ answers: Record<string, unknown>; questions: Question[] }>(
              `SELECT r.answers, v.questions FROM survey_responses r JOIN questionnaire_versions v ON v.id = r.version_id
                WHERE r.survey_id = $1`,
              [id],
            )
            const latest = await sql.maybeOne<{ questions: Question[] }>(
              'SELECT questions FROM questionnaire_versions WHERE questionnaire_id = $1 ORDER BY version DESC LIMIT 1',
              [survey.questionnaireId],
            )
            return { ...survey, questions: latest?.questions ?? [], answers: rows.map((r) => r.answers) }
          })
        : undefined
      if (!found) throw new NotFoundError('Survey')
      return found
    },

    /** Opens a survey on a published questionnaire, with a new unguessable link. */
    async create(
      ctx: Context,
      input: { title: string; audience: string; questionnaireId: string; closesOn: string },
    ): Promise<string> {
      requireRole(ctx, 'admin')
      const problems: FieldError[] = []
      const title = input.title.trim()
      if (!title || title.length > 200)
        problems.push({ field: 'title', text: 'Enter a title of 200 characters or fewer' })
      if (!audiences.includes(input.audience as Audience))
        problems.push({ field: 'audience', text: 'Select who the survey is for' })
      if (!isCalendarDate(input.closesOn))
        problems.push({ field: 'closesOn', text: 'Enter the closing date, like 31 3 2027' })
      else if (input.closesOn < londonDateOf(clock.now()))
        problems.push({ field: 'closesOn', text: 'The closing date must be today or later' })
      return db.tenant(scopeOf(ctx), async (sql) => {
        const questionnaire = isUuid(input.questionnaireId)
          ? await sql.maybeOne('SELECT 1 FROM questionnaire_versions WHERE questionnaire_id = $1 LIMIT 1', [
              input.questionnaireId,
            ])
          : undefined
        if (!questionnaire)
          problems.push({ field: 'questionnaireId', text: 'Select a published questionnaire' })
        if (problems.length) throw new ValidationError(problems)
        await sql.auditAs('survey.create')
        return insertSurvey(sql, ctx.partnership.id, {
          questionnaireId: input.questionnaireId,
          title,
          audience: input.audience as Audience,
          closesOn: input.closesOn,
          createdBy: ctx.actor.userId,
        })
      })
    },

    /** The survey behind a public link, for anyone. */
    async open(code: string, slug?: string): Promise<OpenSurvey | undefined> {
      const survey = await open(code, slug)
      if (!survey) return undefined
      const { id: _id, partnershipId: _p, questionnaireId: _q, ...shown } = survey
      return shown
    },

    /** Anonymous answers: refused once the survey has closed or when they do not fit. */
    async answer(
      code: string,
      answers: Record<string, unknown>,
      match: { slug?: string; questionnaireId?: string } = {},
    ): Promise<void> {
      const survey = await open(code, match.slug)
      if (
        !survey ||
        (match.questionnaireId !== undefined && match.questionnaireId !== survey.questionnaireId)
      )
        throw new NotFoundError('Survey')
      if (survey.closed) throw new ConflictError('This survey has closed')
      const problems = answerProblems(survey.questions, answers)
      if (problems.length) throw new ValidationError(problems)
      await db.tenant(anonymousScope(survey.partnershipId), (sql) =>
        sql.query(
          `INSERT INTO survey_responses (partnership_id, survey_id, version_id, answers, submitted_on)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            survey.partnershipId,
            survey.id,
            survey.versionId,
            JSON.stringify(answers),
            londonDateOf(clock.now()),
          ],
        ),
      )
    },
  }
}

export type SurveyService = ReturnType<typeof createSurveyService>

/** Anonymous answers summed for a survey's page: counts per option and scale point, and the comments. */
export function summarise(
  questions: readonly { id: string; kind: string; prompt: string; options?: string[] }[],
  answers: Record<string, unknown>[],
) {
  return questions.map((q) => {
    const given = answers.map((a) => a[q.id]).filter((a) => a !== undefined && a !== null && a !== '')
    const counts = new Map<string, number>()
    const texts: string[] = []
    for (const answer of given) {
      const values = Array.isArray(answer) ? answer : [answer]
      if (q.kind === 'free_text') texts.push(String(answer))
      else if (q.kind === 'action_plan') texts.push(String((answer as { action?: string }).action ?? ''))
      else for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1)
    }
    const numbers = given.filter((a): a is number => typeof a === 'number')
    return {
      prompt: q.prompt,
      answered: given.length,
      average: numbers.length
        ? Math.round((numbers.reduce((a, b) => a + b, 0) / numbers.length) * 10) / 10
        : null,
      counts: [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true })),
      texts,
    }
  })
}

/**
 * A survey's results where another feature shows them beside its own record (an audit return's
 * practitioner survey): its link code, closing date, how many answered and each question's
 * totals. The caller has already decided the reader may see them.
 */
export async function surveyResults(sql: Sql, surveyId: string) {
  const survey = await sql.maybeOne<Survey>(
    `SELECT ${surveyColumns} FROM surveys s JOIN questionnaires q ON q.id = s.questionnaire_id WHERE s.id = $1`,
    [surveyId],
  )
  if (!survey) return undefined
  const answers = await sql.query<{ answers: Record<string, unknown> }>(
    'SELECT answers FROM survey_responses WHERE survey_id = $1',
    [surveyId],
  )
  const latest = await sql.maybeOne<{ questions: Question[] }>(
    'SELECT questions FROM questionnaire_versions WHERE questionnaire_id = $1 ORDER BY version DESC LIMIT 1',
    [survey.questionnaireId],
  )
  return {
    ...survey,
    summary: summarise(
      latest?.questions ?? [],
      answers.map((a) => a.answers),
    ),
  }
}
