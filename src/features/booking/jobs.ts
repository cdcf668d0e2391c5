import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { BookingService } from './service.ts'

export const SHORTLIST_JOB = 'booking.shortlist'
export const OFFERS_JOB = 'booking.offers'
export const REMINDERS_JOB = 'booking.reminders'

/**
 * The booking's scheduled work, for every partnership: propose allocations when applications
 * close, pass on offers not accepted in time (and offer places nothing else has), and remind
 * people of their places. Each pass
 * finds what is due from the data, so running one twice, or on two workers, changes nothing more.
 */
export function defineBookingJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  booking: Pick<BookingService, 'proposeDue' | 'lapseOffers' | 'offerUnclaimedPlaces' | 'sendReminders'>,
) {
  const everyPartnership =
    (pass: (p: Awaited<ReturnType<Partnerships['list']>>[number]) => Promise<number>) => async () => {
      for (const partnership of await partnerships.list()) await pass(partnership)
    }
  jobs.define(SHORTLIST_JOB, everyPartnership(booking.proposeDue), { cron: '*/15 * * * *' })
  jobs.define(
    OFFERS_JOB,
    everyPartnership(async (p) => (await booking.lapseOffers(p)) + (await booking.offerUnclaimedPlaces(p))),
    { cron: '*/5 * * * *' },
  )
  jobs.define(REMINDERS_JOB, everyPartnership(booking.sendReminders), { cron: '0 * * * *' })
}
