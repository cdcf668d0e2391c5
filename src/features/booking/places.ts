import { recordCharge } from '#features/charges/queries.ts'
import { cancellationChargePence } from '#features/charges/rules.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionByApplication, sessionById } from '#features/sessions/queries.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { BookingDeps } from './deps.ts'
import { mayActFor, organiserOf } from './deps.ts'
import {
  actedBy,
  addressee,
  cancellationReceived,
  placeConfirmed,
  placePassedOn,
  tellPersonAndManager,
} from './emails.ts'
import { noticeDeadline } from './notice.ts'
import { createOfferer } from './offers.ts'
import type { PlaceHolder } from './places-queries.ts'
import {
  confirmPlace,
  endApplication,
  insertSubstitute,
  lockApplication,
  lockSessionOfApplication,
  placeHolderById,
  placesTaken,
  waitingList,
} from './places-queries.ts'
import type { Application } from './queries.ts'
import { applicantById, applicationById, clashingCourse, hasLiveApplication } from './queries.ts'
import { applyingRefusal } from './rules.ts'
import { renumberWaiting } from './shortlisting-queries.ts'
import { joinsWaitingList } from './waiting-list.ts'

/** The outcome of a cancellation: the booking as it now stands, whether notice was enough, and any charge. */
export type Cancellation = { booking: Application; sufficientNotice: boolean; chargePence: number }

/**
 * Places after shortlisting: cancelling, passing a place to a colleague, the waiting list's
 * offers and their deadlines, moving to another date, and reminders. Every change to who holds
 * a session's places locks the session's row first, so two requests can never both take the
 * last place.
 */
export function createPlaces(deps: BookingDeps) {
  const { db, clock } = deps
  const bookingUrl = (id: string) => `${deps.publicUrl}/bookings/${id}`
  const offerFreePlaces = createOfferer(deps)

  /** Locks the application's session, then the application: the one order every change takes. */
  async function lockPlace(
    sql: Sql,
    ctx: Context,
    id: string,
  ): Promise<{ holder: PlaceHolder; session: Session }> {
    if (!isUuid(id)) throw new NotFoundError('Booking')
    // Sent together, with whatever the change reads alongside, in this order: the session's
    // lock is taken first, then the application's, then the session is read as it now is.
    const [locked, holder, session] = await Promise.all([
      lockSessionOfApplication(sql, id),
      lockApplication(sql, id),
      sessionByApplication(sql, id),
    ])
    if (!locked || !holder || !session) throw new NotFoundError('Booking')
    if (!mayActFor(ctx, holder)) throw new ForbiddenError()
    // Moved to another date between the two locks: its new session is not the one locked.
    if (locked !== holder.sessionId || session.id !== holder.sessionId)
      throw new ConflictError('This booking was changed at the same moment: try again')
    return { holder, session }
  }

  async function done<T>(work: Promise<T>): Promise<T> {
    const result = await work
    deps.mailQueued?.()
    return result
  }

  async function bookingOf(sql: Sql, id: string): Promise<Application> {
    const booking = await applicationById(sql, id)
    if (!booking) throw new NotFoundError('Booking')
    return booking
  }

  return {
    /** One booking or application, for whoever may act on it; `mine` when it is the actor's own. */
    async booking(ctx: Context, id: string): Promise<Application & { session: Session; mine: boolean }> {
      if (!isUuid(id)) throw new NotFoundError('Booking')
      // Opened after every application and before every cancellation: who holds it, its
      // session and the booking are read at once, in one round trip with BEGIN and COMMIT.
      // Nothing read leaves here unless the holder is someone the actor may act for.
      return db.read(scopeOf(ctx), async (sql) => {
        const [holder, session, booking] = await Promise.all([
          placeHolderById(sql, id),
          sessionByApplication(sql, id),
          applicationById(sql, id),
        ])
        if (!holder || !mayActFor(ctx, holder) || !session || !booking) throw new NotFoundError('Booking')
        return { ...booking, session, mine: holder.userId !== null && holder.userId === ctx.actor.userId }
      })
    },

    /**
     * Cancels a place (or withdraws an application) in writing. A place cancelled after the
     * last day of notice is charged at the agency's fee under the policy of the day it was
     * received; a freed place is offered to the waiting list.
     */
    async cancel(ctx: Context, id: string, note: string | null): Promise<Cancellation> {
      return done(
        db.tenant(scopeOf(ctx), async (sql) => {
          const now = clock.now()
          const [{ holder, session }, rules] = await Promise.all([
            lockPlace(sql, ctx, id),
            rulesInForceOn(sql, londonDateOf(now)),
          ])
          if (holder.status === 'cancelled' || holder.status === 'withdrawn')
            throw new ConflictError('This has already been cancelled')
          if (session.startsAt <= now)
            throw new ConflictError('The session has started, so the place can no longer be cancelled')
          const heldPlace = holder.status === 'confirmed'
          const deadline = noticeDeadline(londonDateOf(session.startsAt), rules)
          const sufficientNotice = londonDateOf(now) <= deadline
          const chargePence = heldPlace && !sufficientNotice ? cancellationChargePence(holder, rules) : 0
          // The writes do not depend on each other, so they are sent together.
          const written = Promise.all([
            sql.auditAs(heldPlace ? 'booking.cancel' : 'application.withdraw'),
            endApplication(sql, holder.id, {
              status: heldPlace ? 'cancelled' : 'withdrawn',
              reason: `${heldPlace ? 'cancelled' : 'withdrawn'} on ${londonDateText(now)}${
                heldPlace ? (sufficientNotice ? ' with enough notice' : ' without enough notice') : ''
              }`,
              by: ctx.actor.userId,
              note,
              now,
            }),
            recordCharge(sql, {
              partnershipId: ctx.partnership.id,
              agencyId: holder.agencyId,
              personId: holder.personId,
              sessionId: session.id,
              applicationId: holder.id,
              chargedOn: londonDateOf(now),
              reason: 'late_cancellation',
              amountPence: chargePence,
            }),
            tellPersonAndManager(
              sql,
              ctx.partnership.id,
              addressee(holder),
              cancellationReceived(session, addressee(holder), {
                heldPlace,
                sufficientNotice,
                chargePence,
                deadline,
                by: actedBy(ctx, holder),
              }),
            ),
          ])
          const freesPlace = heldPlace || holder.status === 'offered'
          if (holder.status !== 'waiting' && !freesPlace) {
            // Nothing follows from it: the booking as it now is, and the COMMIT, go with the writes.
            const both = Promise.all([written, bookingOf(sql, holder.id)])
            sql.commitNow()
            const [, booking] = await both
            return { booking, sufficientNotice, chargePence }
          }
          await written
          if (holder.status === 'waiting') {
            const list = await waitingList(sql, session.id)
            await renumberWaiting(
              sql,
              list.map((w) => w.id),
              null,
              now,
            )
          }
          if (freesPlace) await offerFreePlaces(sql, ctx.partnership.id, session, rules)
          return { booking: await bookingOf(sql, holder.id), sufficientNotice, chargePence }
        }),
      )
    },

    /** Accepts a place offered from the waiting list, if it is still free and the deadline has not passed. */
    async accept(ctx: Context, id: string): Promise<Application> {
      return done(
        db.tenant(scopeOf(ctx), async (sql) => {
          const { holder, session } = await lockPlace(sql, ctx, id)
          const now = clock.now()
          if (holder.status === 'confirmed') throw new ConflictError('This place is already confirmed')
          if (holder.status !== 'offered')
            throw new ConflictError('No place is on offer for this application')
          if (!holder.offerExpiresAt || holder.offerExpiresAt <= now)
            throw new ConflictError('The time to accept this place has passed')
          const { confirmed } = await placesTaken(sql, session.id)
          if (confirmed >= session.capacity)
            throw new ConflictError('Every place on this session has been taken')
          await sql.auditAs('booking.accept')
          await confirmPlace(
            sql,
            holder.id,
            `accepted a place from the waiting list on ${londonDateText(now)}`,
            now,
          )
          await tellPersonAndManager(
            sql,
            ctx.partnership.id,
            addressee(holder),
            placeConfirmed(
              session,
              addressee(holder),
              organiserOf(ctx, deps.mailFrom),
              bookingUrl(holder.id),
              now,
            ),
          )
          return bookingOf(sql, holder.id)
        }),
      )
    },

    /**
     * Passes a confirmed place to a colleague from the same agency before the session: no
     * shortlisting and no charge. Both people and the manager are told.
     */
    async substitute(
      ctx: Context,
      id: string,
      input: { personId: string; managerEmail?: string | null },
    ): Promise<{ booking: Application; replaced: Application }> {
      try {
        return await done(
          db.tenant(scopeOf(ctx), async (sql) => {
            const { holder, session } = await lockPlace(sql, ctx, id)
            const now = clock.now()
            if (holder.status !== 'confirmed')
              throw new ConflictError(
                holder.status === 'cancelled'
                  ? 'This place has already been cancelled or passed on'
                  : 'Only a confirmed place can be passed on',
              )
            if (session.startsAt <= now)
              throw new ConflictError('The session has started, so the place cannot be passed on')
            const person = await applicantById(sql, input.personId, session.id)
            if (!person || person.id === holder.personId)
              throw new ValidationError([
                { field: 'personId', text: `Select a colleague of ${holder.name} to go instead` },
              ])
            if (person.pending)
              throw new ValidationError([
                {
                  field: 'personId',
                  text: `${person.name}’s registration has not been confirmed by their agency yet`,
                },
              ])
            if (person.agencyId !== holder.agencyId)
              throw new ValidationError([
                { field: 'personId', text: `${person.name} is not in the agency the place was booked for` },
              ])
            if (await hasLiveApplication(sql, person.id, session.id))
              throw new ConflictError(`${person.name} already has a place or an application for this session`)
            if (person.clashesWith)
              throw new ValidationError([
                {
                  field: 'personId',
                  text: `${person.name} has applied for ${person.clashesWith} at the same time`,
                },
              ])
            await sql.auditAs('booking.substitute')
            await endApplication(sql, holder.id, {
              status: 'cancelled',
              reason: `passed to ${person.name} on ${londonDateText(now)}, without charge`,
              by: ctx.actor.userId,
              note: null,
              now,
            })
            const managerEmail = input.managerEmail ?? holder.managerEmail
            const newId = await insertSubstitute(
              sql,
              ctx.partnership.id,
              {
                sessionId: session.id,
                personId: person.id,
                agencyId: holder.agencyId,
                managerEmail,
                managerName: input.managerEmail ? null : holder.managerName,
                replaces: holder.id,
                reason: `took over the place of ${holder.name} on ${londonDateText(now)}`,
                by: ctx.actor.userId,
              },
              now,
            )
            const incoming = { name: person.name, email: person.email, managerEmail }
            await tellPersonAndManager(
              sql,
              ctx.partnership.id,
              addressee(holder),
              placePassedOn(session, addressee(holder), incoming, actedBy(ctx, holder)),
            )
            await tellPersonAndManager(
              sql,
              ctx.partnership.id,
              incoming,
              placeConfirmed(session, incoming, organiserOf(ctx, deps.mailFrom), bookingUrl(newId), now),
            )
            return { booking: await bookingOf(sql, newId), replaced: await bookingOf(sql, holder.id) }
          }),
        )
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError('That person already has a place or an application for this session')
        throw error
      }
    },

    /**
     * Moves an application to another date of the same course. Only before its session's
     * places are allocated: after that, the waiting list (and "another date would do") decide.
     */
    async move(ctx: Context, id: string, toSessionId: string): Promise<Application> {
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          const { holder, session } = await lockPlace(sql, ctx, id)
          const { shortlistingLeadWeeks } = await rulesInForceOn(sql, londonDateOf(clock.now()))
          if (holder.status !== 'applied' || session.shortlistProposedAt)
            throw new ConflictError(
              'Places for this session have been allocated, so the application can no longer be moved: it stays on the waiting list',
            )
          const target = isUuid(toSessionId) ? await sessionById(sql, toSessionId) : undefined
          if (!target || target.courseId !== session.courseId || target.id === session.id)
            throw new ValidationError([
              { field: 'sessionId', text: 'Select another date of the same course' },
            ])
          const refusal = joinsWaitingList(target)
            ? 'Places for that date have been allocated: apply for it to join its waiting list'
            : applyingRefusal(target, clock.now(), shortlistingLeadWeeks)
          if (refusal) throw new ValidationError([{ field: 'sessionId', text: refusal }])
          const clash = await clashingCourse(sql, holder.personId, target.id, session.id)
          if (clash)
            throw new ValidationError([
              { field: 'sessionId', text: `${holder.name} has applied for ${clash} at the same time` },
            ])
          await sql.auditAs('application.move')
          await sql.query(
            'UPDATE applications SET session_id = $2, reason = $3, updated_at = $4 WHERE id = $1',
            [holder.id, target.id, `moved from ${londonDateText(session.startsAt)}`, clock.now()],
          )
          return bookingOf(sql, holder.id)
        })
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('This person has already applied for that date')
        throw error
      }
    },

    /** An admin puts someone at a place on the waiting list, with a reason; their order then stands. */
    async reorderWaiting(ctx: Context, id: string, position: number, reason: string): Promise<Application> {
      requireRole(ctx, 'admin')
      const why = reason.trim()
      if (!why || why.length > 300)
        throw new ValidationError([
          { field: 'reason', text: 'Enter why you are moving them, in 300 characters or fewer' },
        ])
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { holder, session } = await lockPlace(sql, ctx, id)
        if (holder.status !== 'waiting') throw new ConflictError('They are not on the waiting list')
        const list = (await waitingList(sql, session.id)).map((w) => w.id).filter((w) => w !== holder.id)
        if (!Number.isInteger(position) || position < 1 || position > list.length + 1)
          throw new ValidationError([
            { field: 'position', text: `Enter a position from 1 to ${list.length + 1}` },
          ])
        list.splice(position - 1, 0, holder.id)
        const now = clock.now()
        await sql.auditAs('waiting-list.reorder')
        await renumberWaiting(
          sql,
          list,
          list.map((w, i) => (w === holder.id ? `waiting list ${i + 1}: moved by an admin (${why})` : null)),
          now,
        )
        await sql.query('UPDATE sessions SET waiting_list_reordered_at = $2, updated_at = $2 WHERE id = $1', [
          session.id,
          now,
        ])
        return bookingOf(sql, holder.id)
      })
    },
  }
}

export type Places = ReturnType<typeof createPlaces>
