import { addMonths } from '#features/compliance/rules.ts'
import { unanswered } from '#features/learning/dissemination/queries.ts'
import type { ChaseStage } from '#features/learning/dissemination/rules.ts'
import { chaseStage } from '#features/learning/dissemination/rules.ts'
import { rollup } from '#features/pathways/standing/queries.ts'
import { DUE_SOON_MONTHS } from '#features/pathways/standing/rules.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Calendar } from '../calendar.ts'
import type { Bounds } from '../figures.ts'
import { figureOf, penceOf, perPeriod, rateOf } from '../figures.ts'
import type { DigestSection } from './figures.ts'
import type { AgencyDelivery } from './queries.ts'
import { agencyActionCounts, agencyDelivery, agencyDisseminationCounts } from './queries.ts'

/** The agency's staff against their pathways today, as the compliance roll-up counts them. */
export type StaffCompliance = {
  /** Current staff with a pathway set, and of them in each standing. */
  onPathway: number
  current: number
  dueSoon: number
  overdue: number
  notEvidenced: number
  noPathway: number
  /** Up to date, of those on a pathway, as a whole percentage. */
  upToDatePercent: number
}

/** A product sent to the agency that it has not yet answered, and how far it has been chased. */
export type ReturnDue = { productId: string; productTitle: string; firstSentOn: string; stage: ChaseStage }

/** What a digest reads in one transaction: every figure but the evaluation's, and what stands today. */
export type AgencyFacts = {
  sections: DigestSection[]
  compliance: StaffCompliance
  returnsDue: ReturnDue[]
  actions: { open: number; overdue: number }
}

/**
 * One agency's figures for a period beside the period before and the same period a year
 * earlier, each feature read in one statement over the three periods, and what stands today:
 * its staff's compliance, the products waiting for its answer, its open and overdue actions.
 * Uptake is read against today's headcount for every period, as headcounts are not kept per
 * period.
 */
export async function agencyFacts(
  sql: Sql,
  on: {
    partnershipId: string
    agencyId: string
    headcount: number
    bounds: Bounds
    today: string
    calendar: Calendar
  },
): Promise<AgencyFacts> {
  const { agencyId, bounds, today } = on
  const delivery = await agencyDelivery(sql, bounds, agencyId)
  const dissemination = await agencyDisseminationCounts(sql, bounds, agencyId)
  const actions = await agencyActionCounts(sql, bounds, agencyId, today)
  const standing = await rollup(sql, {
    partnershipId: on.partnershipId,
    today,
    soon: addMonths(today, DUE_SOON_MONTHS),
    agencyIds: [agencyId],
    pathwayId: null,
  })
  const waiting = await unanswered(sql, today, [agencyId])

  const served = (field: Exclude<keyof AgencyDelivery, 'which'>) => perPeriod(delivery, field)
  const headcount = { current: on.headcount, previous: on.headcount, lastYear: on.headcount }
  const sum = (field: 'current' | 'dueSoon' | 'overdue' | 'notEvidenced' | 'noPathway') =>
    standing.reduce((n, r) => n + r[field], 0)
  const onPathway = sum('current') + sum('dueSoon') + sum('overdue') + sum('notEvidenced')
  // Open and overdue are today's, the same on every period's row.
  const owned = actions[0] ?? { open: 0, overdue: 0 }
  return {
    sections: [
      {
        id: 'uptake',
        title: 'Uptake against headcount',
        figures: [
          rateOf('uptake', 'Staff who came, of the agency’s headcount', served('staffCame'), headcount),
          figureOf('staff-came', 'Staff who came, each counted once', served('staffCame')),
          figureOf('places-taken', 'Places taken', served('taken')),
          figureOf('places-attended', 'Places attended', served('attended')),
        ],
      },
      {
        id: 'no-shows',
        title: 'No-shows and their charges',
        figures: [
          figureOf('no-shows', 'No-shows', served('noShows')),
          rateOf('no-show-rate', 'No-shows, of places taken', served('noShows'), served('taken')),
          figureOf('no-show-charges', 'Charges raised for no-shows', served('noShowCharges')),
          penceOf('no-show-charged', 'Charged for no-shows, not waived', served('noShowChargedPence')),
          penceOf('no-show-waived', 'Charges for no-shows waived', served('noShowWaivedPence')),
        ],
      },
      {
        id: 'dissemination',
        title: 'Learning passed on',
        figures: [
          figureOf('products-sent', 'Learning products sent to the agency', perPeriod(dissemination, 'sent')),
          figureOf(
            'products-answered',
            'Learning products the agency answered',
            perPeriod(dissemination, 'answered'),
          ),
        ],
      },
      {
        id: 'actions',
        title: 'Actions the agency owns',
        figures: [
          figureOf('actions-due', 'Actions falling due', perPeriod(actions, 'due')),
          figureOf('actions-due-done', 'Of those, done', perPeriod(actions, 'done')),
        ],
      },
    ],
    compliance: {
      onPathway,
      current: sum('current'),
      dueSoon: sum('dueSoon'),
      overdue: sum('overdue'),
      notEvidenced: sum('notEvidenced'),
      noPathway: sum('noPathway'),
      upToDatePercent: onPathway ? Math.round((sum('current') / onPathway) * 100) : 0,
    },
    returnsDue: waiting.map((u) => ({
      productId: u.productId,
      productTitle: u.productTitle,
      firstSentOn: u.firstSentOn,
      stage: chaseStage({
        firstSentOn: u.firstSentOn,
        today,
        days: on.calendar.disseminationReminderDays,
        answered: false,
      }),
    })),
    actions: { open: owned.open, overdue: owned.overdue },
  }
}
