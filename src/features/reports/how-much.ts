import { deliveryMethodNames } from '#features/courses/forms.ts'
import { sectorNames, workforceNames } from '#features/directory/page-forms.ts'
import type { DeliveryBreakdowns, DeliveryTotals } from './delivery.ts'
import type { Breakdown, Section } from './figures.ts'
import { breakdownOf, figureOf, perPeriod, rateOf } from './figures.ts'

/** Those who came, by agency, by their agency's sector and workforce, and by their own tier. */
function attendeeBreakdowns(breakdowns: DeliveryBreakdowns): Breakdown[] {
  const came = breakdowns.agencies.filter((a) => a.attendees > 0)
  return [
    breakdownOf(
      'attendees-by-agency',
      'Attendees by agency',
      came.map((a) => ({ which: a.which, key: a.agencyId, label: a.agencyName, n: a.attendees })),
    ),
    breakdownOf(
      'attendees-by-sector',
      'Attendees by sector',
      came.map((a) => ({
        which: a.which,
        key: a.sector,
        label: sectorNames[a.sector as keyof typeof sectorNames] ?? a.sector,
        n: a.attendees,
      })),
    ),
    breakdownOf(
      'attendees-by-workforce',
      'Attendees by the workforce their agency serves',
      came.map((a) => ({
        which: a.which,
        key: a.workforce,
        label: workforceNames[a.workforce as keyof typeof workforceNames] ?? a.workforce,
        n: a.attendees,
      })),
    ),
    breakdownOf(
      'attendees-by-tier',
      'Attendees by tier',
      breakdowns.tiers.map((t) => ({
        which: t.which,
        key: t.tier,
        label: t.tier || 'No tier recorded',
        n: t.attendees,
      })),
    ),
  ]
}

/**
 * "How much did we do?": sessions delivered, the delivery they took against the capacity
 * policy, places offered, applications made, and people who came; with the breakdowns asked
 * for, sessions by delivery method and theme, and those who came by agency, sector, workforce
 * and tier.
 */
export function howMuch(totals: DeliveryTotals[], breakdowns: DeliveryBreakdowns | null): Section {
  const of = (field: keyof Omit<DeliveryTotals, 'which'>) => perPeriod(totals, field)
  const capacity = breakdowns ? perPeriod(breakdowns.capacity, 'halfDays') : null
  return {
    id: 'how-much',
    title: 'How much did we do?',
    figures: [
      figureOf('sessions-delivered', 'Sessions delivered', of('sessions')),
      // Half days, as the programme plans them: a part of up to four hours is half a day.
      figureOf('delivery-half-days', 'Delivery, in half days', of('halfDays')),
      ...(capacity
        ? [
            figureOf('capacity-half-days', 'Delivery the capacity policy allows, in half days', capacity),
            rateOf('capacity-used', 'Delivery, of what the capacity policy allows', of('halfDays'), capacity),
          ]
        : []),
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
            'sessions-by-theme',
            'Sessions delivered by theme (a course with several themes counts under each)',
            breakdowns.themes.map((t) => ({
              which: t.which,
              key: t.themeId,
              label: t.theme || 'No theme',
              n: t.sessions,
            })),
            false,
          ),
          ...attendeeBreakdowns(breakdowns),
        ]
      : [],
  }
}
