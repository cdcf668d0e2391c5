import type { RegisterService } from '#features/register/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { fieldErrors } from '#platform/http/forms.ts'
import type { Question } from './questions.ts'
import { answerProblems, questionsSchema } from './questions.ts'

export const stages = ['at_booking', 'after_course', 'follow_up'] as const
export type Stage = (typeof stages)[number]

export type Questionnaire = {
  id: string
  title: string
  draft: Question[]
  published: { versionId: string; version: number; questions: Question[]; publishedAt: Date } | null
}

/**
 * Questionnaires and the answers to them. An admin builds a questionnaire from typed questions
 * and publishes it, which freezes a version; an attendee answers the published version for a
 * stage of their booking, once. Completing the after-course stage is what (with full
 * attendance) releases a certificate.
 */
export function createEvaluationService(deps: {
  db: Database
  clock: Clock
  register: Pick<RegisterService, 'evaluationCompleted'>
}) {
  const { db, clock } = deps

  function parseQuestions(questions: unknown): Question[] {
    const parsed = questionsSchema.safeParse(questions)
    if (!parsed.success)
      throw new ValidationError(
        fieldErrors(parsed.error).map((e) => ({ ...e, field: `questions.${e.field}` })),
      )
    return parsed.data
  }

  async function questionnaire(ctx: Context, id: string): Promise<Questionnaire> {
    const found = isUuid(id)
      ? await db.tenant(scopeOf(ctx), (sql) =>
          sql.maybeOne<Questionnaire>(
            `SELECT q.id, q.title, q.questions AS draft,
                    (SELECT json_build_object('versionId', v.id, 'version', v.version, 'questions', v.questions,
                            'publishedAt', v.published_at)
                       FROM questionnaire_versions v WHERE v.questionnaire_id = q.id ORDER BY v.version DESC LIMIT 1) AS published
               FROM questionnaires q WHERE q.id = $1`,
            [id],
          ),
        )
      : undefined
    if (!found) throw new NotFoundError('Questionnaire')
    return found
  }

  return {
    questionnaire,

    async create(ctx: Context, input: { title: string; questions: unknown }): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const title = input.title.trim()
      if (!title || title.length > 200)
        throw new ValidationError([{ field: 'title', text: 'Enter a title of 200 characters or fewer' }])
      const questions = parseQuestions(input.questions)
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('questionnaire.create')
        const row = await sql.one<{ id: string }>(
          'INSERT INTO questionnaires (partnership_id, title, questions) VALUES ($1, $2, $3) RETURNING id',
          [ctx.partnership.id, title, JSON.stringify(questions)],
        )
        return row.id
      })
      return questionnaire(ctx, id)
    },

    /** Publishes the draft as a new version; answers already given keep the version they answered. */
    async publish(ctx: Context, id: string): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const current = await questionnaire(ctx, id)
      if (!current.draft.length)
        throw new ValidationError([
          { field: 'questions', text: 'Add at least one question before publishing' },
        ])
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('questionnaire.publish')
        await sql.query(
          `INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions, published_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4 FROM questionnaire_versions WHERE questionnaire_id = $2`,
          [ctx.partnership.id, current.id, JSON.stringify(current.draft), ctx.actor.userId],
        )
      })
      return questionnaire(ctx, id)
    },

    /**
     * Records an attendee's answers for a stage of their booking, on the published version.
     * Refused for someone who did not attend (after the course and later), for a second
     * response to the same stage, and for answers that do not fit their questions.
     */
    async respond(
      ctx: Context,
      id: string,
      input: { bookingId: string; stage: Stage; answers: Record<string, unknown> },
    ): Promise<{ id: string; version: number }> {
      const form = await questionnaire(ctx, id)
      if (!form.published) throw new ConflictError('This questionnaire has not been published')
      const problems = answerProblems(form.published.questions, input.answers)
      if (problems.length) throw new ValidationError(problems)
      try {
        const saved = await db.tenant(scopeOf(ctx), async (sql) => {
          const booking = isUuid(input.bookingId)
            ? await sql.maybeOne<{ id: string; userId: string | null; status: string; attended: boolean }>(
                `SELECT a.id, p.user_id AS "userId", a.status,
                        EXISTS (SELECT 1 FROM attendance m WHERE m.application_id = a.id AND m.mark <> 'absent') AS attended
                   FROM applications a JOIN people p ON p.id = a.person_id WHERE a.id = $1`,
                [input.bookingId],
              )
            : undefined
          if (!booking) throw new NotFoundError('Booking')
          if (
            !ctx.actor.roles.includes('admin') &&
            (booking.userId === null || booking.userId !== ctx.actor.userId)
          )
            throw new ForbiddenError('You can answer only for your own booking')
          if (input.stage !== 'at_booking' && !booking.attended)
            throw new ValidationError([
              { field: 'bookingId', text: 'The register does not show you at this session' },
            ])
          await sql.auditAs('evaluation.respond')
          const row = await sql.one<{ id: string }>(
            `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [
              ctx.partnership.id,
              form.published?.versionId,
              booking.id,
              input.stage,
              JSON.stringify(input.answers),
              clock.now(),
            ],
          )
          return { id: row.id, version: form.published?.version ?? 0 }
        })
        if (input.stage === 'after_course') await deps.register.evaluationCompleted(ctx, input.bookingId)
        return saved
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError('You have already answered this stage of the evaluation')
        throw error
      }
    },
  }
}

export type EvaluationService = ReturnType<typeof createEvaluationService>
