import type { DeliveryBreakdowns, DeliveryTotals } from './delivery.ts'
import type { Section } from './figures.ts'
import { breakdownOf, figureOf, perPeriod, rateBreakdownOf, rateOf } from './figures.ts'

/**
 * "How well did we do it?": how full the sessions were, how many of those with places came,
 * no-shows (every part marked absent) and late cancellations, and how many who came answered
 * the evaluation after the course and at follow-up; with the breakdowns asked for, by agency
 * the no-shows, and the attendance and no-show rates of those with places.
 */
export function howWell(totals: DeliveryTotals[], breakdowns: DeliveryBreakdowns | null): Section {
  const of = (field: keyof Omit<DeliveryTotals, 'which'>) => perPeriod(totals, field)
  // Agencies that held no place in any of the periods have no rate to show.
  const withPlaces = breakdowns?.agencies.filter((a) => a.taken > 0) ?? []
  const rateByAgency = (id: string, title: string, part: 'attendees' | 'noShows') =>
    rateBreakdownOf(
      id,
      title,
      withPlaces.map((a) => ({
        which: a.which,
        key: a.agencyId,
        label: a.agencyName,
        part: a[part],
        whole: a.taken,
      })),
    )
  return {
    id: 'how-well',
    title: 'How well did we do it?',
    figures: [
      rateOf('fill-rate', 'Places taken, of those offered', of('taken'), of('places')),
      rateOf('attendance-rate', 'Came, of those with places', of('attendees'), of('taken')),
      figureOf('no-shows', 'No-shows', of('noShows')),
      rateOf('no-show-rate', 'No-shows, of those with places', of('noShows'), of('taken')),
      figureOf('late-cancellations', 'Late cancellations', of('lateCancellations')),
      rateOf(
        'at-booking-response-rate',
        'Answered at booking, of the applications made',
        of('atBooking'),
        of('applications'),
      ),
      rateOf(
        'after-course-response-rate',
        'Answered after the course, of those who came',
        of('afterCourse'),
        of('attendees'),
      ),
      rateOf(
        'follow-up-response-rate',
        'Answered at follow-up, of those who came',
        of('followUp'),
        of('attendees'),
      ),
    ],
    breakdowns: breakdowns
      ? [
          breakdownOf(
            'no-shows-by-agency',
            'No-shows by agency',
            breakdowns.agencies
              .filter((a) => a.noShows > 0)
              .map((a) => ({ which: a.which, key: a.agencyId, label: a.agencyName, n: a.noShows })),
          ),
          rateByAgency('attendance-rate-by-agency', 'Came, of those with places, by agency', 'attendees'),
          rateByAgency('no-show-rate-by-agency', 'No-shows, of those with places, by agency', 'noShows'),
        ]
      : [],
  }
}
