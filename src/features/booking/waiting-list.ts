import type { PolicyRules } from '#features/policy/policy.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import { londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import type { BookingDeps } from './deps.ts'
import { joinedWaitingList, tellPersonAndManager } from './emails.ts'
import { createOfferer, waitingOrder } from './offers.ts'
import { waitingList } from './places-queries.ts'
import type { Application } from './queries.ts'
import { applicationById } from './queries.ts'
import { renumberWaiting } from './shortlisting-queries.ts'

/**
 * Whether applying for a session now means joining its waiting list: its places have been
 * allocated and confirmed, perhaps before its applications closed, and it keeps taking
 * applications until it starts.
 */
export function joinsWaitingList(session: Pick<Session, 'shortlistedAt' | 'status'>): boolean {
  return session.shortlistedAt !== null && (session.status === 'shortlisted' || session.status === 'full')
}

/**
 * Joining a session's waiting list once its places are allocated. The waiting list stands in
 * the order the aims give (or the admin's order, once they have set one), and each free place,
 * never allocated or freed since, is offered at once by the same aims through the offers
 * every other freed place goes through. One transaction, behind the session's lock, so two
 * people joining for the last free place get one offer between them.
 */
export function createWaitingList(deps: BookingDeps) {
  const { clock } = deps
  const offerFreePlaces = createOfferer(deps)

  return {
    /**
     * Puts a new application for an allocated session on its waiting list, offers any free
     * place, and tells the person where they stand (an offer tells them itself). Called in
     * the applying transaction, after the application is made.
     */
    async joinWaitingList(
      sql: Sql,
      ctx: Context,
      sessionId: string,
      applicationId: string,
      rules: PolicyRules,
    ): Promise<Application> {
      // The application's insert holds a key-share lock on the session, as another joining may:
      // a no-key-update lock still queues joiners (and every FOR UPDATE) without deadlocking them.
      await sql.query('SELECT 1 FROM sessions WHERE id = $1 FOR NO KEY UPDATE', [sessionId])
      const session = await sessionById(sql, sessionId)
      if (!session) throw new NotFoundError('Session')
      const now = clock.now()
      await sql.query(
        `UPDATE applications SET status = 'waiting', reason = $2, updated_at = $3
          WHERE id = $1 AND status = 'applied'`,
        [applicationId, `waiting list 0: joined on ${londonDateText(now)}, after places were allocated`, now],
      )
      const list = await waitingList(sql, session.id)
      const { order, reasons } = await waitingOrder(sql, session, list, now)
      await renumberWaiting(sql, order, reasons, now)
      await offerFreePlaces(sql, ctx.partnership.id, session, rules)
      const joined = await applicationById(sql, applicationId)
      if (!joined) throw new NotFoundError('Application')
      if (joined.status === 'waiting')
        await tellPersonAndManager(
          sql,
          ctx.partnership.id,
          { name: joined.name, email: joined.email, managerEmail: joined.managerEmail },
          joinedWaitingList(session, joined, joined.waitingPosition),
        )
      return joined
    },
  }
}

/** Where applying leads: the booking, whose banner says whether it joined a waiting list or was offered a place. */
export function afterApplying(application: Pick<Application, 'id'>): string {
  return `/bookings/${application.id}?done=applied`
}
