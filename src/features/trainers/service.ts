import { courseById } from '#features/courses/queries.ts'
import { linkUserToPerson } from '#features/directory/link-user.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { ApprovalFilter, ApprovalInput, ApprovalPatch } from './forms.ts'
import type { TrainerApproval } from './queries.ts'
import { approvalById, approvalsMatching, insertApproval, personNamed, updateApproval } from './queries.ts'
import type { Standing } from './rules.ts'
import { approvalExpiresOn, standingOn } from './rules.ts'

export type PoolMember = TrainerApproval & { expiresOn: string; standing: Standing }

/** The trainer pool: who is approved to deliver which course, and until when. */
export function createTrainerService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  const withStanding = (a: TrainerApproval): PoolMember => ({
    ...a,
    expiresOn: approvalExpiresOn(a),
    standing: standingOn(a, londonDateOf(clock.now())),
  })

  async function approval(ctx: Context, id: string): Promise<PoolMember> {
    const found = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => approvalById(sql, id)) : undefined
    if (!found) throw new NotFoundError('Trainer approval')
    return withStanding(found)
  }

  return {
    async pool(ctx: Context, filter: ApprovalFilter = {}): Promise<PoolMember[]> {
      requireRole(ctx, 'admin', 'subgroup', 'executive', 'trainer')
      return (await db.tenant(scopeOf(ctx), (sql) => approvalsMatching(sql, filter))).map(withStanding)
    },

    /** Trainers whose approval for a course stands today: the choices for a session. */
    async approvedFor(ctx: Context, courseId: string): Promise<PoolMember[]> {
      return (await this.pool(ctx, { courseId })).filter((m) => m.standing.approved)
    },

    approval,

    /** Finds a person to approve by their work email, for the page that has no picker. */
    async personByEmail(ctx: Context, email: string): Promise<{ id: string; name: string } | undefined> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) => personNamed(sql, { email }))
    },

    async approve(ctx: Context, input: ApprovalInput): Promise<PoolMember> {
      requireRole(ctx, 'admin')
      if (input.cpdCompletedOn && input.cpdCompletedOn < input.trainedOn)
        throw new ValidationError([
          { field: 'cpdCompletedOn', text: 'The CPD questionnaire cannot be before train-the-trainer' },
        ])
      if (input.trainedOn > londonDateOf(clock.now()))
        throw new ValidationError([
          { field: 'trainedOn', text: 'The date they completed train-the-trainer must be today or earlier' },
        ])
      try {
        const id = await db.tenant(scopeOf(ctx), async (sql) => {
          if (!(await personNamed(sql, { id: input.personId })))
            throw new ValidationError([{ field: 'personId', text: 'Select a person in the directory' }])
          if (!(await courseById(sql, input.courseId)))
            throw new ValidationError([{ field: 'courseId', text: 'Select a course from the programme' }])
          await sql.auditAs('trainer.approve')
          // A trainer signs in to take their sessions' registers: their sign-in and record are one.
          const { email } = await sql.one<{ email: string }>('SELECT email FROM people WHERE id = $1', [
            input.personId,
          ])
          await linkUserToPerson(sql, ctx.partnership.id, [email])
          return insertApproval(sql, ctx.partnership.id, input)
        })
        return approval(ctx, id)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError('This person is already in the pool for this course')
        throw error
      }
    },

    /** Records an annual CPD questionnaire (renewing the approval), or withdraws the approval. */
    async change(ctx: Context, id: string, patch: ApprovalPatch): Promise<PoolMember> {
      requireRole(ctx, 'admin')
      const current = await approval(ctx, id)
      const today = londonDateOf(clock.now())
      if (patch.cpdCompletedOn && (patch.cpdCompletedOn < current.trainedOn || patch.cpdCompletedOn > today))
        throw new ValidationError([
          {
            field: 'cpdCompletedOn',
            text: 'The CPD questionnaire must be on or after train-the-trainer, and today or earlier',
          },
        ])
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs(patch.withdrawnReason ? 'trainer.withdraw' : 'trainer.cpd')
        await updateApproval(
          sql,
          current.id,
          {
            cpdCompletedOn: patch.cpdCompletedOn ?? current.cpdCompletedOn,
            withdrawnReason: patch.withdrawnReason ?? current.withdrawnReason,
            withdrawnAt: patch.withdrawnReason ? (current.withdrawnAt ?? clock.now()) : current.withdrawnAt,
          },
          clock.now(),
        )
      })
      return approval(ctx, id)
    },
  }
}

export type TrainerService = ReturnType<typeof createTrainerService>
