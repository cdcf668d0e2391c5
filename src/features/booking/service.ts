import { randomUUID } from 'node:crypto'
import { atBookingEmail } from '#features/evaluation/emails.ts'
import type { AtBookingQuestions } from '#features/evaluation/queries.ts'
import { atBookingQuestions, saveResponse } from '#features/evaluation/queries.ts'
import { answerProblems } from '#features/evaluation/questions.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Session } from '#features/sessions/queries.ts'
import { confirmBelowMinimum, openSessionsWithMinimum, sessionById } from '#features/sessions/queries.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid, readOf } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmailsAtCommit } from '#platform/mail/outbox.ts'
import { askForApproval, createApproval, recentNoShows } from './approval.ts'
import type { BookingDeps } from './deps.ts'
import { mayActFor } from './deps.ts'
import { actedBy, applicationReceived } from './emails.ts'
import type { ApplicationInput } from './forms.ts'
import { createBookingLookups } from './on-screen.ts'
import { createScheduledPasses } from './passes.ts'
import { createPlaces } from './places.ts'
import type { Applicant, Application } from './queries.ts'
import {
  applicantById,
  applicantByUser,
  applicationById,
  applicationsFor,
  insertApplication,
  liveApplicationCounts,
} from './queries.ts'
import { applyingRefusal, belowMinimum, shortlistingTime } from './rules.ts'
import { createShortlisting } from './shortlisting.ts'
import { createStaffLookups } from './staff.ts'
import { createWaitingList, joinsWaitingList } from './waiting-list.ts'

/** Applications for sessions' places, collected until the session's shortlisting time. */
export function createBookingService(deps: BookingDeps) {
  const { db, clock, policy } = deps
  const waitingLists = createWaitingList(deps)

  /**
   * Applies for a session's place. Refused when the session is not open or its applications
   * have closed, for the same session twice, or for a session at the same time as another
   * the person applied for. Applying is the busiest thing anyone does, on the morning a
   * programme opens, so one transaction does it in few round trips: the rules, the session, the
   * person and the course's at-booking questions are read together; the application is made,
   * with its id chosen here, together with the reads that follow from it.
   */
  async function applying(
    ctx: Context,
    sessionId: string,
    applicant: (
      sql: Sql,
      atBooking: Promise<AtBookingQuestions>,
    ) => Promise<{ person: Applicant | undefined; input: ApplicationInput }>,
  ): Promise<Application> {
    if (!isUuid(sessionId)) throw new NotFoundError('Session')
    try {
      const scope = { ...scopeOf(ctx), action: 'application.apply' }
      const application = await db.tenant(scope, async (sql) => {
        const atBookingRead = atBookingQuestions(sql, sessionId)
        const [rulesRead, sessionRead, applicantRead, questionsRead] = await Promise.allSettled([
          rulesInForceOn(sql, londonDateOf(clock.now())),
          sessionById(sql, sessionId),
          applicant(sql, atBookingRead),
          atBookingRead,
        ])
        // Each read is judged in turn, as if they had been made one after another.
        const rules = readOf(rulesRead)
        const { shortlistingLeadWeeks } = rules
        const session = readOf(sessionRead)
        if (!session) throw new NotFoundError('Session')
        const { person, input } = readOf(applicantRead)
        if (!person || !mayActFor(ctx, person)) {
          if (!ctx.actor.roles.some((r) => r === 'admin' || r === 'agency-lead'))
            throw new ForbiddenError('You can apply only for yourself')
          throw new ValidationError([{ field: 'personId', text: 'Select someone in your agency’s staff' }])
        }
        const refusal = applyingRefusal(session, clock.now(), shortlistingLeadWeeks)
        if (refusal) throw new ValidationError([{ field: 'sessionId', text: refusal }])
        if (person.clashesWith)
          throw new ValidationError([
            {
              field: 'sessionId',
              text: `${person.name} has applied for ${person.clashesWith} at the same time`,
            },
          ])
        // The course's at-booking questions are answered now by someone applying for themselves
        // (or given with the application); anyone else is asked by email, in their own words.
        const atBooking = readOf(questionsRead)
        const answers = input.answers ?? {}
        const forThemselves = person.userId !== null && person.userId === ctx.actor.userId
        const answering = atBooking !== null && (input.answers != null || forThemselves)
        if (answering) {
          const problems = answerProblems(atBooking.questions, answers, atBooking.objectives)
          if (problems.length) throw new ValidationError(problems)
        }
        const id = randomUUID()
        const toAnswer =
          atBooking && !answering
            ? atBookingEmail(
                {
                  personName: person.name,
                  personEmail: person.email,
                  courseTitle: session.courseTitle,
                  startsAt: session.startsAt,
                },
                deps.evaluationLink(ctx.partnership, id, 'at_booking', session.startsAt),
              )
            : null
        const received = (needsApproval: boolean) =>
          applicationReceived(session, person, actedBy(ctx, person), {
            allocatedOn: shortlistingTime(session, shortlistingLeadWeeks),
            pending: person.pending,
            needsApproval,
          })
        const written = Promise.all([
          insertApplication(sql, ctx.partnership.id, {
            ...input,
            id,
            sessionId: session.id,
            agencyId: person.agencyId,
            appliedBy: ctx.actor.userId,
          }),
          // Answers already read against the questions are saved with the application.
          answering &&
            saveResponse(
              sql,
              ctx.partnership.id,
              { versionId: atBooking.versionId, applicationId: id, stage: 'at_booking' },
              answers,
              null,
              clock.now(),
            ),
          recentNoShows(sql, person.id, rules, clock.now()),
        ])
        // Most applications need nothing once made: the policy weighs no missed sessions (so
        // recentNoShows asks nothing) and the session has no waiting list yet. Their emails and
        // the COMMIT go with them, so applying takes two round trips rather than three.
        if (rules.noShowsBeforeApproval <= 0 && !joinsWaitingList(session)) {
          enqueueEmailsAtCommit(
            sql,
            ctx.partnership.id,
            toAnswer ? [received(false), toAnswer] : [received(false)],
          )
          sql.commitNow()
          const [made] = await written
          return made
        }
        const [made, , missed] = await written
        const needsApproval = rules.noShowsBeforeApproval > 0 && missed >= rules.noShowsBeforeApproval
        if (needsApproval)
          await askForApproval(
            sql,
            ctx.partnership.id,
            {
              id,
              name: person.name,
              agencyId: person.agencyId,
              courseTitle: session.courseTitle,
              startsAt: session.startsAt,
            },
            missed,
            deps.publicUrl,
            clock.now(),
          )
        // Once places are allocated, applying joins the waiting list, which says where they stand.
        if (joinsWaitingList(session)) {
          if (toAnswer) enqueueEmailsAtCommit(sql, ctx.partnership.id, [toAnswer])
          return waitingLists.joinWaitingList(sql, ctx, session.id, id, rules)
        }
        enqueueEmailsAtCommit(
          sql,
          ctx.partnership.id,
          toAnswer ? [received(needsApproval), toAnswer] : [received(needsApproval)],
        )
        if (!needsApproval) return made
        // Asking for approval changed it: read it as it now is.
        const held = await applicationById(sql, id)
        if (!held) throw new NotFoundError('Application')
        return held
      })
      deps.mailQueued?.()
      return application
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError('This person has already applied for this session')
      throw error
    }
  }

  return {
    ...createShortlisting(deps),
    ...createPlaces(deps),
    ...createScheduledPasses(deps),
    ...createBookingLookups(deps),
    ...createStaffLookups(deps),
    ...createApproval(deps),

    /** Applies for a session's place for someone: see `applying`. */
    async apply(ctx: Context, sessionId: string, input: ApplicationInput): Promise<Application> {
      return applying(ctx, sessionId, async (sql) => ({
        person: isUuid(input.personId) ? await applicantById(sql, input.personId, sessionId) : undefined,
        input,
      }))
    },

    /**
     * Applies for oneself from the applying form: the person, the course's at-booking
     * questions and the application are read and made in one transaction. `fromForm` reads the
     * form against the questions, into the application or the problems with it.
     */
    async applyForSelf(
      ctx: Context,
      sessionId: string,
      fromForm: (atBooking: AtBookingQuestions) => Omit<ApplicationInput, 'personId'> | FieldError[],
    ): Promise<Application> {
      return applying(ctx, sessionId, async (sql, atBookingRead) => {
        const [person, atBooking] = await Promise.all([
          ctx.actor.userId ? applicantByUser(sql, ctx.actor.userId, sessionId) : undefined,
          atBookingRead,
        ])
        if (!person)
          throw new ValidationError([
            {
              field: 'forWhom',
              text: 'You are not in the partnership’s directory: apply for someone by their email',
            },
          ])
        const form = fromForm(atBooking)
        if (Array.isArray(form)) throw new ValidationError(form)
        return { person, input: { ...form, personId: person.id } }
      })
    },

    /**
     * Sessions an admin must decide on: applications closed with fewer applicants than the
     * minimum places. Each comes with how many applied.
     */
    async belowMinimum(ctx: Context): Promise<(Session & { applications: number })[]> {
      requireRole(ctx, 'admin')
      const now = clock.now()
      const { shortlistingLeadWeeks: lead } = await policy.rulesOn(ctx, londonDateOf(now))
      return db.tenant(scopeOf(ctx), async (sql) => {
        const sessions = await openSessionsWithMinimum(sql, new Date(now.getTime() + lead * 7 * 86_400_000))
        const counts = await liveApplicationCounts(
          sql,
          sessions.map((s) => s.id),
        )
        return sessions
          .map((s) => ({ ...s, applications: counts.get(s.id) ?? 0 }))
          .filter((s) => belowMinimum(s, s.applications, now, lead))
      })
    },

    /** An admin's choice to run a session below its minimum places, rather than cancel it. */
    async runBelowMinimum(ctx: Context, sessionId: string): Promise<void> {
      requireRole(ctx, 'admin')
      const waiting = await this.belowMinimum(ctx)
      await db.tenant(scopeOf(ctx), async (sql) => {
        if (!isUuid(sessionId) || !(await sessionById(sql, sessionId))) throw new NotFoundError('Session')
        if (!waiting.some((s) => s.id === sessionId))
          throw new ConflictError('This session is not waiting for a decision on its minimum places')
        await sql.auditAs('session.run-below-minimum')
        await confirmBelowMinimum(sql, sessionId, clock.now())
      })
    },

    /** A session's applications: all of them for an admin, their agencies' for a lead. */
    async applications(ctx: Context, sessionId: string): Promise<Application[]> {
      const { roles, agencyIds } = ctx.actor
      const scope = roles.includes('admin') ? null : roles.includes('agency-lead') ? agencyIds : undefined
      if (scope === undefined) throw new ForbiddenError()
      return db.tenant(scopeOf(ctx), async (sql) => {
        if (!isUuid(sessionId) || !(await sessionById(sql, sessionId))) throw new NotFoundError('Session')
        return applicationsFor(sql, sessionId, scope)
      })
    },
  }
}

export type BookingService = ReturnType<typeof createBookingService>
