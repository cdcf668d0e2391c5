import { shortlistingTime } from '#features/booking/rules.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { dateSet } from './emails.ts'
import type { InterestInput } from './forms.ts'
import type { InterestRequest } from './queries.ts'
import {
  claimInvitations,
  insertInterest,
  interestsIn,
  personOfUser,
  publishedCourse,
  waitingCount,
} from './queries.ts'

// Invitations are claimed and written in batches, each its own short transaction.
const BATCH = 100
const JOB_ACTOR = 'job:interest.invite'

const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const

/**
 * Register interest: anyone may ask to hear when a published course gets a date; when a
 * session opens for applications, a job invites them to apply and marks them invited.
 */
export function createInterestService(deps: {
  db: Database
  clock: Clock
  partnerships: Partnerships
  policy: PolicyService
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps

  async function partnershipBySlug(slug: string): Promise<PartnershipRef> {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) throw new NotFoundError('Partnership')
    return partnership
  }

  /** Invites one partnership's waiting requests whose course now has a date. */
  async function inviteIn(partnership: PartnershipRef): Promise<number> {
    const now = clock.now()
    // Read before the transaction opens: none may open inside another.
    const { shortlistingLeadWeeks } = await deps.policy.rulesOn(
      systemContext(partnership, JOB_ACTOR),
      londonDateOf(now),
    )
    let invited = 0
    for (;;) {
      const claimed = await db.tenant(
        { partnershipId: partnership.id, userId: null, actor: JOB_ACTOR },
        async (sql) => {
          await sql.auditAs('interest.invite')
          const invitations = await claimInvitations(sql, now, BATCH)
          for (const i of invitations) {
            const email = dateSet({
              name: i.name,
              courseTitle: i.courseTitle,
              partnership: partnership.name,
              startsAt: new Date(i.startsAt),
              applyBy: shortlistingTime(i, shortlistingLeadWeeks),
              now,
              courseUrl: `${deps.publicUrl}/p/${partnership.slug}/courses/${i.courseId}`,
            })
            await enqueueEmail(sql, partnership.id, { ...email, to: i.email })
          }
          return invitations.length
        },
      )
      invited += claimed
      if (claimed < BATCH) return invited
    }
  }

  return {
    /**
     * Registers interest in a published course. The answer is the same whether or not the
     * address had already asked: a second request while the first waits changes nothing.
     */
    async register(
      slug: string,
      courseId: string,
      input: InterestInput,
      who: { userId?: string | null; requestId?: string } = {},
    ): Promise<void> {
      const partnership = await partnershipBySlug(slug)
      if (!isUuid(courseId)) throw new NotFoundError('Course')
      await db.tenant(
        {
          partnershipId: partnership.id,
          userId: who.userId ?? null,
          requestId: who.requestId,
          actor: 'register-interest',
        },
        async (sql) => {
          const course = await publishedCourse(sql, courseId)
          if (!course) throw new NotFoundError('Course')
          const personId = who.userId ? await personOfUser(sql, who.userId) : null
          await sql.auditAs('interest.register')
          await insertInterest(sql, {
            ...input,
            partnershipId: partnership.id,
            courseId: course.id,
            personId,
          })
        },
      )
    },

    /** How many people wait for a date for this course, for the partnership's planners. */
    async waiting(ctx: Context, courseId: string): Promise<number> {
      requireRole(ctx, ...planners)
      if (!isUuid(courseId)) throw new NotFoundError('Course')
      return db.tenant(scopeOf(ctx), (sql) => waitingCount(sql, courseId))
    },

    /** Who asked to hear about this course, with their email: admins only. */
    async requests(ctx: Context, courseId: string): Promise<InterestRequest[]> {
      requireRole(ctx, 'admin')
      if (!isUuid(courseId)) throw new NotFoundError('Course')
      return db.tenant(scopeOf(ctx), (sql) => interestsIn(sql, courseId))
    },

    /**
     * Invites everyone waiting for a course that now has an upcoming session open for
     * applications, in every partnership: one email each, written with the mark that they
     * were invited, so running it again, or twice at once, sends nothing more.
     */
    async inviteWaiting(): Promise<number> {
      let invited = 0
      for (const partnership of await deps.partnerships.list()) invited += await inviteIn(partnership)
      if (invited) deps.mailQueued?.()
      return invited
    },
  }
}

export type InterestService = ReturnType<typeof createInterestService>
