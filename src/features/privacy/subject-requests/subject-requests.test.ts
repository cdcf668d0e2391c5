import { unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'

let t: TestApp
let world: BookingWorld
let agencyId: string
let adminToken: string
let leadToken: string
let courseId: string
let codes = 0

type Sql = Parameters<Parameters<TestApp['db']['tenant']>[1]>[0]
const inTenant = <T>(fn: (sql: Sql) => Promise<T>) => t.db.tenant(world.scope, fn)

const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

const pdfText = async (pdf: Uint8Array) =>
  (await new PDFParse({ data: new Uint8Array(pdf) }).getText()).text.replace(/\s+/g, ' ')

/** A sign-in account for the person, with the demo password, a practitioner in Norfolk. */
async function accountFor(personId: string, email: string): Promise<string> {
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO users (email, display_name, password_hash)
       SELECT $1, 'Zebedee Quill', password_hash FROM users WHERE email = 'practitioner@norfolk.example.org' RETURNING id`,
      [email],
    ),
  )
  await inTenant(async (sql) => {
    await sql.query(
      `INSERT INTO memberships (partnership_id, user_id, role) VALUES ($1, $2, 'practitioner')`,
      [world.partnership.id, user.id],
    )
    await sql.query('UPDATE people SET user_id = $2 WHERE id = $1', [personId, user.id])
  })
  return user.id
}

/**
 * A person with something in most tables that refer to people: two places attended in the
 * financial year 2025 (marks, certificates, charges, evaluations with written answers), a
 * concern, a need, interest in a course, learning evidence with a file, a CPD return.
 */
async function personWithHistory(first: string) {
  const personId = await world.person(agencyId, { first, jobTitle: 'Health visitor' })
  await inTenant(async (sql) => {
    await sql.query(`UPDATE people SET last_name = 'Quill' WHERE id = $1`, [personId])
  })
  const email = await world.emailOf(personId)
  const version = await inTenant((sql) =>
    sql.one<{ id: string; free: string; scale: string }>(
      `SELECT v.id,
              (SELECT q ->> 'id' FROM jsonb_array_elements(v.questions) q WHERE q ->> 'kind' = 'free_text' LIMIT 1) AS free,
              (SELECT q ->> 'id' FROM jsonb_array_elements(v.questions) q WHERE q ->> 'kind' = 'agreement' LIMIT 1) AS scale
         FROM questionnaire_versions v
        WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(v.questions) q WHERE q ->> 'kind' = 'free_text')
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.questions) q WHERE q ->> 'kind' = 'agreement')
        ORDER BY v.published_at LIMIT 1`,
    ),
  )
  const applications: string[] = []
  for (const endedOn of ['2025-06-10', '2025-09-16']) {
    const place = await inTenant((sql) =>
      aPastPlace(sql, { partnershipId: world.partnership.id, personId, courseId, endedOn }),
    )
    applications.push(place.applicationId)
    codes++
    await inTenant(async (sql) => {
      const values = [world.partnership.id, place.sessionId, place.applicationId, personId]
      await sql.query(
        `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, 'attended')`,
        values.slice(0, 3),
      )
      await sql.query(
        `UPDATE applications SET manager_name = 'Morgan Manager', access_needs = $2 WHERE id = $1`,
        [place.applicationId, `${first} needs a hearing loop`],
      )
      await sql.query(
        `INSERT INTO certificates (partnership_id, session_id, application_id, person_id, code) VALUES ($1, $2, $3, $4, $5)`,
        [
          ...values,
          `ERAS-TEST-AA${String.fromCharCode(65 + (codes % 26))}${String.fromCharCode(65 + Math.floor(codes / 26))}`,
        ],
      )
      await sql.query(
        `INSERT INTO charges (partnership_id, session_id, application_id, person_id, agency_id, reason, amount_pence, charged_on)
         VALUES ($1, $2, $3, $4, $5, 'place', 5000, $6)`,
        [...values, agencyId, endedOn],
      )
      await sql.query(
        `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers)
         VALUES ($1, $2, $3, 'after_course', $4::jsonb)`,
        [
          world.partnership.id,
          version.id,
          place.applicationId,
          JSON.stringify({ [version.free]: `${first} found the case study useful`, [version.scale]: 4 }),
        ],
      )
      await sql.query(
        `INSERT INTO evaluation_completions (partnership_id, application_id, stage) VALUES ($1, $2, 'after_course')`,
        [world.partnership.id, place.applicationId],
      )
    })
  }
  await inTenant(async (sql) => {
    await sql.auditAs('test')
    await sql.query(
      `INSERT INTO conduct_concerns (partnership_id, session_id, application_id, person_id, concern)
       SELECT partnership_id, session_id, id, person_id, $2 FROM applications WHERE id = $1`,
      [applications[0], `${first} left the room during the case discussion`],
    )
    await sql.query(
      `INSERT INTO needs (partnership_id, person_id, identified_by, practice_change, target_audience, effectiveness_measure)
       VALUES ($1, $2, 'audit', 'Better referrals', 'Health visitors', 'Referral quality audit')`,
      [world.partnership.id, personId],
    )
    await sql.query(
      `INSERT INTO course_interests (partnership_id, course_id, name, email, person_id) VALUES ($1, $2, $3, $4, $5)`,
      [world.partnership.id, courseId, `${first} Quill`, email, personId],
    )
    await sql.query(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes, status,
                                      file_name, file_type, file_bytes)
       VALUES ($1, $2, 'e_learning', 'Basics online', 'A trust', '2025-05-01', 60, 'awaiting', 'certificate.pdf',
               'application/pdf', $3)`,
      [world.partnership.id, personId, Buffer.from(`%PDF-1.4 certificate of ${first}`)],
    )
    await sql.query(
      `INSERT INTO trainer_cpd_returns (partnership_id, person_id, completed_on, activities, tenths_of_hours, delivery_updates)
       VALUES ($1, $2, '2025-07-01', $3, 30, 'Updated the slides')`,
      [world.partnership.id, personId, `${first} read the national review`],
    )
  })
  return { personId, email, applications }
}

beforeAll(async () => {
  t = await testApp()
  world = await bookingWorld(t)
  agencyId = await world.agency('Erasure Health Trust', 'health', 'private')
  courseId = await world.course('Safeguarding basics for data requests')
  adminToken = await world.token('admin@norfolk.example.org')
  leadToken = await world.token('agency-lead@norfolk.example.org')
})
afterAll(() => t?.close())

describe('subject access: everything held about a person', () => {
  it('downloads a zip with a JSON file for each kind of record and a readable PDF, and records the request', async () => {
    const { personId, email } = await personWithHistory('Yolanda')
    await accountFor(personId, 'yolanda.quill@example.org')
    const response = await api('GET', `/api/v1/people/${personId}/export`, adminToken)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/zip')
    expect(response.headers['content-disposition']).toMatch(/^attachment;/)
    expect(response.headers['content-disposition']).not.toContain('Yolanda')
    const files = unzipSync(new Uint8Array(response.rawPayload))
    const folder = Object.keys(files)[0]?.split('/')[0] ?? ''
    const json = (kind: string) => {
      const file = files[`${folder}/${kind}.json`]
      expect(file, kind).toBeDefined()
      return JSON.parse(new TextDecoder().decode(file)) as {
        label: string
        count: number
        rows: Record<string, unknown>[]
      }
    }
    // Every kind held about them, each file parsing, each with their rows.
    for (const [kind, count] of Object.entries({
      record: 1,
      applications: 2,
      attendance: 2,
      certificates: 2,
      charges: 2,
      evaluation_responses: 2,
      evaluation_completions: 2,
      conduct_concerns: 1,
      needs: 1,
      course_interests: 1,
      learning_evidence: 1,
      trainer_cpd_returns: 1,
      account: 1,
      data_requests: 1,
    }))
      expect({ kind, count: json(kind).count }).toEqual({ kind, count })
    expect(json('record').rows[0]).toMatchObject({ first_name: 'Yolanda', email })
    expect(
      json('evaluation_responses')
        .rows.map((r) => JSON.stringify(r.answers))
        .join(),
    ).toContain('Yolanda found the case study useful')
    expect(json('applications').rows[0]).toMatchObject({
      course_title: 'Safeguarding basics for data requests',
    })
    expect(json('audit_events').count).toBeGreaterThan(0)
    // A kind the person has nothing in still has its file, empty.
    expect(json('session_trainers').count).toBe(0)
    // Their evidence file comes with its record.
    const evidence = json('learning_evidence').rows[0] as { file_bytes: string }
    const path = evidence.file_bytes.replace('In this download: ', '')
    expect(new TextDecoder().decode(files[`${folder}/${path}`])).toBe('%PDF-1.4 certificate of Yolanda')
    const text = await pdfText(files[`${folder}/summary.pdf`] as Uint8Array)
    expect(text).toContain('Personal data held about Yolanda Quill')
    expect(text).toContain('Applications and places')
    expect(text).toContain('Safeguarding basics for data requests')
    // The request is recorded, audited, and shown on the person's page.
    const recorded = await inTenant((sql) =>
      sql.query(`SELECT kind, outcome FROM data_requests WHERE person_id = $1`, [personId]),
    )
    expect(recorded).toEqual([{ kind: 'export', outcome: 'exported' }])
    const audited = await inTenant((sql) =>
      sql.query(
        `SELECT 1 FROM audit_events WHERE action = 'person.export' AND entity_type = 'data_requests'`,
      ),
    )
    expect(audited.length).toBeGreaterThan(0)
    const admin = await t.signIn('admin@norfolk.example.org')
    const shown = page((await admin.get(`/people/${personId}`)).body)('main').text()
    expect(shown).toContain('Download of everything held')
    const requests = await admin.get(`/people/${personId}/data-requests`)
    expect(requests.statusCode).toBe(200)
    expect(page(requests.body)('main').text()).toContain('Downloaded')
  })

  it('downloads from the person’s page', async () => {
    const personId = await world.person(agencyId, { first: 'Paged' })
    const admin = await t.signIn('admin@norfolk.example.org')
    const response = await admin.submit(
      `/people/${personId}/data-requests/export`,
      {},
      {
        from: `/people/${personId}/data-requests`,
      },
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/zip')
  })

  it('refuses an agency lead, and answers 404 for another partnership’s person', async () => {
    const personId = await world.person(agencyId, { first: 'Guarded' })
    expect((await api('GET', `/api/v1/people/${personId}/export`, leadToken)).statusCode).toBe(403)
    expect(
      (await api('POST', `/api/v1/people/${personId}/erasure`, leadToken, { reason: 'Asked' })).statusCode,
    ).toBe(403)
    const jersey = await t.partnership('jersey')
    const theirs = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM people ORDER BY id LIMIT 1`),
    )
    expect((await api('GET', `/api/v1/people/${theirs.id}/export`, adminToken)).statusCode).toBe(404)
    expect(
      (await api('POST', `/api/v1/people/${theirs.id}/erasure`, adminToken, { reason: 'Asked' })).statusCode,
    ).toBe(404)
    const nothing = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query(`SELECT 1 FROM data_requests`),
    )
    expect(nothing).toEqual([])
  })
})

describe('the API document', () => {
  it('describes the export and the erasure', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(document.paths['/api/v1/people/{id}/export'].get.summary).toContain(
      'Everything held about a person',
    )
    expect(document.paths['/api/v1/people/{id}/erasure'].post.requestBody).toBeDefined()
  })
})

describe('erasure on request', () => {
  it('needs a reason of at most 1,000 characters, and changes nothing without one', async () => {
    const personId = await world.person(agencyId, { first: 'Reasonless' })
    const missing = await api('POST', `/api/v1/people/${personId}/erasure`, adminToken, {})
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('reason')
    const blank = await api('POST', `/api/v1/people/${personId}/erasure`, adminToken, { reason: '   ' })
    expect(blank.statusCode).toBe(400)
    expect(blank.json().errors).toEqual([
      { field: 'reason', message: 'Enter why the person’s data is to be erased' },
    ])
    const long = await api('POST', `/api/v1/people/${personId}/erasure`, adminToken, {
      reason: 'x'.repeat(1001),
    })
    expect(long.statusCode).toBe(400)
    expect(long.json().errors).toEqual([
      { field: 'reason', message: 'The reason must be 1,000 characters or fewer' },
    ])
    const person = await inTenant((sql) =>
      sql.one('SELECT first_name, erased_at FROM people WHERE id = $1', [personId]),
    )
    expect(person).toEqual({ first_name: 'Reasonless', erased_at: null })
    expect(
      await inTenant((sql) => sql.query('SELECT 1 FROM data_requests WHERE person_id = $1', [personId])),
    ).toEqual([])
  })

  it('erases the person but keeps an issued invoice’s lines, saying why, and the year’s report still adds up', async () => {
    const { personId, email, applications } = await personWithHistory('Zebedee')
    const userId = await accountFor(personId, 'zebedee.quill@example.org')
    const signedIn = await t.signIn('zebedee.quill@example.org')
    expect((await signedIn.get('/account')).statusCode).toBe(200)
    await t.db.anonymous({}, async (sql) => {
      await sql.query(
        `INSERT INTO second_factors (user_id, secret_encrypted, confirmed_at) VALUES ($1, 'v1.kept', now())`,
        [userId],
      )
      await sql.query(`INSERT INTO second_factor_recovery_codes (user_id, code_hash) VALUES ($1, 'hash')`, [
        userId,
      ])
    })
    const invoice = await t.services.invoices.issue(world.admin, {
      agencyId,
      from: '2025-06-01',
      to: '2025-06-30',
    })
    const before = await t.services.reports.report(world.admin, { year: '2025' })

    const response = await api('POST', `/api/v1/people/${personId}/erasure`, adminToken, {
      reason: 'The person asked by email on 20 November 2026',
    })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.outcome).toBe('partly-refused')
    expect(body.erased).toEqual(
      expect.arrayContaining(['Their names, work email, job role and line manager in the directory']),
    )
    expect(body.refused).toEqual([
      {
        record: expect.stringContaining(`invoice ${invoice.number}`),
        reason: expect.stringContaining('6 years under UK tax law'),
      },
    ])

    // Figures stay: every figure of the year's report is as it was.
    const after = await t.services.reports.report(world.admin, { year: '2025' })
    expect(after.sections.map((s) => s.figures)).toEqual(before.sections.map((s) => s.figures))

    await inTenant(async (sql) => {
      expect(
        await sql.one('SELECT first_name, last_name, email, role, user_id FROM people WHERE id = $1', [
          personId,
        ]),
      ).toEqual({
        first_name: 'Erased',
        last_name: 'person',
        email: `erased.${personId}@erased.invalid`,
        role: null,
        user_id: userId,
      })
      // Their words are gone, their scores and marks stay.
      const answers = await sql.query<{ answers: Record<string, unknown> }>(
        'SELECT answers FROM evaluation_responses WHERE application_id = ANY($1)',
        [applications],
      )
      expect(answers.map((a) => JSON.stringify(a.answers)).join()).not.toContain('Zebedee')
      expect(answers.map((a) => Object.values(a.answers))).toEqual([
        expect.arrayContaining(['[erased]', 4]),
        expect.arrayContaining(['[erased]', 4]),
      ])
      expect(
        await sql.one<{ n: number }>(
          'SELECT count(*)::int AS n FROM attendance WHERE application_id = ANY($1)',
          [applications],
        ),
      ).toEqual({ n: 2 })
      expect(
        await sql.one('SELECT sum(amount_pence)::int AS total FROM charges WHERE person_id = $1', [personId]),
      ).toEqual({ total: 10000 })
      // The issued invoice's line keeps the name, as the law requires.
      expect(
        await sql.query(
          'SELECT l.person_name FROM invoice_lines l JOIN charges c ON c.id = l.charge_id WHERE l.invoice_id = $1 AND c.person_id = $2',
          [invoice.id, personId],
        ),
      ).toEqual([{ person_name: 'Zebedee Quill' }])
      // Nothing else in the partnership still says who they were: the audit trail included,
      // apart from the invoice line that is kept.
      for (const text of ['Zebedee', email]) {
        const left = await sql.query<{ entity_type: string }>(
          `SELECT entity_type FROM audit_events
            WHERE (coalesce(before::text, '') || coalesce(after::text, '')) ILIKE '%' || $1 || '%'
              AND entity_type <> 'invoice_lines'`,
          [text],
        )
        expect({ text, left }).toEqual({ text, left: [] })
      }
      for (const [table, column] of [
        ['applications', 'access_needs'],
        ['conduct_concerns', 'concern'],
        ['course_interests', 'name'],
        ['trainer_cpd_returns', 'activities'],
      ] as const) {
        const left = await sql.query(`SELECT 1 FROM ${table} WHERE ${column} ILIKE '%Zebedee%'`)
        expect({ table, left }).toEqual({ table, left: [] })
      }
      expect(
        await sql.one('SELECT file_bytes FROM learning_evidence WHERE person_id = $1', [personId]),
      ).toEqual({ file_bytes: null })
      // The request is recorded with its reason and what was kept.
      expect(
        await sql.query(
          'SELECT kind, outcome, reason, jsonb_array_length(refused) AS refused FROM data_requests WHERE person_id = $1',
          [personId],
        ),
      ).toEqual([
        {
          kind: 'erasure',
          outcome: 'partly-refused',
          reason: 'The person asked by email on 20 November 2026',
          refused: 1,
        },
      ])
    })
    // Their account is disabled and signed out.
    const account = await t.db.anonymous({}, (sql) =>
      sql.one('SELECT email, display_name, disabled, password_hash FROM users WHERE id = $1', [userId]),
    )
    expect(account).toEqual({
      email: `erased.${personId}@erased.invalid`,
      display_name: 'Erased person',
      disabled: true,
      password_hash: null,
    })
    expect((await signedIn.get('/account')).statusCode).not.toBe(200)
    await expect(t.signIn('zebedee.quill@example.org')).rejects.toThrow()
    // Nor is any second factor of theirs kept.
    const factors = await t.db.anonymous({}, (sql) =>
      sql.one<{ n: number }>(
        `SELECT (SELECT count(*) FROM second_factors WHERE user_id = $1)::int
              + (SELECT count(*) FROM second_factor_recovery_codes WHERE user_id = $1)::int AS n`,
        [userId],
      ),
    )
    expect(factors.n).toBe(0)

    // Asked again, the same answer, and nothing more is done or recorded.
    const again = await api('POST', `/api/v1/people/${personId}/erasure`, adminToken, {
      reason: 'Asked again',
    })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(body)
    expect(
      await inTenant((sql) => sql.query('SELECT 1 FROM data_requests WHERE person_id = $1', [personId])),
    ).toHaveLength(1)

    // The person's pages say what was done and what was kept.
    const admin = await t.signIn('admin@norfolk.example.org')
    expect(page((await admin.get(`/people/${personId}`)).body)('main').text()).toContain('erased in part')
    const requests = page((await admin.get(`/people/${personId}/data-requests`)).body)('main').text()
    expect(requests).toContain('The person asked by email on 20 November 2026')
    expect(requests).toContain('6 years under UK tax law')
  })

  it('is asked for on the person’s page with a reason and confirmed on a second page', async () => {
    const personId = await world.person(agencyId, { first: 'Confirmed' })
    const admin = await t.signIn('admin@norfolk.example.org')
    const form = await admin.get(`/people/${personId}/erasure`)
    expect(form.statusCode).toBe(200)
    const missing = await admin.submit(`/people/${personId}/erasure`, { reason: '' })
    expect(missing.statusCode).toBe(400)
    expect(page(missing.body)('.govuk-error-summary').text()).toContain(
      'Enter why the person’s data is to be erased',
    )
    const check = await admin.submit(`/people/${personId}/erasure`, { reason: 'Asked in writing' })
    expect(check.statusCode).toBe(200)
    expect(page(check.body)('h1').text()).toContain('Are you sure')
    // Not yet erased until confirmed.
    expect(
      await inTenant((sql) => sql.one('SELECT erased_at FROM people WHERE id = $1', [personId])),
    ).toEqual({ erased_at: null })
    const done = await admin.post(`/people/${personId}/erasure`, {
      reason: 'Asked in writing',
      confirm: 'yes',
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`/people/${personId}/data-requests`)
    const shown = page((await admin.get(`/people/${personId}/data-requests`)).body)('main').text()
    expect(shown).toContain('Erased')
    expect(shown).toContain('Asked in writing')
  })
})
