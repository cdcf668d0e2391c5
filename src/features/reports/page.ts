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
/** Whole pence as pounds, as people write money: £1,234.50. */
const pounds = (pence: number) =>
  `${pence < 0 ? '-' : ''}£${(Math.abs(pence) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
export const formatted = (f: Figure, value: number) =>
  f.unit === 'percent'
    ? `${value}%`
    : f.unit === 'tenths'
      ? tenths(value)
      : f.unit === 'pence'
        ? pounds(value)
        : value.toLocaleString('en-GB')

/** A breakdown's value as published: a percentage, a score, or a count (small ones of people suppressed). */
export function breakdownText(b: Breakdown, value: number): string {
  if (b.unit === 'percent') return `${value}%`
  if (b.unit === 'tenths') return tenths(value)
  return shown(value, b.aboutPeople)
}

/** How a figure changed since the period before, in words. */
export function changeText(f: Figure): string {
  const by = f.value - f.previous
  if (by === 0) return 'No change'
  const amount =
    f.unit === 'percent'
      ? `${Math.abs(by)} points`
      : f.unit === 'tenths'
        ? tenths(Math.abs(by))
        : f.unit === 'pence'
          ? pounds(Math.abs(by))
          : Math.abs(by).toLocaleString('en-GB')
  return `${by > 0 ? 'Up' : 'Down'} ${amount}`
}

/** A chart of some of a section's figures, drawn as SVG on the page and as vectors in the PDF. */
export type ChartSpec = {
  title: string
  /** The chart in words, for those who cannot see it. */
  description: string
  rows: { label: string; values: number[] }[]
  max: number
  format: (v: number) => string
}

/** A section's charts: its counts, its money, its percentages and its scores, each on its own scale. */
export function chartsOf(section: Section): ChartSpec[] {
  const chartOf = (unit: Figure['unit'], title: string, fixedMax?: number): ChartSpec | null => {
    // A change can be below nothing; the chart draws the scores themselves.
    const figures = section.figures.filter((f) => f.unit === unit && f.id !== 'confidence-change')
    if (!figures.length) return null
    const format = (v: number) => formatted(figures[0] as Figure, v)
    return {
      title: `${section.title} ${title}`,
      description: figures
        .map((f) => `${f.label}: ${format(f.value)}, ${format(f.previous)} the period before`)
        .join('; '),
      rows: figures.map((f) => ({ label: f.label, values: [f.value, f.previous, f.lastYear] })),
      max: Math.max(fixedMax ?? Math.max(...figures.flatMap((f) => [f.value, f.previous, f.lastYear])), 1),
      format,
    }
  }
  return [
    chartOf('count', 'Counts'),
    chartOf('pence', 'Money'),
    chartOf('percent', 'Percentages', 100),
    chartOf('tenths', 'Scores, 0 to 10', 100),
  ].filter((c): c is ChartSpec => c !== null)
}

/**
 * How many rows of a breakdown a reader is shown: a board reads the largest agencies, not 800.
 * Every row is in the table's CSV, which the page and the PDF say.
 */
export const ROWS_SHOWN = 25

/** The rows of a breakdown to show, and how many more are in its CSV. */
export function rowsShown(b: Breakdown): { rows: Breakdown['rows']; more: number } {
  return { rows: b.rows.slice(0, ROWS_SHOWN), more: Math.max(0, b.rows.length - ROWS_SHOWN) }
}

/** A section shaped for the page: its figures with their change, a chart of them, and its breakdowns. */
function sectionView(section: Section, series: string[]) {
  return {
    ...section,
    figures: section.figures.map((f) => ({
      ...f,
      shown: [f.value, f.previous, f.lastYear].map((v) => formatted(f, v)),
      change: changeText(f),
    })),
    charts: chartsOf(section).map((chart) => barChart({ ...chart, series })),
    breakdowns: section.breakdowns.map((b: Breakdown) => {
      const { rows, more } = rowsShown(b)
      return {
        ...b,
        more,
        rows: rows.map((r) => ({
          ...r,
          shown: [r.value, r.previous, r.lastYear].map((v) => breakdownText(b, v)),
        })),
      }
    }),
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
