import { parse } from 'csv-parse/sync'
import { MAX_UPLOAD_BYTES } from '#platform/http/uploads.ts'

export const MAX_FILE_BYTES = MAX_UPLOAD_BYTES
export const MAX_ROWS = 200_000
/** An HR export has a few dozen columns; each is offered under every field on the columns page. */
export const MAX_COLUMNS = 200
export const MAX_LINE_CHARACTERS = 64 * 1024

export type CsvTable = {
  encoding: 'UTF-8' | 'UTF-16' | 'Windows-1252'
  headers: string[]
  rows: string[][]
  /** Each row's number as a spreadsheet shows it, blank rows counted; the headings are row 1. */
  rowNumbers: number[]
}
export type CsvReading = { ok: true; table: CsvTable } | { ok: false; reason: string }

/**
 * Text from an HR system's export, whatever it was saved as: UTF-8 with or without a
 * byte-order mark, UTF-16 (Excel's "Unicode text"), or Windows-1252 (older Excel on Windows),
 * which is what a file that is not valid UTF-8 almost always is.
 */
export function decodeCsv(bytes: Buffer): { text: string; encoding: CsvTable['encoding'] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16' }
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16' }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes),
      encoding: 'UTF-8',
    }
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252' }
  }
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65_536)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const control = sample.match(/[\x00-\x08\x0e-\x1f\x7f]/g)?.length ?? 0
  return sample.includes('\u0000') || control > sample.length / 100
}

/** The length of the longest line, whichever of CRLF, LF or CR ends the lines. */
function longestLine(text: string): number {
  let longest = 0
  let start = 0
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 10
    if (code !== 10 && code !== 13) continue
    longest = Math.max(longest, i - start)
    start = i + 1
  }
  return longest
}

/** Reads a CSV file into headings and rows, or refuses it with a reason a person can act on. */
export function readCsv(bytes: Buffer): CsvReading {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty' }
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, reason: 'The file must be smaller than 25 MB' }
  const { text, encoding } = decodeCsv(bytes)
  if (looksBinary(text))
    return {
      ok: false,
      reason:
        'The file must be a CSV file: this one looks like a spreadsheet or other binary file. Save it as CSV and try again',
    }
  // Refused before parsing: a file of a few kilobytes could otherwise make a page of megabytes.
  if (longestLine(text) > MAX_LINE_CHARACTERS)
    return {
      ok: false,
      reason: 'Each line of the file must be shorter than 64 KB: check it holds one person on each line',
    }
  let records: { record: string[]; info: { records: number; empty_lines: number } }[]
  try {
    records = parse(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      max_record_size: 100_000,
    }) as unknown as typeof records
  } catch (error) {
    const line = (error as { lines?: number }).lines
    return {
      ok: false,
      reason: `The file could not be read as CSV${line ? ` near line ${line}` : ''}: check that every quoted value has its closing quote`,
    }
  }
  // Rows that are only commas (a spreadsheet's empty rows) are blank lines too; both still
  // count towards the row numbers a person sees in their spreadsheet.
  if (records.some(({ record }) => record.length > MAX_COLUMNS))
    return { ok: false, reason: `The file must have ${MAX_COLUMNS} columns or fewer` }
  const rows = records
    .filter(({ record }) => record.some((cell) => cell !== ''))
    .map(({ record, info }) => ({ cells: record, number: info.records + info.empty_lines }))
  const [headings, ...data] = rows
  const headers = headings?.cells
  if (!headers) return { ok: false, reason: 'The file is empty' }
  if (data.length === 0)
    return { ok: false, reason: 'The file has headings but no rows of people below them' }
  if (data.length > MAX_ROWS)
    return {
      ok: false,
      reason: `The file must have ${MAX_ROWS.toLocaleString('en-GB')} rows or fewer: split it and import each part`,
    }
  const first = headings?.number ?? 1
  return {
    ok: true,
    table: {
      encoding,
      headers,
      rows: data.map((r) => r.cells),
      // Numbered from the headings, as row 1, whatever blank lines came before them.
      rowNumbers: data.map((r) => r.number - first + 1),
    },
  }
}
