import { deliveryMethodNames } from '#features/courses/forms.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import type { DeliveryFacts } from './delivery.ts'
import { summed } from './delivery.ts'
import type { Section } from './figures.ts'
import { breakdownOf, figureOf } from './figures.ts'

/**
 * "How much did we do?": sessions delivered and by delivery method, places offered,
 * applications made, and people who came (marked on a register as anything but absent), by
 * their agency's sector; each for the period, the one before and the same one a year earlier.
 */
export function howMuch(facts: DeliveryFacts): Section {
  return {
    id: 'how-much',
    title: 'How much did we do?',
    figures: [
      figureOf('sessions-delivered', 'Sessions delivered', summed(facts.sessions, 'sessions')),
      figureOf('places-offered', 'Places offered', summed(facts.sessions, 'places')),
      figureOf('applications', 'Applications', summed(facts.totals, 'applications')),
      figureOf('attendees', 'Attendees', summed(facts.agencies, 'attendees')),
    ],
    breakdowns: [
      breakdownOf(
        'sessions-by-method',
        'Sessions delivered by delivery method',
        facts.sessions.map((s) => ({
          which: s.which,
          key: s.method,
          label: deliveryMethodNames[s.method as keyof typeof deliveryMethodNames] ?? s.method,
          n: s.sessions,
        })),
        false,
      ),
      breakdownOf(
        'attendees-by-sector',
        'Attendees by sector',
        facts.agencies
          .filter((a) => a.attendees > 0)
          .map((a) => ({
            which: a.which,
            key: a.sector,
            label: sectorNames[a.sector as keyof typeof sectorNames] ?? a.sector,
            n: a.attendees,
          })),
      ),
    ],
  }
}
