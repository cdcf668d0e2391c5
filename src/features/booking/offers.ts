import type { PolicyRules } from '#features/policy/policy.ts'
import type { Session } from '#features/sessions/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateText } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import { rankWaiting } from './allocation.ts'
import { addressee, placeOffered, tellPersonAndManager } from './emails.ts'
import { lockApplication, offerPlace, placesTaken, waitingList } from './places-queries.ts'
import { candidatesFor, holdersOf, renumberWaiting } from './shortlisting-queries.ts'

const HOUR = 3_600_000

type Waiting = Awaited<ReturnType<typeof waitingList>>[number]

/**
 * The order a session's waiting list stands in: by the aims against who holds places now (each
 * with its reason), those held for a registration or an approval last; or, once an admin has
 * ordered it by hand, that order, with no new reasons.
 */
export async function waitingOrder(
  sql: Sql,
  session: Session,
  list: readonly Waiting[],
  now: Date,
): Promise<{ order: string[]; reasons: (string | null)[] | null }> {
  if (session.waitingListReorderedAt) return { order: list.map((w) => w.id), reasons: null }
  const ids = new Set(list.filter((w) => !w.held).map((w) => w.id))
  const candidates = (await candidatesFor(sql, [session], now)).filter((c) => ids.has(c.id) && !c.otherDate)
  const ranked = rankWaiting({
    waiting: candidates,
    holders: await holdersOf(sql, [session.id]),
    seed: session.shortlistSeed ?? 0,
  })
  const placed = new Set(ranked.map((d) => d.id))
  const rest = list.filter((w) => !placed.has(w.id)).map((w) => w.id)
  return {
    order: [...ranked.map((d) => d.id), ...rest],
    reasons: [...ranked.map((d) => d.reason), ...rest.map(() => null)],
  }
}

/** Offering freed places from a session's waiting list, inside the transaction that freed them. */
export function createOfferer(deps: { clock: Clock; publicUrl: string }) {
  const { clock } = deps
  const bookingUrl = (id: string) => `${deps.publicUrl}/bookings/${id}`

  /**
   * Offers each free place of a shortlisted session to the next person on its waiting list:
   * whom the aims choose against who now holds places, or the head of the list once an admin
   * has ordered it by hand. People whose registration is unconfirmed are passed over.
   */
  async function offerFreePlaces(sql: Sql, partnershipId: string, session: Session, rules: PolicyRules) {
    const now = clock.now()
    if (!session.shortlistedAt || session.status === 'cancelled' || session.startsAt <= now) return
    const taken = await placesTaken(sql, session.id)
    let free = session.capacity - taken.confirmed - taken.offered
    while (free > 0) {
      const list = await waitingList(sql, session.id)
      const eligible = list.filter((w) => !w.held)
      if (!eligible.length) return
      const { order, reasons } = await waitingOrder(sql, session, list, now)
      const next = order.find((id) => eligible.some((w) => w.id === id))
      if (!next) return
      const expiresAt = new Date(
        Math.min(now.getTime() + rules.offerResponseHours * HOUR, session.startsAt.getTime()),
      )
      await offerPlace(
        sql,
        next,
        `offered a freed place on ${londonDateText(now)}, to accept by ${londonDateText(expiresAt)}`,
        expiresAt,
        now,
      )
      const rest = order.map((id, i) => ({ id, reason: reasons?.[i] ?? null })).filter((r) => r.id !== next)
      await renumberWaiting(
        sql,
        rest.map((r) => r.id),
        reasons ? rest.map((r) => r.reason) : null,
        now,
      )
      const offered = await lockApplication(sql, next)
      if (offered)
        await tellPersonAndManager(
          sql,
          partnershipId,
          addressee(offered),
          placeOffered(session, addressee(offered), expiresAt, bookingUrl(next)),
        )
      free--
    }
  }

  return offerFreePlaces
}
