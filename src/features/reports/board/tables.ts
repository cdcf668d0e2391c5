import type { Breakdown, Figure } from '../figures.ts'
import { breakdownText, changeText, formatted, rowsShown, SMALL } from '../page.ts'
import type { Report } from '../service.ts'

/** One of a report's tables, as the PDF prints it and a CSV file holds it. */
export type ReportTable = {
  /** Unique in the report, safe as a file name: `how-much-figures`, `no-shows-by-agency`. */
  id: string
  section: string
  title: string
  head: string[]
  rows: string[][]
  /** Rows left out for reading (the PDF), all of them in the CSV. */
  more: number
}

export const seriesNames = ['This period', 'The period before', 'The same period last year'] as const

/**
 * How a value is written: for reading (the PDF: "1,234", "45%", "£12.50"), or for a spreadsheet
 * (CSV: plain numbers it can add up, "1234", "45", "12.50"). Either way a small count of people
 * is suppressed, never written exactly.
 */
export type Style = 'read' | 'sheet'

function figureCell(f: Figure, value: number, style: Style): string {
  if (style === 'read') return formatted(f, value)
  if (f.unit === 'tenths') return (value / 10).toFixed(1)
  if (f.unit === 'pence') return (value / 100).toFixed(2)
  return String(value)
}

function breakdownCell(b: Breakdown, value: number, style: Style): string {
  if (style === 'read') return breakdownText(b, value)
  if (b.unit === 'tenths') return (value / 10).toFixed(1)
  if (b.unit !== 'percent' && b.aboutPeople && value > 0 && value < SMALL) return `fewer than ${SMALL}`
  return String(value)
}

const unitWords: Record<Figure['unit'], string> = {
  count: 'count',
  percent: 'percent',
  tenths: 'score',
  pence: 'pounds',
}

/** Every table of a report, section by section: its figures, then each of its breakdowns. */
export function reportTables(report: Report, style: Style): ReportTable[] {
  return report.sections.flatMap((section) => [
    {
      id: `${section.id}-figures`,
      section: section.title,
      title: `${section.title} The figures`,
      head:
        style === 'read'
          ? ['Figure', ...seriesNames, 'Change since the period before']
          : ['Figure', 'Unit', ...seriesNames],
      more: 0,
      rows: section.figures.map((f) => {
        const values = [f.value, f.previous, f.lastYear].map((v) => figureCell(f, v, style))
        return style === 'read'
          ? [f.label, ...values, changeText(f)]
          : [f.label, unitWords[f.unit] ?? f.unit, ...values]
      }),
    },
    ...section.breakdowns.map((b) => {
      const { rows, more } = style === 'read' ? rowsShown(b) : { rows: b.rows, more: 0 }
      return {
        id: b.id,
        section: section.title,
        title: b.title,
        head: [b.title, ...seriesNames],
        more,
        rows: rows.map((r) => [
          r.label,
          ...[r.value, r.previous, r.lastYear].map((v) => breakdownCell(b, v, style)),
        ]),
      }
    }),
  ])
}
