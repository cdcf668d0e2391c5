import { unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'
import { aReportWorld } from '../test-world.ts'
import { reportTables } from './tables.ts'

let t: TestApp
let world: BookingWorld
const tokens: Record<string, string> = {}

type Figure = { id: string; value: number; previous: number }
type Body = {
  id: string
  status: string
  signedOff: { version: number; byName: string; as: string; reason: string | null } | null
  correctionReason: string | null
  narrative: { executiveSummary: string; sections: Record<string, string> }
  sections: { id: string; figures: Figure[] }[]
}

beforeAll(async () => {
  t = await testApp()
  world = await aReportWorld(t)
  for (const role of ['admin', 'executive', 'subgroup', 'practitioner'])
    tokens[role] = await world.token(`${role}@norfolk.example.org`)
})
afterAll(() => t?.close())

const call = (method: 'GET' | 'POST' | 'PUT', url: string, token = tokens.admin, payload?: object) =>
  t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })
const report = async (key: string) => (await call('GET', `/api/v1/reports?period=${key}`)).json<Body>()
const attendees = (body: Body) =>
  body.sections.flatMap((s) => s.figures).find((f) => f.id === 'attendees')?.value ?? Number.NaN
// The text as read aloud or copied: lines wrapped by the page joined again.
const textOf = async (pdf: Buffer) =>
  (await new PDFParse({ data: new Uint8Array(pdf) }).getText()).text.replace(/\s+/g, ' ')

/** Another who came, to a session held in the quarter July to September 2026. */
async function anotherWhoCameInJuly() {
  const agency = await world.agency('Late Register Trust', 'police')
  const person = await world.person(agency)
  const course = await world.course('Course marked late')
  await t.db.tenant(world.scope, async (sql) => {
    const { sessionId, applicationId } = await aPastPlace(sql, {
      partnershipId: world.partnership.id,
      personId: person,
      courseId: course,
      endedOn: '2026-07-20',
    })
    await sql.query(
      `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, 'attended')`,
      [world.partnership.id, sessionId, applicationId],
    )
  })
}

describe('signing a report off', () => {
  it('keeps the narrative an admin writes with the report', async () => {
    const saved = await call('PUT', '/api/v1/reports/2026-Q2/narrative', tokens.admin, {
      executiveSummary: 'Attendance held up over the summer.',
      sections: { 'how-much': 'Fewer sessions ran in August.' },
    })
    expect(saved.statusCode, saved.body).toBe(204)
    const body = await report('2026-Q2')
    expect(body).toMatchObject({ id: '2026-Q2', status: 'draft', signedOff: null })
    expect(body.narrative).toEqual({
      executiveSummary: 'Attendance held up over the summer.',
      sections: { 'how-much': 'Fewer sessions ran in August.' },
    })
  })

  it('is refused before the period ends, and to those who do not sign reports off', async () => {
    const early = await call('POST', '/api/v1/reports/2026-Q3/sign-off', tokens.executive)
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('has not ended: its report can be signed off from 1 January 2027')
    for (const role of ['admin', 'practitioner'])
      expect((await call('POST', '/api/v1/reports/2026-Q2/sign-off', tokens[role])).statusCode).toBe(403)
    expect((await call('POST', '/api/v1/reports/2026-Q5/sign-off', tokens.executive)).statusCode).toBe(400)
  })

  it('freezes the figures and words: later data and edits do not change the signed-off report', async () => {
    const before = await report('2026-Q2')
    const signed = await call('POST', '/api/v1/reports/2026-Q2/sign-off', tokens.executive)
    expect(signed.statusCode, signed.body).toBe(200)
    expect(signed.json()).toMatchObject({
      id: '2026-Q2',
      signedOff: { version: 1, as: 'executive', reason: null },
    })

    await anotherWhoCameInJuly()
    const after = await report('2026-Q2')
    expect(after.status).toBe('signed_off')
    expect(attendees(after)).toBe(attendees(before))
    expect(after.sections).toEqual(before.sections)

    // Signing off twice, or writing over the words, is refused and changes nothing.
    const twice = await call('POST', '/api/v1/reports/2026-Q2/sign-off', tokens.subgroup)
    expect(twice.statusCode).toBe(409)
    expect(twice.body).toContain('already signed off')
    const edit = await call('PUT', '/api/v1/reports/2026-Q2/narrative', tokens.admin, {
      executiveSummary: 'Changed',
      sections: {},
    })
    expect(edit.statusCode).toBe(409)
    expect((await report('2026-Q2')).narrative.executiveSummary).toBe('Attendance held up over the summer.')
  })

  it('keeps the signed-off PDF, with contents, page numbers and text that can be read', async () => {
    const pdf = await call('GET', '/api/v1/reports/2026-Q2.pdf', tokens.subgroup)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    const text = await textOf(pdf.rawPayload)
    expect(text).toContain('Report to the board: July to September 2026 (quarter 2 of 2026 to 2027)')
    expect(text).toContain('Signed off by')
    expect(text).toContain('version 1')
    expect(text).toMatch(/Contents[\s\S]*Executive summary, page 2[\s\S]*How much did we do\?, page \d/)
    expect(text).toContain('Attendance held up over the summer.')
    expect(text).toContain('Fewer sessions ran in August.')
    expect(text).toMatch(/Attendees\s+1\s/)
    expect(text).toMatch(/Page 1 of \d+/)
  })

  it('corrects a signed-off report as a new version with its reason, keeping the first', async () => {
    const noReason = await call('POST', '/api/v1/reports/2026-Q2/corrections', tokens.admin, { reason: ' ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Say why the report is being corrected')
    const opened = await call('POST', '/api/v1/reports/2026-Q2/corrections', tokens.admin, {
      reason: 'A register was marked late',
    })
    expect(opened.statusCode, opened.body).toBe(204)
    const again = await call('POST', '/api/v1/reports/2026-Q2/corrections', tokens.admin, { reason: 'Twice' })
    expect(again.statusCode).toBe(409)

    const correcting = await report('2026-Q2')
    expect(correcting).toMatchObject({ status: 'correcting', correctionReason: 'A register was marked late' })
    // The figures are read afresh: the one who came, marked after the first sign-off, counts now.
    expect(attendees(correcting)).toBe(2)

    const signed = await call('POST', '/api/v1/reports/2026-Q2/sign-off', tokens.subgroup)
    expect(signed.statusCode, signed.body).toBe(200)
    expect(signed.json()).toMatchObject({
      signedOff: { version: 2, as: 'subgroup', reason: 'A register was marked late' },
    })
    expect(attendees(await report('2026-Q2'))).toBe(2)

    const admin = await t.signIn('admin@norfolk.example.org')
    const first = await admin.get('/reports/2026-Q2/versions/1.pdf')
    expect(first.statusCode).toBe(200)
    expect(await textOf(first.rawPayload)).toMatch(/Attendees\s+1\s/)
    const second = await textOf((await admin.get('/reports/2026-Q2.pdf')).rawPayload)
    expect(second).toContain('Corrected because: A register was marked late')
    expect((await admin.get('/reports/2026-Q2/versions/3.pdf')).statusCode).toBe(404)
    const list = page((await admin.get('/reports?period=2026-Q2')).body)
    expect(list('caption:contains("Signed-off versions")').parent().find('tbody tr').length).toBe(2)
  })
})

describe('each partnership’s reports', () => {
  it('are its own: another partnership’s report for the same period is neither signed off nor shown', async () => {
    const jersey = await t.signIn('executive@jersey.example.org')
    const theirs = await jersey.get('/reports?period=2026-Q2')
    expect(theirs.statusCode).toBe(200)
    expect(theirs.body).not.toContain('Attendance held up over the summer.')
    expect(page(theirs.body)('strong.govuk-tag').first().text().trim()).toBe('Draft')
    const pdf = await textOf((await jersey.get('/reports/2026-Q2.pdf')).rawPayload)
    expect(pdf).toContain('Draft, not signed off')
  })
})

describe('the report’s tables as CSV', () => {
  it('gives each table as CSV, small counts of people suppressed, and all of them in a zip', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const figures = await admin.get('/reports/2026-Q3/tables/how-much-figures.csv')
    expect(figures.statusCode).toBe(200)
    expect(figures.headers['content-type']).toContain('text/csv')
    expect(figures.body.split('\r\n')[0]).toBe(
      'Figure,Unit,This period,The period before,The same period last year',
    )
    // The quarter before has the session added above, held in July.
    expect(figures.body).toContain('Sessions delivered,count,3,2,1')
    const sectors = await admin.get('/reports/2026-Q3/tables/attendees-by-sector.csv')
    expect(sectors.body).toContain('Health,fewer than 5,fewer than 5,fewer than 5')
    expect((await admin.get('/reports/2026-Q3/tables/nothing-like-it.csv')).statusCode).toBe(404)

    const zip = await admin.get('/reports/2026-Q3.zip')
    expect(zip.headers['content-type']).toBe('application/zip')
    const files = unzipSync(new Uint8Array(zip.rawPayload))
    const names = Object.keys(files)
    expect(names).toContain('report-to-the-board-2026-Q3/all-tables.csv')
    expect(names).toContain('report-to-the-board-2026-Q3/how-much-figures.csv')
    expect(names).toContain('report-to-the-board-2026-Q3/attendees-by-sector.csv')
    const all = new TextDecoder().decode(files['report-to-the-board-2026-Q3/all-tables.csv'])
    expect(all).toContain(
      'How much did we do?,How much did we do? The figures,Sessions delivered (count),3,2,1',
    )
  })
})

describe('the report’s pages', () => {
  it('lets an admin write the narrative, refusing what is too long and keeping nothing of it', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const form = await admin.get('/reports/2026-Q3/narrative')
    expect(form.statusCode).toBe(200)
    const tooLong = await admin.post('/reports/2026-Q3/narrative', {
      executiveSummary: 'x'.repeat(5001),
      'section-how-much': 'Fine',
    })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.body).toContain('Write no more than 5,000 characters')
    expect((await report('2026-Q3')).narrative.executiveSummary).toBe('')
    const saved = await admin.post('/reports/2026-Q3/narrative', {
      executiveSummary: 'First paragraph.\r\n\r\nSecond paragraph.',
      'section-how-much': 'More sessions than last quarter.',
    })
    expect(saved.statusCode).toBe(303)
    const shown = page((await admin.get(saved.headers.location as string)).body)
    expect(shown('.govuk-notification-banner').text()).toContain('The narrative is saved')
    expect(shown('p:contains("Second paragraph.")').length).toBe(1)
    expect(shown('h2#how-much + p').text()).toBe('More sessions than last quarter.')
  })

  it('asks the executive to confirm before signing off, and says when the period has not ended', async () => {
    const executive = await t.signIn('executive@norfolk.example.org')
    const unconfirmed = await executive.post('/reports/2026-Q1/sign-off', {})
    expect(unconfirmed.statusCode).toBe(400)
    expect(unconfirmed.body).toContain('Confirm that the report is agreed to sign it off')
    expect((await report('2026-Q1')).status).toBe('draft')
    const early = await executive.post('/reports/2026-Q3/sign-off', { confirm: 'yes' })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('has not ended')
    const signed = await executive.post('/reports/2026-Q1/sign-off', { confirm: 'yes' })
    expect(signed.statusCode).toBe(303)
    const shown = page((await executive.get(signed.headers.location as string)).body)
    expect(shown('.govuk-notification-banner').text()).toContain('The report is signed off')
    expect(shown('a[href="/reports/2026-Q1/sign-off"]').length).toBe(0)
  })
})

describe('every demo partnership’s annual report', () => {
  it('renders as a page, a PDF that reads and CSV tables, section by section', async () => {
    for (const slug of ['jersey', 'north-somerset', 'south-gloucestershire', 'norfolk', 'shropshire']) {
      const admin = await t.signIn(`admin@${slug}.example.org`)
      const html = await admin.get('/reports?period=2026')
      expect(html.statusCode, slug).toBe(200)
      const $ = page(html.body)
      const sections = $('main h2[id]')
        .toArray()
        .map((h) => $(h).text().trim())
      expect(sections, slug).toEqual(expect.arrayContaining(['How much did we do?', 'Is anyone better off?']))
      const pdf = await textOf((await admin.get('/reports/2026.pdf')).rawPayload)
      expect(pdf, slug).toMatch(/Report to the board: 2026 to 2027/)
      for (const title of sections) expect(pdf, `${slug}: ${title}`).toContain(title)
      const zip = unzipSync(new Uint8Array((await admin.get('/reports/2026.zip')).rawPayload))
      const all = new TextDecoder().decode(zip['report-to-the-board-2026/all-tables.csv'])
      for (const title of sections) expect(all, `${slug}: ${title}`).toContain(title)
    }
  })
})

describe('a long breakdown', () => {
  it('shows a reader its 25 largest rows and keeps every row in its CSV', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      key: `a${i}`,
      label: `Agency ${i}`,
      value: 100 - i,
      previous: 0,
      lastYear: 0,
    }))
    const period = {
      kind: 'year' as const,
      key: '2025',
      start: '2025-04-01',
      end: '2026-04-01',
      label: '2025 to 2026',
    }
    const report = {
      period,
      previous: period,
      sameLastYear: period,
      sections: [
        {
          id: 'how-much',
          title: 'How much did we do?',
          figures: [],
          breakdowns: [{ id: 'attendees-by-agency', title: 'Attendees by agency', aboutPeople: true, rows }],
        },
      ],
    }
    const read = reportTables(report, 'read').find((t) => t.id === 'attendees-by-agency')
    expect(read?.rows).toHaveLength(25)
    expect(read?.more).toBe(5)
    expect(read?.rows[24]?.[0]).toBe('Agency 24')
    const sheet = reportTables(report, 'sheet').find((t) => t.id === 'attendees-by-agency')
    expect(sheet?.rows).toHaveLength(30)
  })
})
