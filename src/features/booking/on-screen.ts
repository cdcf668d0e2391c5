import { atBookingQuestions } from '#features/evaluation/queries.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid, readOf } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { ApplicationStatus } from './forms.ts'
import type { Applicant, Application } from './queries.ts'
import { liveApplicationOfUser } from './queries.ts'
import { applyingRefusal } from './rules.ts'

/** One of a person's applications or places, with its session, for their own list. */
export type MyPlace = {
  id: string
  status: ApplicationStatus
  reason: string | null
  waitingPosition: number | null
  offerExpiresAt: Date | null
  courseTitle: string
  startsAt: Date
  name: string
}

/** What the booking pages need to read beyond the API's operations. */
export function createBookingLookups(deps: { db: Database; clock: Clock; policy: PolicyService }) {
  const { db, clock } = deps

  return {
    /**
     * A session as someone about to apply sees it, whether applying is open, the signed-in
     * user's own record to apply with (none for an admin or lead without one) and their live
     * application for it, if they have one. Read together, in one write to the database: each
     * read depends only on the session's id and the user.
     */
    async applyingFor(
      ctx: Context,
      sessionId: string,
    ): Promise<{
      session: Session
      refusal: string | null
      self: (Applicant & { managerName: string | null; managerEmail: string | null }) | null
      atBooking: Awaited<ReturnType<typeof atBookingQuestions>>
      own: Application | null
    }> {
      if (!isUuid(sessionId)) throw new NotFoundError('Session')
      const userId = ctx.actor.userId
      return db.read(scopeOf(ctx), async (sql) => {
        const [rulesRead, sessionRead, selfRead, atBookingRead, ownRead] = await Promise.allSettled([
          rulesInForceOn(sql, londonDateOf(clock.now())),
          sessionById(sql, sessionId),
          userId
            ? sql.maybeOne<Applicant & { managerName: string | null; managerEmail: string | null }>(
                `SELECT id, first_name || ' ' || last_name AS name, email, agency_id AS "agencyId", user_id AS "userId",
                        status = 'pending' AS pending, manager_name AS "managerName", manager_email AS "managerEmail"
                   FROM people WHERE user_id = $1 AND merged_into IS NULL AND status IN ('active', 'pending')`,
                [userId],
              )
            : undefined,
          atBookingQuestions(sql, sessionId),
          userId ? liveApplicationOfUser(sql, sessionId, userId) : undefined,
        ])
        // Each read is judged in turn, as if they had been made one after another.
        const { shortlistingLeadWeeks } = readOf(rulesRead)
        const session = readOf(sessionRead)
        if (!session || session.status === 'draft') throw new NotFoundError('Session')
        return {
          session,
          refusal: applyingRefusal(session, clock.now(), shortlistingLeadWeeks),
          self: readOf(selfRead) ?? null,
          atBooking: readOf(atBookingRead),
          own: readOf(ownRead) ?? null,
        }
      })
    },

    /**
     * The person with a work email, among those the actor may act for: anyone for an admin,
     * their agencies' staff for a lead. Refused with the same words when there is no such
     * person and when there is one outside the actor's agencies.
     */
    async personByEmail(ctx: Context, email: string, field: string, agencyId?: string): Promise<string> {
      const { roles, agencyIds } = ctx.actor
      const scope = agencyId ? [agencyId] : roles.includes('admin') ? null : agencyIds
      const found = await db.tenant(scopeOf(ctx), (sql) =>
        sql.maybeOne<{ id: string }>(
          `SELECT id FROM people WHERE lower(email) = lower($1) AND merged_into IS NULL AND status = 'active'
              AND ($2::uuid[] IS NULL OR agency_id = ANY($2))`,
          [email.trim(), scope],
        ),
      )
      if (!found)
        throw new ValidationError([
          {
            field,
            text: agencyId
              ? 'No one with that email address works at the agency the place was booked for'
              : 'No one with that email address is in your agencies’ staff',
          },
        ])
      return found.id
    },

    /** The signed-in user's own applications and places, latest first; only those of one status when asked. */
    async mine(ctx: Context, only?: ApplicationStatus): Promise<MyPlace[]> {
      if (!ctx.actor.userId) return []
      // One statement with the status and one without, each planned once: a practitioner looks
      // at their learning often, and an optional filter would be planned on every look.
      return db.read(scopeOf(ctx), (sql) =>
        sql.query<MyPlace>(
          `SELECT a.id, a.status, a.reason, a.waiting_position AS "waitingPosition",
                  a.offer_expires_at AS "offerExpiresAt", c.title AS "courseTitle", s.starts_at AS "startsAt",
                  p.first_name || ' ' || p.last_name AS name
             FROM applications a JOIN people p ON p.id = a.person_id
             JOIN sessions s ON s.id = a.session_id JOIN courses c ON c.id = s.course_id
            WHERE p.user_id = $1 AND (s.ends_at > $2 OR a.status = 'confirmed')${only ? ' AND a.status = $3' : ''}
            ORDER BY s.starts_at DESC LIMIT 200`,
          only ? [ctx.actor.userId, clock.now(), only] : [ctx.actor.userId, clock.now()],
        ),
      )
    },

    /** Sessions whose places have been proposed and wait for an admin to confirm them. */
    async proposalsToConfirm(
      ctx: Context,
    ): Promise<{ id: string; courseTitle: string; startsAt: Date; allocated: number; waiting: number }[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query(
          `SELECT s.id, c.title AS "courseTitle", s.starts_at AS "startsAt",
                  count(*) FILTER (WHERE a.status = 'allocated')::int AS allocated,
                  count(*) FILTER (WHERE a.status = 'waiting')::int AS waiting
             FROM sessions s JOIN courses c ON c.id = s.course_id
             LEFT JOIN applications a ON a.session_id = s.id
            WHERE s.status = 'open' AND s.shortlist_proposed_at IS NOT NULL AND s.shortlisted_at IS NULL
              AND s.starts_at > $1
            GROUP BY s.id, c.title ORDER BY s.starts_at LIMIT 50`,
          [clock.now()],
        ),
      )
    },

    /** Other dates of the same course an application could move to. */
    async otherDatesOf(ctx: Context, session: Pick<Session, 'id' | 'courseId'>): Promise<Session[]> {
      const { shortlistingLeadWeeks } = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
      return db.tenant(scopeOf(ctx), async (sql) => {
        const rows = await sql.query<{ id: string }>(
          `SELECT id FROM sessions WHERE course_id = $1 AND id <> $2 AND status = 'open' AND starts_at > $3
            ORDER BY starts_at LIMIT 20`,
          [session.courseId, session.id, clock.now()],
        )
        const sessions: Session[] = []
        for (const { id } of rows) {
          const found = await sessionById(sql, id)
          if (found && !applyingRefusal(found, clock.now(), shortlistingLeadWeeks)) sessions.push(found)
        }
        return sessions
      })
    },
  }
}
