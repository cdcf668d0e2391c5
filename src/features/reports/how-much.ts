import { deliveryMethodNames } from '#features/courses/forms.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import type { DeliveryBreakdowns, DeliveryTotals } from './delivery.ts'
import type { Section } from './figures.ts'
import { breakdownOf, figureOf, perPeriod } from './figures.ts'

/**
 * "How much did we do?": sessions delivered, places offered, applications made, and people who
 * came; by delivery method and by their agency's sector when the breakdowns are asked for.
 */
export function howMuch(totals: DeliveryTotals[], breakdowns: DeliveryBreakdowns | null): Section {
  const of = (field: keyof Omit<DeliveryTotals, 'which'>) => perPeriod(totals, field)
  return {
    id: 'how-much',
    title: 'How much did we do?',
    figures: [
      figureOf('sessions-delivered', 'Sessions delivered', of('sessions')),
      figureOf('places-offered', 'Places offered', of('places')),
      figureOf('applications', 'Applications', of('applications')),
      figureOf('attendees', 'Attendees', of('attendees')),
    ],
    breakdowns: breakdowns
      ? [
          breakdownOf(
            'sessions-by-method',
            'Sessions delivered by delivery method',
            breakdowns.methods.map((s) => ({
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
            breakdowns.agencies
              .filter((a) => a.attendees > 0)
              .map((a) => ({
                which: a.which,
                key: a.sector,
                label: sectorNames[a.sector as keyof typeof sectorNames] ?? a.sector,
                n: a.attendees,
              })),
          ),
        ]
      : [],
  }
}
