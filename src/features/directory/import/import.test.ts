import { describe, expect, it } from 'vitest'
import { readCsv } from './read.ts'
import { checkRows, guessMapping, missingFields } from './rows.ts'

const agencies = new Map([
  ['norfolk police', 'a-police'],
  ['home-start norfolk', 'a-homestart'],
])
const context = { agencies, tiers: [], agencyScope: null }
const header = 'First name,Surname,Work email,Organisation,Job title,Line manager email\n'

function read(text: string | Buffer) {
  const result = readCsv(typeof text === 'string' ? Buffer.from(text) : text)
  if (!result.ok) throw new Error(result.reason)
  return result.table
}

function check(text: string | Buffer) {
  const table = read(text)
  return checkRows(table, guessMapping(table.headers), context)
}

describe('reading a staff file', () => {
  it('guesses the columns from usual headings', () => {
    const table = read(`${header}Jane,Smith,jane@example.org,Norfolk Police,PC,sarge@example.org\n`)
    expect(guessMapping(table.headers)).toEqual({
      firstName: 0,
      lastName: 1,
      email: 2,
      agency: 3,
      role: 4,
      managerEmail: 5,
    })
    expect(missingFields(guessMapping(['Name', 'Email']))).toEqual(['firstName', 'lastName', 'agency'])
  })

  it('reads a byte-order mark, Windows line endings, quoted commas and blank lines', () => {
    const file = `\uFEFF${header}\r\n\r\n"Jane","Smith, MBE",jane@example.org,Norfolk Police,"Constable, response",sarge@example.org\r\n,,,,,\r\n`
    const { rows, problems } = check(file)
    expect(problems).toEqual([])
    expect(rows).toEqual([
      // The spreadsheet's row: two blank rows come between the headings and Jane.
      expect.objectContaining({ row: 4, lastName: 'Smith, MBE', role: 'Constable, response' }),
    ])
  })

  it('reads a file saved as Windows-1252, keeping accented names', () => {
    const bytes = Buffer.concat([
      Buffer.from(header),
      Buffer.from([0x52, 0x65, 0x6e, 0xe9, 0x65]),
      Buffer.from(',Dupont,renee@example.org,Norfolk Police,,m@example.org\n'),
    ])
    const table = read(bytes)
    expect(table.encoding).toBe('Windows-1252')
    expect(table.rows[0]?.[0]).toBe('Renée')
  })

  it('reads a UTF-16 file from Excel', () => {
    const text = `${header}Jane,Smith,jane@example.org,Norfolk Police,,m@example.org\n`
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    expect(read(bytes).rows[0]?.[1]).toBe('Smith')
  })

  it('refuses junk, an empty file, a file with no rows and an unclosed quote, saying why', () => {
    const huge = Buffer.alloc(25 * 1024 * 1024 + 1, 0x41)
    expect(readCsv(huge)).toEqual({ ok: false, reason: 'The file must be smaller than 25 MB' })
    const junk = Buffer.alloc(10 * 1024 * 1024, 0x00)
    expect(readCsv(junk)).toMatchObject({ ok: false, reason: expect.stringMatching(/must be a CSV file/) })
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))
    expect(readCsv(binary)).toMatchObject({ ok: false, reason: expect.stringMatching(/must be a CSV file/) })
    expect(readCsv(Buffer.from(''))).toEqual({ ok: false, reason: 'The file is empty' })
    expect(readCsv(Buffer.from(header))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no rows/),
    })
    expect(readCsv(Buffer.from(`${header}"Jane,Smith,jane@example.org\n`))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/closing quote/),
    })
  })

  it('refuses a file wider than 200 columns, in its headings or any row, saying so', () => {
    const wide = Array.from({ length: 1_000 }, (_, i) => `c${i}`).join(',')
    const refused = { ok: false, reason: 'The file must have 200 columns or fewer' }
    expect(readCsv(Buffer.from(`${wide}\nJane\n`))).toEqual(refused)
    expect(readCsv(Buffer.from(`${header}${'x,'.repeat(200)}x\n`))).toEqual(refused)
    const widest = Array.from({ length: 200 }, (_, i) => `c${i}`).join(',')
    expect(readCsv(Buffer.from(`${widest}\n${widest}\n`)).ok).toBe(true)
  })

  it('refuses a file with a line longer than 64 KB, whatever ends its lines', () => {
    const refused = {
      ok: false,
      reason: 'Each line of the file must be shorter than 64 KB: check it holds one person on each line',
    }
    const long = 'x'.repeat(65_537)
    expect(readCsv(Buffer.from(`${header}Jane,${long}\n`))).toEqual(refused)
    expect(readCsv(Buffer.from(`${header.trim()}\rJane,${long}\r`))).toEqual(refused)
    expect(readCsv(Buffer.from(`${header}Jane,${'x'.repeat(60_000)}\r\n`)).ok).toBe(true)
  })
})

describe('checking each row', () => {
  const file = [
    header.trim(),
    'Jane,Smith,jane@example.org,Norfolk Police,PC,sarge@example.org',
    'Bad,Email,not-an-email,Norfolk Police,,sarge@example.org',
    'Un,Known,unknown@example.org,Nowhere Agency,,sarge@example.org',
    'Jane,Again,JANE@example.org,Norfolk Police,,sarge@example.org',
    'No,Manager,nomanager@example.org,Home-Start Norfolk,,',
    '=HYPERLINK("http://evil"),Formula,formula@example.org,Norfolk Police,,sarge@example.org',
    'Too,Many,toomany@example.org,Norfolk Police,,sarge@example.org,extra',
    'Short,Row,short@example.org',
  ].join('\n')

  it('lists every problem by its row number, and imports only the rows without a blocking one', () => {
    const { rows, problems } = check(file)
    expect(problems.map((p) => p.text)).toEqual([
      'Row 3 work email “not-an-email” is not an email address',
      'Row 4 agency “Nowhere Agency” is not in the directory',
      'Row 5 repeats the work email of row 2',
      'Row 6 has no line manager',
      'Row 7 first name starts with “=”, like a spreadsheet formula',
      'Row 8 has more values than there are headings',
      'Row 9 has no agency',
      'Row 9 has no line manager',
    ])
    expect(rows.map((r) => r.row)).toEqual([2, 6])
  })

  it('keeps an agency lead to the agencies they lead', () => {
    const table = read(`${header}Jane,Smith,jane@example.org,Norfolk Police,PC,sarge@example.org\n`)
    const { rows, problems } = checkRows(table, guessMapping(table.headers), {
      ...context,
      agencyScope: ['a-homestart'],
    })
    expect(rows).toEqual([])
    expect(problems[0]?.text).toBe('Row 2 agency “Norfolk Police” is not one you lead')
  })
})
