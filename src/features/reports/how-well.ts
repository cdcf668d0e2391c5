import type { DeliveryFacts } from './delivery.ts'
import { summed } from './delivery.ts'
import type { Section } from './figures.ts'
import { breakdownOf, figureOf, rateOf } from './figures.ts'

/**
 * "How well did we do it?": how full the sessions were, how many of those with places came,
 * no-shows (every part marked absent) and late cancellations, and how many who came answered
 * the evaluation after the course and at follow-up; no-shows by agency.
 */
export function howWell(facts: DeliveryFacts): Section {
  const of = (field: 'taken' | 'attendees' | 'noShows' | 'afterCourse' | 'followUp') =>
    summed(facts.agencies, field)
  const places = summed(facts.sessions, 'places')
  return {
    id: 'how-well',
    title: 'How well did we do it?',
    figures: [
      rateOf('fill-rate', 'Places taken, of those offered', of('taken'), places),
      rateOf('attendance-rate', 'Came, of those with places', of('attendees'), of('taken')),
      figureOf('no-shows', 'No-shows', of('noShows')),
      rateOf('no-show-rate', 'No-shows, of those with places', of('noShows'), of('taken')),
      figureOf('late-cancellations', 'Late cancellations', summed(facts.totals, 'lateCancellations')),
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
    breakdowns: [
      breakdownOf(
        'no-shows-by-agency',
        'No-shows by agency',
        facts.agencies
          .filter((a) => a.noShows > 0)
          .map((a) => ({ which: a.which, key: a.agencyId, label: a.agencyName, n: a.noShows })),
      ),
    ],
  }
}
