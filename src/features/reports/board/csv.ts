import { stringify } from 'csv-stringify/sync'
import { zipSync } from 'fflate'
import { neutraliseFormula } from '#features/directory/rules.ts'
import type { ReportTable } from './tables.ts'

const sheet = (lines: string[][]) =>
  stringify(
    lines.map((line) => line.map(neutraliseFormula)),
    { record_delimiter: '\r\n' },
  )

/** One table as a CSV file: its heading line, then a line a row; cells safe from spreadsheet formulas. */
export function tableCsv(table: ReportTable): string {
  return sheet([table.head, ...table.rows])
}

/**
 * Every table in one spreadsheet-ready CSV, a line a row with its section and table named, so
 * it can be filtered and pivoted: section, table, row, then each period's value.
 */
export function allTablesCsv(tables: readonly ReportTable[]): string {
  const lines = [['Section', 'Table', 'Row', 'This period', 'The period before', 'The same period last year']]
  for (const table of tables)
    for (const row of table.rows) {
      // A figures table's second column says what its values are; the rows are kept whole.
      const [label = '', ...values] = row
      const periods = values.length > 3 ? values.slice(-3) : values
      const unit = values.length > 3 ? ` (${values[0]})` : ''
      lines.push([table.section, table.title, `${label}${unit}`, ...periods])
    }
  return sheet(lines)
}

/** The bundle: every table as its own CSV, and all of them in one, in a zip. */
export function tablesZip(tables: readonly ReportTable[], name: string): Buffer {
  const encoder = new TextEncoder()
  const files: Record<string, Uint8Array> = {
    [`${name}/all-tables.csv`]: encoder.encode(allTablesCsv(tables)),
  }
  for (const table of tables) files[`${name}/${table.id}.csv`] = encoder.encode(tableCsv(table))
  return Buffer.from(zipSync(files, { level: 6 }))
}
