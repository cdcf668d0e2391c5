import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'

let t: TestApp
const tokens: Record<'admin' | 'lead' | 'practitioner', string> = { admin: '', lead: '', practitioner: '' }
let courseId: string
let self: string
let ledStaff: string
let otherStaff: string

function call(as: keyof typeof tokens, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
}

// The test clock stands at 2026-11-24T10:00Z; Norfolk allocates places six weeks before a session.
const session = async (startsAt: string, endsAt: string, extra: object = {}) => {
  const response = await call('admin', 'POST', '/api/v1/sessions', {
    courseId,
    startsAt,
    endsAt,
    capacity: 20,
    format: 'online',
    joiningUrl: 'https://meet.example.org/apply',
    ...extra,
  })
  expect(response.statusCode).toBe(201)
  return response.json().id as string
}
const application = (personId: string) => ({
  personId,
  managerEmail: 'manager@example.org',
  acceptsOtherDates: true,
})

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const scope = { partnershipId: norfolk.id, userId: null }
  for (const role of ['admin', 'lead', 'practitioner'] as const) {
    const email = `${role === 'lead' ? 'agency-lead' : role}@norfolk.example.org`
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    tokens[role] = await t.services.tokens.create({
      partnershipId: norfolk.id,
      userId: user.id,
      name: 'test',
    })
  }
  const { leadAgency, practitionerUser } = await t.db.tenant(scope, async (sql) => ({
    leadAgency: (
      await sql.one<{ id: string }>(
        `SELECT unnest(m.agency_ids) AS id FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE u.email = 'agency-lead@norfolk.example.org' LIMIT 1`,
      )
    ).id,
    practitionerUser: (
      await sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'practitioner@norfolk.example.org'`)
    ).id,
  }))
  const person = (first: string, agency: string, userId: string | null = null) =>
    t.db.tenant(scope, (sql) =>
      sql
        .one<{ id: string }>(
          `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, user_id)
           VALUES ($1, $2, 'Applicant', lower($2) || '@example.org', coalesce($3::uuid, (SELECT id FROM agencies WHERE id <> $4 ORDER BY name LIMIT 1)), $5)
           RETURNING id`,
          [norfolk.id, first, agency === 'other' ? null : agency, leadAgency, userId],
        )
        .then((r) => r.id),
    )
  self = await person('Pat', 'other', practitionerUser)
  ledStaff = await person('Lee', leadAgency)
  otherStaff = await person('Oli', 'other')
  courseId = (
    await call('admin', 'POST', '/api/v1/courses', {
      title: 'Information sharing',
      deliveryMethod: 'multi_agency_training',
      objectives: ['Share information safely'],
      evaluationPlan: { impact: 'Confidence at follow-up' },
      status: 'published',
    })
  ).json().id
})
afterAll(() => t?.close())

describe('applying for a session', () => {
  it('takes an application for yourself, once, and acknowledges it by email', async () => {
    const sessionId = await session('2027-03-02T09:30:00Z', '2027-03-02T12:30:00Z')
    const applied = await call(
      'practitioner',
      'POST',
      `/api/v1/sessions/${sessionId}/applications`,
      application(self),
    )
    expect(applied.statusCode).toBe(201)
    expect(applied.json()).toMatchObject({ status: 'applied', acceptsOtherDates: true, position: null })
    const twice = await call(
      'practitioner',
      'POST',
      `/api/v1/sessions/${sessionId}/applications`,
      application(self),
    )
    expect(twice.statusCode).toBe(409)
    const mail = await t.db.platform((sql) =>
      sql.query<{ text_body: string }>(`SELECT text_body FROM outbox WHERE to_address = 'pat@example.org'`),
    )
    expect(mail).toHaveLength(1)
    expect(mail[0]?.text_body).toContain('allocated on 19 January 2027')
  })

  it('refuses a session at the same time as another the person applied for', async () => {
    const sessionId = await session('2027-03-02T11:00:00Z', '2027-03-02T13:00:00Z')
    const clash = await call(
      'practitioner',
      'POST',
      `/api/v1/sessions/${sessionId}/applications`,
      application(self),
    )
    expect(clash.statusCode).toBe(400)
    expect(clash.json().errors[0].message).toContain('has applied for Information sharing at the same time')
  })

  it('lets an agency lead apply for their staff only, and a practitioner only for themselves', async () => {
    const sessionId = await session('2027-03-09T09:30:00Z', '2027-03-09T12:30:00Z')
    const url = `/api/v1/sessions/${sessionId}/applications`
    expect((await call('lead', 'POST', url, application(ledStaff))).statusCode).toBe(201)
    expect((await call('lead', 'POST', url, application(otherStaff))).statusCode).toBe(400)
    expect((await call('practitioner', 'POST', url, application(otherStaff))).statusCode).toBe(403)
    expect((await call('admin', 'POST', url, application(otherStaff))).statusCode).toBe(201)
    const asLead = (await call('lead', 'GET', url)).json().items
    expect(asLead.map((a: { personId: string }) => a.personId)).toEqual([ledStaff])
    const asAdmin = (await call('admin', 'GET', url)).json().items
    expect(asAdmin).toHaveLength(2)
    expect((await call('practitioner', 'GET', url)).statusCode).toBe(403)
  })

  it('refuses a bad manager email, a cancelled session, and one whose applications have closed', async () => {
    const open = await session('2027-03-16T09:30:00Z', '2027-03-16T12:30:00Z')
    const badEmail = await call('admin', 'POST', `/api/v1/sessions/${open}/applications`, {
      ...application(otherStaff),
      managerEmail: 'not an email',
    })
    expect(badEmail.statusCode).toBe(400)
    await call('admin', 'PATCH', `/api/v1/sessions/${open}`, {
      status: 'cancelled',
      cancellationReason: 'No trainer',
    })
    const cancelled = await call(
      'admin',
      'POST',
      `/api/v1/sessions/${open}/applications`,
      application(otherStaff),
    )
    expect(cancelled.json().errors[0].message).toBe('This session has been cancelled')
    // Starts in four weeks: its six-week lead time has passed.
    const soon = await session('2026-12-22T09:30:00Z', '2026-12-22T12:30:00Z')
    const closed = await call(
      'admin',
      'POST',
      `/api/v1/sessions/${soon}/applications`,
      application(otherStaff),
    )
    expect(closed.json().errors[0].message).toBe('Applications for this session have closed')
    const stored = (await call('admin', 'GET', `/api/v1/sessions/${soon}/applications`)).json().items
    expect(stored).toEqual([])
  })
})

describe('cancelling a session', () => {
  it('ends its applications without charge and tells each applicant and their manager', async () => {
    const sessionId = await session('2027-05-04T09:30:00Z', '2027-05-04T12:30:00Z')
    await call('admin', 'POST', `/api/v1/sessions/${sessionId}/applications`, application(otherStaff))
    const cancelled = await call('admin', 'PATCH', `/api/v1/sessions/${sessionId}`, {
      status: 'cancelled',
      cancellationReason: 'The trainer is unwell',
    })
    expect(cancelled.statusCode).toBe(200)
    const [ended] = (await call('admin', 'GET', `/api/v1/sessions/${sessionId}/applications`)).json().items
    expect(ended).toMatchObject({ status: 'cancelled', reason: 'The session was cancelled' })
    const mail = await t.db.platform((sql) =>
      sql.query<{ to_address: string; text_body: string }>(
        `SELECT to_address, text_body FROM outbox WHERE subject LIKE 'Cancelled: Information sharing%' ORDER BY to_address`,
      ),
    )
    expect(mail.map((m) => m.to_address)).toEqual(['manager@example.org', 'oli@example.org'])
    expect(mail[1]?.text_body).toContain('Why: The trainer is unwell')
  })
})

describe('a session below its minimum places', () => {
  it('asks an admin to run or cancel it once applications close', async () => {
    const sessionId = await session('2027-02-16T09:30:00Z', '2027-02-16T12:30:00Z', { minimumPlaces: 3 })
    await call('admin', 'POST', `/api/v1/sessions/${sessionId}/applications`, application(otherStaff))
    const before = await t.signIn('admin@norfolk.example.org')
    expect(page((await before.get('/dashboard')).body)('main').text()).not.toContain('below their minimum')
    try {
      // Six weeks before 16 February is 5 January.
      t.clock.set('2027-01-05T10:00:00Z')
      // Six weeks on, the earlier sign-in has long expired.
      const admin = await t.signIn('admin@norfolk.example.org')
      const home = page((await admin.get('/dashboard')).body)
      expect(home('#to-do-below-minimum').text()).toContain('1 session below its minimum places')
      expect(home(`#to-do-below-minimum a[href="/sessions/${sessionId}"]`).text()).toBe(
        'Information sharing, 16 February 2027',
      )
      const sessionPage = page((await admin.get(`/sessions/${sessionId}`)).body)
      expect(sessionPage('.govuk-notification-banner').text()).toContain(
        'Applications have closed with 1 applicant',
      )
      expect(
        (
          await admin.submit(
            `/sessions/${sessionId}/run-below-minimum`,
            {},
            { from: `/sessions/${sessionId}` },
          )
        ).statusCode,
      ).toBe(303)
      expect(page((await admin.get('/dashboard')).body)('main').text()).not.toContain('below their minimum')
      const again = await admin.submit(
        `/sessions/${sessionId}/run-below-minimum`,
        {},
        { from: `/sessions/${sessionId}` },
      )
      expect(again.statusCode).toBe(409)
    } finally {
      t.clock.set(TEST_NOW)
    }
  })
})
