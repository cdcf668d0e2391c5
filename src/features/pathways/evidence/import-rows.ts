import type { CsvTable } from '#features/directory/import/read.ts'
import type { FieldError } from '#platform/errors.ts'
import { isCalendarDate } from '#platform/http/forms.ts'
import type { EvidenceKind } from './forms.ts'
import { evidenceKindNames, evidenceKinds } from './forms.ts'

/** The columns an evidence file has, found by their headings in any case and spacing. */
const columns = {
  email: ['email', 'work email', 'email address'],
  title: ['title', 'course', 'course title', 'learning'],
  provider: ['provider', 'provided by', 'organisation'],
  completedOn: ['completed on', 'date', 'date completed', 'completed'],
  hours: ['hours', 'duration hours', 'cpd hours'],
  kind: ['kind', 'type', 'kind of learning'],
  requirement: ['requirement', 'pathway requirement', 'meets'],
} as const
type Column = keyof typeof columns
const required: Column[] = ['email', 'title', 'provider', 'completedOn', 'hours']
const columnNames: Record<Column, string> = {
  email: 'Email',
  title: 'Title',
  provider: 'Provider',
  completedOn: 'Completed on',
  hours: 'Hours',
  kind: 'Kind',
  requirement: 'Requirement',
}

const plain = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

export type EvidenceRow = {
  row: number
  email: string
  title: string
  provider: string
  completedOn: string
  minutes: number
  kind: EvidenceKind
  requirement: string | null
}

/** A date as a spreadsheet writes it: 2026-03-31, or 31/03/2026 as UK exports do. */
function dateOf(cell: string): string | null {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(cell)
  const iso = uk ? `${uk[3]}-${uk[2]?.padStart(2, '0')}-${uk[1]?.padStart(2, '0')}` : cell
  return isCalendarDate(iso) ? iso : null
}

function kindOf(cell: string): EvidenceKind | null {
  if (!cell) return 'single_agency_course'
  const wanted = plain(cell)
  return evidenceKinds.find((k) => plain(k) === wanted || plain(evidenceKindNames[k]) === wanted) ?? null
}

/**
 * The rows of an evidence file, each checked on its own: its columns found by their headings,
 * dates in the past, hours more than none and at most 100, a kind Cascade knows. Whose the
 * evidence is, and whether the importer may record it, is for the service to check.
 */
export function evidenceRows(
  table: CsvTable,
  today: string,
): { rows: EvidenceRow[]; problems: FieldError[] } {
  const index: Partial<Record<Column, number>> = {}
  table.headers.forEach((heading, i) => {
    const name = plain(heading)
    for (const column of Object.keys(columns) as Column[])
      if (index[column] === undefined && (columns[column] as readonly string[]).includes(name))
        index[column] = i
  })
  const missing = required.filter((c) => index[c] === undefined)
  if (missing.length)
    return {
      rows: [],
      problems: [
        {
          field: 'file',
          text: `The file needs a column headed ${missing.map((c) => `“${columnNames[c]}”`).join(', ')}`,
        },
      ],
    }
  const rows: EvidenceRow[] = []
  const problems: FieldError[] = []
  table.rows.forEach((cells, i) => {
    const row = table.rowNumbers[i] ?? i + 2
    const cell = (c: Column) => (index[c] === undefined ? '' : (cells[index[c]] ?? '').trim())
    const wrong = (text: string) => problems.push({ field: 'file', text: `Row ${row}: ${text}` })
    const completedOn = dateOf(cell('completedOn'))
    const hours = Number(cell('hours'))
    const kind = kindOf(cell('kind'))
    const before = problems.length
    if (!cell('email')) wrong('enter the person’s work email')
    if (!cell('title')) wrong('enter the title of the learning')
    else if (cell('title').length > 200) wrong('the title must be 200 characters or fewer')
    if (!cell('provider')) wrong('enter who provided it')
    else if (cell('provider').length > 200) wrong('the provider must be 200 characters or fewer')
    if (!completedOn) wrong('enter the date completed as a real date, like 31/03/2026')
    else if (completedOn > today) wrong('the date completed must be today or in the past')
    if (!cell('hours') || !Number.isFinite(hours)) wrong('enter the hours as a number, like 1.5')
    else if (hours <= 0) wrong('the hours must be more than 0')
    else if (hours > 100) wrong('the hours must be 100 or fewer')
    if (!kind) wrong(`the kind must be one of: ${evidenceKinds.map((k) => evidenceKindNames[k]).join(', ')}`)
    if (problems.length > before || !completedOn || !kind) return
    rows.push({
      row,
      email: cell('email').toLowerCase(),
      title: cell('title'),
      provider: cell('provider'),
      completedOn,
      minutes: Math.max(1, Math.round(hours * 60)),
      kind,
      requirement: cell('requirement') || null,
    })
  })
  return { rows, problems }
}
