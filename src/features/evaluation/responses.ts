import type { RegisterService } from '#features/register/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { readLinkToken } from './links.ts'
import { saveResponse, stageForm } from './queries.ts'
import type { Answer, Stage, StageForm } from './stages.ts'
import { refuseAnswer, stageNames } from './stages.ts'

export type LinkedForm =
  | { ok: true; partnership: PartnershipRef; form: StageForm }
  | { ok: false; problem: 'altered' | 'expired' }

/**
 * Attendees' answers to a stage of their booking: through the API when signed in, or through
 * the signed link in their email without signing in. Each stage is answered once; the
 * after-course answers are what (with full attendance) release the certificate.
 */
export function createResponseService(deps: {
  db: Database
  clock: Clock
  register: Pick<RegisterService, 'evaluationCompleted'>
  partnerships: Pick<Partnerships, 'bySlug'>
  secret: string
}) {
  const { db, clock } = deps

  async function save(
    ctx: Context,
    form: StageForm,
    answer: Answer,
  ): Promise<{ id: string; version: number }> {
    refuseAnswer(form, answer)
    try {
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('evaluation.respond')
        return saveResponse(
          sql,
          ctx.partnership.id,
          form,
          answer.answers,
          answer.planOutcome ?? null,
          clock.now(),
        )
      })
      if (form.stage === 'after_course') await deps.register.evaluationCompleted(ctx, form.applicationId)
      return { id, version: form.version ?? 0 }
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError('You have already answered this stage of the evaluation')
      throw error
    }
  }

  async function formFor(ctx: Context, applicationId: string, stage: Stage): Promise<StageForm> {
    const form = isUuid(applicationId)
      ? await db.tenant(scopeOf(ctx), (sql) => stageForm(sql, applicationId, stage))
      : undefined
    if (!form) throw new NotFoundError('Booking')
    return form
  }

  async function linked(slug: string, token: string): Promise<LinkedForm> {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) return { ok: false, problem: 'altered' }
    const read = readLinkToken(deps.secret, partnership.id, token, clock.now())
    if (!read.ok) return read
    const ctx = systemContext(partnership, 'evaluation-link')
    const form = await formFor(ctx, read.link.applicationId, read.link.stage).catch(() => undefined)
    return form ? { ok: true, partnership, form } : { ok: false, problem: 'altered' }
  }

  return {
    /**
     * A signed-in attendee's answers (or an admin's on their behalf) to the questionnaire the
     * course's plan names for the stage.
     */
    async respond(
      ctx: Context,
      questionnaireId: string,
      input: { bookingId: string; stage: Stage } & Answer,
    ): Promise<{ id: string; version: number }> {
      const form = await formFor(ctx, input.bookingId, input.stage)
      if (!ctx.actor.roles.includes('admin') && (form.userId === null || form.userId !== ctx.actor.userId))
        throw new ForbiddenError('You can answer only for your own booking')
      if (form.questionnaireId !== questionnaireId)
        throw new ValidationError([
          {
            field: 'stage',
            text: `This is not the questionnaire for ${stageNames[input.stage].toLowerCase()} on this course`,
          },
        ])
      return save(ctx, form, input)
    },

    /** The questionnaire an emailed link leads to, or why the link cannot be used. */
    linkedForm: linked,

    /** Answers to the questionnaire a link led to (from `linkedForm`, which checked the link). */
    async respondByLink(found: Extract<LinkedForm, { ok: true }>, answer: Answer): Promise<void> {
      await save(systemContext(found.partnership, 'evaluation-link'), found.form, answer)
    },
  }
}

export type ResponseService = ReturnType<typeof createResponseService>
