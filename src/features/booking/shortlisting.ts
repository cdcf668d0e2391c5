import { randomInt } from 'node:crypto'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { allocate } from './allocation.ts'
import type { BookingDeps } from './deps.ts'
import { organiserOf } from './deps.ts'
import { notSuccessful, placeConfirmed, tellPersonAndManager } from './emails.ts'
import type { Application } from './queries.ts'
import { applicationById, applicationsFor } from './queries.ts'
import type { HeldFor, ShortlistTarget } from './shortlisting-queries.ts'
import {
  candidatesFor,
  confirmProposal,
  holdersOf,
  lockSession,
  lockUnallocated,
  otherDates,
  recordProposals,
  renumberWaiting,
  sessionsClosedUnallocated,
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
const WEEK = 7 * 86_400_000
// Sessions allocated in one transaction by the scheduled shortlisting.
const BATCH = 100
const HELD: Record<HeldFor, string> = {
  registration: 'held until their agency confirms their registration',
  approval: 'held until their agency lead approves it, after missed courses',
}

export function createShortlisting(deps: BookingDeps) {
  const { db, clock } = deps

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
   * Proposes an allocation of the free places of some sessions by the aims (see
   * allocation.ts), each from a recorded seed, in a handful of statements however many there
   * are. Sessions go in date order, so someone waiting at an earlier date who would take
   * another is offered the first with room. Nothing is confirmed and no one is told until an
   * admin confirms. Returns the sessions that had anyone to allocate.
   */
  async function proposeIn(
    sql: Sql,
    sessions: readonly ShortlistTarget[],
    seedOf: () => number,
  ): Promise<string[]> {
    const now = clock.now()
    const rows = await candidatesFor(sql, sessions, now)
    const holders = await holdersOf(
      sql,
      sessions.map((s) => s.id),
    )
    const placedElsewhere = new Set<string>()
    const decisions: Parameters<typeof writeDecisions>[1] = []
    const proposals: { id: string; seed: number }[] = []
    for (const session of [...sessions].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
      const candidates = rows.filter((c) => c.sessionId === session.id && !placedElsewhere.has(c.id))
      if (!candidates.length) continue
      const held = holders.filter((h) => h.sessionId === session.id)
      const eligible = candidates.filter((c) => !c.heldFor)
      const seed = seedOf()
      const decided = allocate({
        candidates: eligible,
        places: session.capacity - held.length,
        seed,
        holders: held,
      })
      const otherDate = new Set(eligible.filter((c) => c.otherDate).map((c) => c.id))
      // Someone from another date who gets no place here stays on their first choice's list.
      const kept = decided.filter((d) => d.outcome === 'allocated' || !otherDate.has(d.id))
      const lastPosition = kept.filter((d) => d.outcome === 'waiting').length
      for (const d of kept) {
        if (otherDate.has(d.id)) placedElsewhere.add(d.id)
        decisions.push({
          id: d.id,
          sessionId: session.id,
          status: d.outcome,
          reason: d.reason,
          position: d.outcome === 'waiting' ? d.position : null,
        })
      }
      candidates
        .filter((c) => c.heldFor)
        .forEach((c, i) => {
          decisions.push({
            id: c.id,
            sessionId: session.id,
            status: 'waiting',
            reason: `waiting list ${lastPosition + i + 1}: ${HELD[c.heldFor ?? 'registration']}`,
            position: lastPosition + i + 1,
          })
        })
      proposals.push({ id: session.id, seed })
    }
    await sql.auditAs('session.shortlist-propose')
    await writeDecisions(sql, decisions, now)
    await recordProposals(sql, proposals, now)
    return proposals.map((p) => p.id)
  }

  /** Proposes one session's allocation and shows it, or says there was no one to allocate. */
  async function proposeOne(sql: Sql, session: Session, seed: number): Promise<Allocation> {
    const proposed = await proposeIn(sql, [session], () => seed)
    if (!proposed.length)
      return allocationOf(
        sql,
        session,
        'No one has applied for this session, so there are no places to allocate',
      )
    return allocationOf(sql, (await sessionById(sql, session.id)) ?? session)
  }

  /** Confirms the proposal: places are taken, and everyone and their manager are told in one go. */
  async function confirmIn(sql: Sql, ctx: Context, session: Session): Promise<Allocation> {
    if (!session.shortlistProposedAt) throw new ConflictError('Allocate the places before confirming them')
    const now = clock.now()
    await sql.auditAs('session.shortlist-confirm')
    const decided = await confirmProposal(sql, session.id, ctx.actor.userId, now)
    const dates = await otherDates(sql, session, now)
    const organiser = organiserOf(ctx, deps.mailFrom)
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
        proposeOne(sql, await sessionToShortlist(sql, sessionId), options.seed ?? newSeed()),
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
        const proposed = await proposeOne(sql, session, options.seed ?? newSeed())
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
          [
            {
              id: application.id,
              sessionId: session.id,
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
     * partnership whose applications have closed, for an admin to review and confirm. Sessions
     * go a batch at a time, each batch in one transaction that locks its sessions, so two
     * workers never allocate the same session.
     */
    async proposeDue(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, JOB_ACTOR)
      const now = clock.now()
      const { shortlistingLeadWeeks } = await deps.policy.rulesOn(ctx, londonDateOf(now))
      const closedBy = new Date(now.getTime() + shortlistingLeadWeeks * WEEK)
      const due = await db.tenant(scopeOf(ctx), (sql) => sessionsClosedUnallocated(sql, now, closedBy))
      let proposed = 0
      for (let i = 0; i < due.length; i += BATCH) {
        const ids = due.slice(i, i + BATCH).map((s) => s.id)
        proposed += await db.tenant(scopeOf(ctx), async (sql) => {
          const sessions = await lockUnallocated(sql, ids, now)
          return (await proposeIn(sql, sessions, newSeed)).length
        })
      }
      return proposed
    },
  }
}

export type Shortlisting = ReturnType<typeof createShortlisting>
