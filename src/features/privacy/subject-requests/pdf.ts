import { londonDateText, londonTimeText } from '#platform/clock.ts'
import type { Row } from '#platform/db/database.ts'
import { heading, numberPages, paragraph, table, taggedDocument, widthOf } from '#platform/pdf-layout.ts'
import type { Held } from './gather.ts'

/** Rows of a kind shown in the summary; the rest are in the kind's JSON file. */
const SHOWN = 40
/** Columns of a kind shown in the summary: the first that say something to a reader. */
const COLUMNS = 4

const words = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())

/** A value as a person reads it: a date as a date, a list or object as short JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return `${londonDateText(value)} ${londonTimeText(value)}`.trim()
  if (typeof value === 'object') {
    const text = JSON.stringify(value)
    return text.length > 160 ? `${text.slice(0, 157)}...` : text
  }
  const text = String(value)
  return text.length > 160 ? `${text.slice(0, 157)}...` : text
}

/** The columns worth showing: not ids (they are in the JSON), not the partnership. */
function columnsOf(rows: readonly Row[]): string[] {
  const keys = Object.keys(rows[0] ?? {})
  return keys
    .filter(
      (k) => k !== 'id' && k !== 'partnership_id' && !k.endsWith('_id') && k !== 'before' && k !== 'after',
    )
    .slice(0, COLUMNS)
}

/**
 * A readable summary of what is held about the person, as a tagged PDF: who and when, then
 * each kind of record with how many there are, its file in the download, and its first rows as
 * a table. Text, not pictures, so it can be searched and read aloud.
 */
export async function heldPdf(held: Held, partnership: string, now: Date): Promise<Buffer> {
  const name = `${held.person.first_name} ${held.person.last_name}`
  const title = `Personal data held about ${name}`
  const { doc, root, front, done } = await taggedDocument({
    title,
    author: partnership,
    subject: 'Subject access request',
    now,
  })
  paragraph(
    doc,
    front,
    `Everything ${partnership} holds in Cascade about ${name} (${String(held.person.email)}), as it stood on ${londonDateText(now)} at ${londonTimeText(now)}. Each kind of record is in its own JSON file in this download, in full; this summary shows the first ${SHOWN} of each.`,
  )
  const withRows = held.parts.filter((p) => p.rows.length)
  table(doc, front, {
    caption: 'What is held',
    widths: [widthOf(doc) - 220, 70, 150],
    head: ['Kind of record', 'How many', 'File'],
    rows: held.parts.map((p) => [p.label, String(p.rows.length), `${p.id}.json`]),
  })
  if (held.files.length)
    paragraph(
      doc,
      front,
      `${held.files.length} evidence files they uploaded are in the evidence-files folder.`,
    )
  front.end()

  for (const part of withRows) {
    const section = doc.struct('Sect')
    root.add(section)
    heading(doc, section, part.label, 2)
    const columns = columnsOf(part.rows)
    if (columns.length) {
      const shown = part.rows.slice(0, SHOWN)
      table(doc, section, {
        caption: `${part.label}: ${part.rows.length}`,
        widths: columns.map(() => widthOf(doc) / columns.length),
        head: columns.map(words),
        rows: shown.map((row) => columns.map((c) => valueText(row[c]))),
      })
      if (part.rows.length > shown.length)
        paragraph(doc, section, `${part.rows.length - shown.length} more are in ${part.id}.json.`, 9)
    } else paragraph(doc, section, `${part.rows.length} records: see ${part.id}.json.`)
    section.end()
  }
  numberPages(doc)
  root.end()
  doc.end()
  return done
}
