import type { Impact } from '#features/evaluation/impact.ts'
import type { Bounds, Breakdown, Figure, Section, Which } from './figures.ts'
import { breakdownOf, figureOf, rateOf } from './figures.ts'

/** The last day of a period whose bounds end on the first day after it. */
export const lastDayOf = (end: string) => {
  const day = new Date(`${end}T12:00:00Z`)
  day.setUTCDate(day.getUTCDate() - 1)
  return day.toISOString().slice(0, 10)
}

/** The evaluation's impact for each of the three periods, by the sessions held in them. */
export type ImpactOf = (from: string, to: string) => Promise<Impact>

/** What the impact view adds to the report: agreement for "How well", confidence and plans for "Is anyone better off". */
export type ImpactParts = { howWell: { figures: Figure[]; breakdowns: Breakdown[] }; betterOff: Section }

const periods: Which[] = ['current', 'previous', 'lastYear']
const tenths = (n: number | null | undefined) => Math.round((n ?? 0) * 10)
const score = (figure: Figure): Figure => ({ ...figure, unit: 'tenths' })

/** A line's score at the latest stage answered: follow-up, else after the course, else at booking. */
const latest = (line: Impact['agreement'][number]) =>
  line.scores.follow_up.average !== null
    ? line.scores.follow_up
    : line.scores.after_course.average !== null
      ? line.scores.after_course
      : line.scores.at_booking

/**
 * From the impact view of the sessions held in each period (read once per distinct period):
 * for "How well did we do it?", the average agreement (1 to 5, kept as tenths) with the
 * evaluation's statements, overall and per statement, at the latest stage each was answered;
 * for "Is anyone better off?", the average confidence (0 to 10, kept as tenths) at booking and
 * at the latest stage answered, and the change, overall and per objective, and the action plans
 * reported done at follow-up, of those reported on. Breakdowns of scores are in tenths.
 */
export async function impactParts(impactOf: ImpactOf, bounds: Bounds): Promise<ImpactParts> {
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
  const plans = (impact: Impact, outcome?: string) =>
    impact.plans.filter((p) => !outcome || p.outcome === outcome).reduce((n, p) => n + p.n, 0)
  // Agreement over every answer to every statement, each statement's average weighted by its answers.
  const agreement = (impact: Impact) => {
    const answered = impact.agreement.map(latest).filter((s) => s.average !== null && s.n > 0)
    const n = answered.reduce((sum, s) => sum + s.n, 0)
    return n ? answered.reduce((sum, s) => sum + (s.average ?? 0) * s.n, 0) / n : 0
  }
  const lines = (
    id: string,
    title: string,
    of: (impact: Impact) => { label: string; value: number | null }[],
  ): Breakdown => ({
    ...breakdownOf(
      id,
      title,
      impacts.flatMap((impact, i) =>
        of(impact)
          .filter((l) => l.value !== null)
          .map((l) => ({ which: periods[i] as Which, key: l.label, label: l.label, n: tenths(l.value) })),
      ),
      false,
    ),
    unit: 'tenths',
  })
  return {
    howWell: {
      figures: [
        score(
          figureOf(
            'agreement-average',
            'Average agreement with the evaluation’s statements, 1 to 5',
            each((i) => tenths(agreement(i))),
          ),
        ),
      ],
      breakdowns: [
        lines('agreement-by-statement', 'Average agreement with each statement, 1 to 5', (i) =>
          i.agreement.map((l) => ({ label: l.label, value: latest(l).average })),
        ),
      ],
    },
    betterOff: {
      id: 'better-off',
      title: 'Is anyone better off?',
      figures: [
        score(
          figureOf(
            'confidence-at-booking',
            'Average confidence at booking, 0 to 10',
            each((i) => tenths(i.headline?.before)),
          ),
        ),
        score(
          figureOf(
            'confidence-latest',
            'Average confidence after the course or at follow-up, 0 to 10',
            each((i) => tenths(i.headline?.after)),
          ),
        ),
        score(
          figureOf(
            'confidence-change',
            'Change in average confidence',
            each((i) => tenths(i.headline?.change)),
          ),
        ),
        rateOf(
          'action-plans-done',
          'Action plans reported done at follow-up, of those reported on',
          each((i) => plans(i, 'done')),
          each((i) => plans(i)),
        ),
      ],
      breakdowns: [
        lines(
          'confidence-change-by-objective',
          'Change in average confidence from booking to the latest stage, per objective',
          (i) => i.confidence.map((l) => ({ label: l.label, value: l.change })),
        ),
      ],
    },
  }
}

/** "Is anyone better off?" from the impact view alone. */
export async function betterOff(impactOf: ImpactOf, bounds: Bounds): Promise<Section> {
  return (await impactParts(impactOf, bounds)).betterOff
}

/**
 * The report's sections with the impact view's parts in place: agreement after the rest of "How
 * well did we do it?", and the impact view's figures first in "Is anyone better off?", before
 * those read from the other features.
 */
export function withImpact(sections: readonly Section[], parts: ImpactParts): Section[] {
  const placed = sections.map((s) =>
    s.id === 'how-well'
      ? {
          ...s,
          figures: [...s.figures, ...parts.howWell.figures],
          breakdowns: [...s.breakdowns, ...parts.howWell.breakdowns],
        }
      : s.id === 'better-off'
        ? {
            ...s,
            figures: [...parts.betterOff.figures, ...s.figures],
            breakdowns: [...parts.betterOff.breakdowns, ...s.breakdowns],
          }
        : s,
  )
  return placed.some((s) => s.id === 'better-off') ? placed : [...placed, parts.betterOff]
}
