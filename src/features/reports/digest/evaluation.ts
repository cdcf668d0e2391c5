import type { Impact } from '#features/evaluation/impact.ts'
import type { PlanOutcome, Stage } from '#features/evaluation/stages.ts'
import type { Which } from '../figures.ts'
import { SMALL } from '../page.ts'
import type { DigestFigure } from './figures.ts'

/** One objective's (or question's) average confidence at each stage; null when too few gave one. */
export type ConfidenceLine = {
  label: string
  atBooking: number | null
  afterCourse: number | null
  followUp: number | null
  change: number | null
}

/** The impact view of one agency's staff for the period: figures beside the periods before, and the detail. */
export type StaffEvaluation = {
  figures: DigestFigure[]
  /** This period's questionnaires answered of those asked, at each stage. */
  responses: { stage: Stage; eligible: number; responded: number }[]
  confidence: ConfidenceLine[]
  plans: { outcome: PlanOutcome; n: number }[]
}

const periods: Which[] = ['current', 'previous', 'lastYear']

/**
 * The evaluation results of an agency's staff from the impact view of their own answers, in
 * each period. An average is withheld (null) where fewer than five people gave a score, as the
 * published report suppresses small counts of people: the average of two or three answers can
 * say what one person answered, and the lead knows who went.
 */
export function staffEvaluation(impacts: Record<Which, Impact>): StaffEvaluation {
  const each = (value: (impact: Impact) => number | null) =>
    Object.fromEntries(periods.map((w) => [w, value(impacts[w])])) as Record<Which, number | null>
  const rate = (stage: Stage) => (impact: Impact) => {
    const line = impact.rates.find((r) => r.stage === stage)
    return line?.eligible ? Math.round((line.responded / line.eligible) * 100) : 0
  }
  const responded = (impact: Impact, stage: Stage) =>
    impact.rates.find((r) => r.stage === stage)?.responded ?? 0
  // The headline compares booking with the latest stage answered; both must have enough answers.
  const change = (impact: Impact) =>
    impact.headline &&
    responded(impact, 'at_booking') >= SMALL &&
    responded(impact, impact.headline.stage) >= SMALL
      ? Math.round(impact.headline.change * 10)
      : null
  const figure = (
    id: string,
    label: string,
    unit: DigestFigure['unit'],
    values: Record<Which, number | null>,
  ): DigestFigure => ({
    id,
    label,
    unit,
    value: values.current,
    previous: values.previous,
    lastYear: values.lastYear,
  })
  const current = impacts.current
  const enough = (score: { average: number | null; n: number }) => (score.n >= SMALL ? score.average : null)
  return {
    figures: [
      figure(
        'after-course-response-rate',
        'Answered after the course, of those who came',
        'percent',
        each(rate('after_course')),
      ),
      figure(
        'follow-up-response-rate',
        'Answered at follow-up, of those asked',
        'percent',
        each(rate('follow_up')),
      ),
      figure('confidence-change', 'Change in average confidence, 0 to 10', 'tenths', each(change)),
    ],
    responses: current.rates.map((r) => ({ stage: r.stage, eligible: r.eligible, responded: r.responded })),
    confidence: current.confidence.map((line) => {
      const atBooking = enough(line.scores.at_booking)
      const afterCourse = enough(line.scores.after_course)
      const followUp = enough(line.scores.follow_up)
      const latest = followUp ?? afterCourse
      return {
        label: line.label,
        atBooking,
        afterCourse,
        followUp,
        change: latest !== null && atBooking !== null ? Math.round((latest - atBooking) * 10) / 10 : null,
      }
    }),
    plans: current.plans,
  }
}
