import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newCode } from '#features/certificates/code.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let personId = ''
let code = ''
const PRACTITIONER = 'practitioner@north-somerset.example.org'

beforeAll(async () => {
  t = await testApp()
  const ns = await t.partnership('north-somerset')
  code = newCode()
  // Yesterday's demo session, attended in full (three hours); e-learning verified by the lead,
  // and a conference still waiting for them.
  personId = await t.db.tenant({ partnershipId: ns.id, userId: null, actor: 'test' }, async (sql) => {
    await sql.auditAs('test')
    const { id, applicationId, sessionId } = await sql.one<{
      id: string
      applicationId: string
      sessionId: string
    }>(
      `SELECT p.id, a.id AS "applicationId", a.session_id AS "sessionId"
         FROM people p JOIN applications a ON a.person_id = p.id WHERE p.email = $1`,
      [PRACTITIONER],
    )
    await sql.query(
      'INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code) VALUES ($1, $2, $3, $4, $5)',
      [ns.id, applicationId, id, sessionId, code],
    )
    await sql.query(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes, status,
                                      decided_at, decided_by_label, rejected_reason)
       VALUES ($1, $2, 'e_learning', 'Safeguarding children level 3', 'A trust', '2025-03-10', 150, 'verified', now(), 'test', NULL),
              ($1, $2, 'conference', 'Annual safeguarding conference', 'The partnership', '2026-10-01', 360, 'awaiting', NULL, NULL, NULL)`,
      [ns.id, id],
    )
    return id
  })
})
afterAll(() => t?.close())

describe('a practitioner’s learning record', () => {
  it('downloads as a spreadsheet: every course, evidence and its standing, newest first', async () => {
    const pat = await t.signIn(PRACTITIONER)
    const response = await pat.get('/training/record.csv')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-disposition']).toBe('attachment; filename="learning-record.csv"')
    expect(response.headers['cache-control']).toBe('private, no-store')
    const rows = parse(response.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => [r.Date, r.Kind, r.Title, r.Hours, r['Counts as CPD'], r.Evidence])).toEqual([
      [
        '2026-11-23',
        'Course',
        'Working together to safeguard children and adults',
        '3',
        'Yes',
        `Certificate ${code}`,
      ],
      [
        '2026-10-01',
        'Learning from elsewhere',
        'Annual safeguarding conference',
        '6',
        'No',
        'Waiting for the agency lead to verify',
      ],
      [
        '2025-03-10',
        'Learning from elsewhere',
        'Safeguarding children level 3',
        '2.5',
        'Yes',
        'Verified by the agency lead',
      ],
    ])
  })

  it('downloads as a PDF with the CPD hours of each year, and counts only what counts', async () => {
    const record = await t.services.learningRecords.record(
      {
        partnership: await t.partnership('north-somerset'),
        actor: { userId: null, roles: ['admin'], agencyIds: [] },
      },
      personId,
    )
    expect(record.hoursByYear).toEqual([
      { year: '2026', hours: 3 },
      { year: '2025', hours: 2.5 },
    ])
    const pat = await t.signIn(PRACTITIONER)
    const response = await pat.get('/training/record.pdf')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
  })

  it('is for the person, their agency’s lead and admins: anyone else finds no one', async () => {
    const lead = await t.signIn('agency-lead@north-somerset.example.org')
    expect((await lead.get(`/people/${personId}/training/record.csv`)).statusCode).toBe(200)
    const trainer = await t.signIn('trainer@north-somerset.example.org')
    expect((await trainer.get(`/people/${personId}/training/record.csv`)).statusCode).toBe(403)
    const otherAdmin = await t.signIn('admin@jersey.example.org')
    expect((await otherAdmin.get(`/people/${personId}/training/record.pdf`)).statusCode).toBe(404)
  })
})
