import { barChart } from '#platform/views/charts.ts'
import type { Breakdown, Figure, Section } from './figures.ts'
import type { Report } from './service.ts'

/** Below this, a count of people is shown as "fewer than 5": few enough to point at someone. */
export const SMALL = 5

/** A count as published: a small count of people is suppressed, never shown exactly. */
export function shown(value: number, aboutPeople: boolean): string {
  if (aboutPeople && value > 0 && value < SMALL) return `fewer than ${SMALL}`
  return value.toLocaleString('en-GB')
}

const tenths = (value: number) => (value / 10).toFixed(1)
export const formatted = (f: Figure, value: number) =>
  f.unit === 'percent' ? `${value}%` : f.unit === 'tenths' ? tenths(value) : value.toLocaleString('en-GB')

/** How a figure changed since the period before, in words. */
export function changeText(f: Figure): string {
  const by = f.value - f.previous
  if (by === 0) return 'No change'
  const amount =
    f.unit === 'percent'
      ? `${Math.abs(by)} points`
      : f.unit === 'tenths'
        ? tenths(Math.abs(by))
        : Math.abs(by).toLocaleString('en-GB')
  return `${by > 0 ? 'Up' : 'Down'} ${amount}`
}

/** A section shaped for the page: its figures with their change, a chart of them, and its breakdowns. */
function sectionView(section: Section, series: string[]) {
  const counts = section.figures.filter((f) => f.unit === 'count')
  const rates = section.figures.filter((f) => f.unit === 'percent')
  // A change can be below nothing; the chart draws the scores themselves.
  const scores = section.figures.filter((f) => f.unit === 'tenths' && f.id !== 'confidence-change')
  const chartOf = (figures: Figure[], title: string, max: number, format: (v: number) => string) =>
    figures.length
      ? barChart({
          title,
          description: figures
            .map((f) => `${f.label}: ${format(f.value)}, ${format(f.previous)} the period before`)
            .join('; '),
          series,
          rows: figures.map((f) => ({ label: f.label, values: [f.value, f.previous, f.lastYear] })),
          max: Math.max(max, 1),
          format,
        })
      : null
  return {
    ...section,
    figures: section.figures.map((f) => ({
      ...f,
      shown: [f.value, f.previous, f.lastYear].map((v) => formatted(f, v)),
      change: changeText(f),
    })),
    charts: [
      chartOf(
        counts,
        `${section.title} Counts`,
        Math.max(...counts.flatMap((f) => [f.value, f.previous, f.lastYear])),
        (v) => v.toLocaleString('en-GB'),
      ),
      chartOf(rates, `${section.title} Percentages`, 100, (v) => `${v}%`),
      chartOf(scores, `${section.title} Scores, 0 to 10`, 100, tenths),
    ].filter((c): c is string => c !== null),
    breakdowns: section.breakdowns.map((b: Breakdown) => ({
      ...b,
      rows: b.rows.map((r) => ({
        ...r,
        shown: [r.value, r.previous, r.lastYear].map((v) => shown(v, b.aboutPeople)),
      })),
    })),
  }
}

/** A report shaped for its page. */
export function reportView(report: Report) {
  const series = ['This period', 'The period before', 'The same period last year']
  return {
    ...report,
    series,
    sections: report.sections.map((s) => sectionView(s, series)),
  }
}
