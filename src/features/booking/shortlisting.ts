import { randomInt } from 'node:crypto'
import type { PolicyService } from '#features/policy/service.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { allocate } from './allocation.ts'
import { notSuccessful, placeConfirmed, tellPersonAndManager } from './emails.ts'
import type { Application } from './queries.ts'
import { applicationById, applicationsFor } from './queries.ts'
import { shortlistingTime } from './rules.ts'
import {
  candidatesFor,
  confirmProposal,
  holdersOf,
  lockSession,
  otherDates,
  recordProposal,
  renumberWaiting,
  writeDecisions,
} from './shortlisting-queries.ts'

/** A session's allocation: who has (or is proposed for) a place, and the waiting list in order. */
export type Allocation = {
  sessionId: string
  seed: number | null
  proposedAt: Date | null
  confirmedAt: Date | null
  places: number
  allocated: Application[]
  waiting: Application[]
  /** Said when there was nothing to allocate. */
  message: string | null
}

const JOB_ACTOR = 'job:booking.shortlist'
const HELD = 'held until their agency confirms their registration'

export function createShortlisting(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailFrom: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const organiserEmail = /<([^>]+)>/.exec(deps.mailFrom)?.[1] ?? deps.mailFrom

  async function sessionToShortlist(sql: Sql, sessionId: string): Promise<Session> {
    const session = isUuid(sessionId) ? await sessionById(sql, sessionId) : undefined
    if (!session) throw new NotFoundError('Session')
    await lockSession(sql, session.id)
    if (session.shortlistedAt) throw new ConflictError('Places for this session have already been confirmed')
    if (session.status !== 'open')
      throw new ConflictError(
        session.status === 'cancelled'
          ? 'This session has been cancelled'
          : 'Only a session open for applications can have its places allocated',
      )
    if (session.startsAt <= clock.now()) throw new ConflictError('This session has already started')
    return session
  }

  async function allocationOf(
    sql: Sql,
    session: Session,
    message: string | null = null,
  ): Promise<Allocation> {
    const all = await applicationsFor(sql, session.id, null)
    const placeNumber = (a: Application) => Number(/^place (\d+)/.exec(a.reason ?? '')?.[1] ?? 0)
    return {
      sessionId: session.id,
      seed: session.shortlistSeed,
      proposedAt: session.shortlistProposedAt,
      confirmedAt: session.shortlistedAt,
      places: session.capacity,
      allocated: all
        .filter((a) => a.status === 'allocated' || a.status === 'confirmed' || a.status === 'offered')
        .sort((a, b) => placeNumber(a) - placeNumber(b)),
      waiting: all
        .filter((a) => a.status === 'waiting')
        .sort((a, b) => (a.waitingPosition ?? 1e9) - (b.waitingPosition ?? 1e9)),
      message,
    }
  }

  /**
   * Proposes an allocation of a session's free places by the aims (see allocation.ts), from a
   * recorded seed. Nothing is confirmed and no one is told until an admin confirms it.
   */
  async function proposeIn(sql: Sql, session: Session, seed: number): Promise<Allocation> {
    const now = clock.now()
    const candidates = await candidatesFor(sql, session, now)
    if (!candidates.length)
      return allocationOf(
        sql,
        session,
        'No one has applied for this session, so there are no places to allocate',
      )
    const holders = await holdersOf(sql, session.id)
    const eligible = candidates.filter((c) => !c.held)
    const decisions = allocate({
      candidates: eligible,
      places: session.capacity - holders.length,
      seed,
      holders,
    })
    const otherDate = new Set(eligible.filter((c) => c.otherDate).map((c) => c.id))
    // Someone from another date who does not get a place here stays on their first choice's list.
    const kept = decisions.filter((d) => d.outcome === 'allocated' || !otherDate.has(d.id))
    const lastPosition = kept.filter((d) => d.outcome === 'waiting').length
    const held = candidates.filter((c) => c.held)
    await sql.auditAs('session.shortlist-propose')
    await writeDecisions(
      sql,
      session.id,
      [
        ...kept.map((d) => ({
          id: d.id,
          status: d.outcome,
          reason: d.reason,
          position: d.outcome === 'waiting' ? d.position : null,
        })),
        ...held.map((c, i) => ({
          id: c.id,
          status: 'waiting' as const,
          reason: `waiting list ${lastPosition + i + 1}: ${HELD}`,
          position: lastPosition + i + 1,
        })),
      ],
      now,
    )
    await recordProposal(sql, session.id, seed, now)
    const proposed = await sessionById(sql, session.id)
    return allocationOf(sql, proposed ?? session)
  }

  /** Confirms the proposal: places are taken, and everyone and their manager are told in one go. */
  async function confirmIn(sql: Sql, ctx: Context, session: Session): Promise<Allocation> {
    if (!session.shortlistProposedAt) throw new ConflictError('Allocate the places before confirming them')
    const now = clock.now()
    await sql.auditAs('session.shortlist-confirm')
    const decided = await confirmProposal(sql, session.id, ctx.actor.userId, now)
    const dates = await otherDates(sql, session, now)
    const organiser = { name: ctx.partnership.name, email: organiserEmail }
    for (const a of decided) {
      const to = { name: a.name, email: a.email, managerEmail: a.managerEmail }
      const letter =
        a.status === 'confirmed'
          ? placeConfirmed(session, to, organiser, `${deps.publicUrl}/bookings/${a.id}`, now)
          : notSuccessful(session, to, a.waitingPosition, dates)
      await tellPersonAndManager(sql, ctx.partnership.id, to, letter)
    }
    const confirmed = await sessionById(sql, session.id)
    return allocationOf(sql, confirmed ?? session)
  }

  const newSeed = () => randomInt(0, 2 ** 32 - 1)

  return {
    /** A session's allocation as it stands, proposed or confirmed. */
    async allocation(ctx: Context, sessionId: string): Promise<Allocation> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const session = isUuid(sessionId) ? await sessionById(sql, sessionId) : undefined
        if (!session) throw new NotFoundError('Session')
        return allocationOf(sql, session)
      })
    },

    /** An admin proposes an allocation now, before or at the lead time. Running it again draws a new seed. */
    async propose(ctx: Context, sessionId: string, options: { seed?: number } = {}): Promise<Allocation> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) =>
        proposeIn(sql, await sessionToShortlist(sql, sessionId), options.seed ?? newSeed()),
      )
    },

    async confirm(ctx: Context, sessionId: string): Promise<Allocation> {
      requireRole(ctx, 'admin')
      const allocation = await db.tenant(scopeOf(ctx), async (sql) =>
        confirmIn(sql, ctx, await sessionToShortlist(sql, sessionId)),
      )
      deps.mailQueued?.()
      return allocation
    },

    /**
     * Allocates and confirms at once (the API's shortlist). With no applicants nothing changes
     * and the answer says so; with fewer applicants than places everyone gets one.
     */
    async shortlistNow(
      ctx: Context,
      sessionId: string,
      options: { seed?: number } = {},
    ): Promise<Allocation> {
      requireRole(ctx, 'admin')
      const allocation = await db.tenant(scopeOf(ctx), async (sql) => {
        const session = await sessionToShortlist(sql, sessionId)
        const proposed = await proposeIn(sql, session, options.seed ?? newSeed())
        if (proposed.message) return proposed
        const current = await sessionById(sql, session.id)
        return confirmIn(sql, ctx, current ?? session)
      })
      if (!allocation.message) deps.mailQueued?.()
      return allocation
    },

    /**
     * Before confirming, an admin moves someone between the places and the waiting list, with
     * a reason kept beside the decision. A place is given only while one is free.
     */
    async moveInProposal(
      ctx: Context,
      applicationId: string,
      to: 'allocated' | 'waiting',
      reason: string,
    ): Promise<Allocation> {
      requireRole(ctx, 'admin')
      const why = reason.trim()
      if (!why || why.length > 300)
        throw new ValidationError([
          { field: 'reason', text: 'Enter why you are moving them, in 300 characters or fewer' },
        ])
      return db.tenant(scopeOf(ctx), async (sql) => {
        const application = isUuid(applicationId) ? await applicationById(sql, applicationId) : undefined
        if (!application) throw new NotFoundError('Application')
        const session = await sessionToShortlist(sql, application.sessionId)
        if (!session.shortlistProposedAt || !['allocated', 'waiting'].includes(application.status))
          throw new ConflictError('Only a proposed allocation can be changed')
        if (application.status === to)
          throw new ConflictError(`They are already ${to === 'allocated' ? 'given a place' : 'waiting'}`)
        const current = await allocationOf(sql, session)
        if (to === 'allocated' && current.allocated.length >= session.capacity)
          throw new ConflictError('Every place is taken: move someone to the waiting list first')
        const now = clock.now()
        await sql.auditAs('session.shortlist-move')
        const waitingIds = current.waiting.map((a) => a.id).filter((id) => id !== application.id)
        if (to === 'waiting') waitingIds.unshift(application.id)
        await writeDecisions(
          sql,
          session.id,
          [
            {
              id: application.id,
              status: to,
              reason:
                to === 'allocated'
                  ? `place ${current.allocated.length + 1} of ${session.capacity}: given by an admin (${why})`
                  : `waiting list 1: moved by an admin (${why})`,
              position: null,
            },
          ],
          now,
        )
        await renumberWaiting(sql, waitingIds, null, now)
        return allocationOf(sql, session)
      })
    },

    /**
     * The scheduled shortlisting: proposes an allocation for each open session of a
     * partnership whose applications have closed, for an admin to review and confirm.
     */
    async proposeDue(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, JOB_ACTOR)
      const now = clock.now()
      const { shortlistingLeadWeeks } = await deps.policy.rulesOn(ctx, londonDateOf(now))
      const due = await db.tenant(scopeOf(ctx), (sql) =>
        sql.query<{ id: string; startsAt: Date }>(
          `SELECT id, starts_at AS "startsAt" FROM sessions
            WHERE status = 'open' AND shortlist_proposed_at IS NULL AND starts_at > $1 ORDER BY starts_at`,
          [now],
        ),
      )
      let proposed = 0
      for (const session of due.filter((s) => shortlistingTime(s, shortlistingLeadWeeks) <= now)) {
        // One transaction per session: a session that fails does not hold back the others.
        await db.tenant(scopeOf(ctx), async (sql) => {
          const current = await sessionToShortlist(sql, session.id)
          if (current.shortlistProposedAt) return
          const allocation = await proposeIn(sql, current, newSeed())
          if (!allocation.message) proposed++
        })
      }
      return proposed
    },
  }
}

export type Shortlisting = ReturnType<typeof createShortlisting>
