import type { PolicyRules } from '#features/policy/policy.ts'
import type { Session } from '#features/sessions/queries.ts'
import { sessionById } from '#features/sessions/queries.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf, systemContext } from '#platform/context.ts'
import type { BookingDeps } from './deps.ts'
import { addressee, offerLapsed, reminder, tellPersonAndManager } from './emails.ts'
import { createOfferer } from './offers.ts'
import {
  dueReminders,
  endApplication,
  lapsedOffers,
  lockApplication,
  sessionsWithUnclaimedPlaces,
} from './places-queries.ts'
import { lockSession } from './shortlisting-queries.ts'

const DAY = 86_400_000

/**
 * The booking's scheduled passes over a partnership: offers that lapse, places nothing has
 * offered, reminders. Each finds what is due from the data, so running one twice changes
 * nothing more.
 */
export function createScheduledPasses(deps: BookingDeps) {
  const { db, clock } = deps
  const offerFreePlaces = createOfferer(deps)
  const rulesNow = (ctx: Context): Promise<PolicyRules> => deps.policy.rulesOn(ctx, londonDateOf(clock.now()))

  return {
    /**
     * The scheduled pass: offers free places of shortlisted sessions that nothing else has
     * offered, such as places added when an admin raised a session's capacity.
     */
    async offerUnclaimedPlaces(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:booking.offers')
      const rules = await rulesNow(ctx)
      const now = clock.now()
      const sessions = await db.tenant(scopeOf(ctx), (sql) => sessionsWithUnclaimedPlaces(sql, now))
      for (const id of sessions) {
        await db.tenant(scopeOf(ctx), async (sql) => {
          await lockSession(sql, id)
          const session = await sessionById(sql, id)
          if (!session) return
          await sql.auditAs('booking.offer')
          await offerFreePlaces(sql, partnership.id, session, rules)
        })
      }
      if (sessions.length) deps.mailQueued?.()
      return sessions.length
    },

    /** The scheduled pass: offers that were not accepted in time pass on to the next person. */
    async lapseOffers(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:booking.offers')
      const rules = await rulesNow(ctx)
      const due = await db.tenant(scopeOf(ctx), (sql) => lapsedOffers(sql, clock.now()))
      let lapsed = 0
      for (const offer of due) {
        await db.tenant(scopeOf(ctx), async (sql) => {
          await lockSession(sql, offer.sessionId)
          const holder = await lockApplication(sql, offer.id)
          const session = await sessionById(sql, offer.sessionId)
          const now = clock.now()
          if (
            !holder ||
            !session ||
            holder.status !== 'offered' ||
            !holder.offerExpiresAt ||
            holder.offerExpiresAt > now
          )
            return
          await sql.auditAs('booking.offer-lapse')
          await endApplication(sql, holder.id, {
            status: 'withdrawn',
            reason: `did not accept the offered place by ${londonDateText(holder.offerExpiresAt)}`,
            by: null,
            note: null,
            now,
          })
          await tellPersonAndManager(
            sql,
            partnership.id,
            addressee(holder),
            offerLapsed(session, addressee(holder)),
          )
          await offerFreePlaces(sql, partnership.id, session, rules)
          lapsed++
        })
      }
      if (lapsed) deps.mailQueued?.()
      return lapsed
    },

    /** The scheduled pass: reminds each confirmed person (and their manager) a few days before, once. */
    async sendReminders(partnership: PartnershipRef): Promise<number> {
      const ctx = systemContext(partnership, 'job:booking.reminders')
      const { reminderDaysBefore } = await rulesNow(ctx)
      const now = clock.now()
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        const due = await dueReminders(sql, now, new Date(now.getTime() + reminderDaysBefore * DAY))
        await sql.auditAs('booking.remind')
        const sessions = new Map<string, Session | undefined>()
        for (const place of due) {
          if (!sessions.has(place.sessionId))
            sessions.set(place.sessionId, await sessionById(sql, place.sessionId))
          const session = sessions.get(place.sessionId)
          const holder = await lockApplication(sql, place.id)
          if (!session || !holder) continue
          await tellPersonAndManager(
            sql,
            partnership.id,
            addressee(holder),
            reminder(session, addressee(holder)),
          )
          await sql.query('UPDATE applications SET reminded_at = $2 WHERE id = $1', [place.id, now])
        }
        return due.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },
  }
}
