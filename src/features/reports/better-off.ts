import type { Impact } from '#features/evaluation/impact.ts'
import type { Bounds, Section, Which } from './figures.ts'
import { figureOf, rateOf } from './figures.ts'

/** The last day of a period whose bounds end on the first day after it. */
export const lastDayOf = (end: string) => {
  const day = new Date(`${end}T12:00:00Z`)
  day.setUTCDate(day.getUTCDate() - 1)
  return day.toISOString().slice(0, 10)
}

/** The evaluation's impact for each of the three periods, by the sessions held in them. */
export type ImpactOf = (from: string, to: string) => Promise<Impact>

/**
 * "Is anyone better off?": from the impact view of the sessions held in each period, the
 * average confidence (0 to 10, kept as tenths) at booking and at the latest stage answered, and
 * the action plans reported done at follow-up, of those reported on.
 */
export async function betterOff(impactOf: ImpactOf, bounds: Bounds): Promise<Section> {
  const periods: Which[] = ['current', 'previous', 'lastYear']
  // A year's period before is the same year a year earlier: each distinct period is read once.
  const distinct = new Map<string, Promise<Impact>>()
  const once = (w: Which) => {
    const [from, to] = bounds[w]
    const key = `${from}/${to}`
    if (!distinct.has(key)) distinct.set(key, impactOf(from, lastDayOf(to)))
    return distinct.get(key) as Promise<Impact>
  }
  const impacts = await Promise.all(periods.map(once))
  const each = (value: (impact: Impact) => number) =>
    Object.fromEntries(periods.map((w, i) => [w, value(impacts[i] as Impact)])) as Record<Which, number>
  const tenths = (n: number | undefined) => Math.round((n ?? 0) * 10)
  const plans = (impact: Impact, outcome?: string) =>
    impact.plans.filter((p) => !outcome || p.outcome === outcome).reduce((n, p) => n + p.n, 0)
  const score = (id: string, label: string, value: (impact: Impact) => number) => ({
    ...figureOf(id, label, each(value)),
    unit: 'tenths' as const,
  })
  return {
    id: 'better-off',
    title: 'Is anyone better off?',
    figures: [
      score('confidence-at-booking', 'Average confidence at booking, 0 to 10', (i) =>
        tenths(i.headline?.before),
      ),
      score('confidence-latest', 'Average confidence after the course or at follow-up, 0 to 10', (i) =>
        tenths(i.headline?.after),
      ),
      score('confidence-change', 'Change in average confidence', (i) => tenths(i.headline?.change)),
      rateOf(
        'action-plans-done',
        'Action plans reported done at follow-up, of those reported on',
        each((i) => plans(i, 'done')),
        each((i) => plans(i)),
      ),
    ],
    breakdowns: [],
  }
}
