import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let token: string
let courseId: string
let admin: Browser

function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

// The test clock stands at 2026-11-24T10:00Z, in the financial year 2026/27.
const online = (startsAt: string, endsAt: string) => ({
  courseId,
  startsAt,
  endsAt,
  capacity: 20,
  format: 'online',
  joiningUrl: 'https://meet.example.org/programme',
})

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({ partnershipId: norfolk.id, userId: user.id, name: 'test' })
  courseId = (
    await call('POST', '/api/v1/courses', {
      title: 'Capacity planning',
      deliveryMethod: 'multi_agency_training',
      objectives: ['Plan within capacity'],
      evaluationPlan: { impact: 'Confidence at follow-up' },
      status: 'published',
    })
  ).json().id
  // Fill the year to two half days short of its capacity, with one long session and a short one.
  const ctx = systemContext(norfolk, 'test')
  const year = await t.services.programme.year(ctx, 2026)
  const filler = year.capacityHalfDays - year.plannedHalfDays - 2
  const parts = [
    {
      startsAt: '2026-12-01T00:00:00Z',
      endsAt: new Date(
        Date.parse('2026-12-01T00:00:00Z') + Math.floor(filler / 2) * 86_400_000,
      ).toISOString(),
    },
    ...(filler % 2 ? [{ startsAt: '2027-03-30T09:00:00Z', endsAt: '2027-03-30T12:00:00Z' }] : []),
  ]
  const created = await call('POST', '/api/v1/sessions', {
    ...online('', ''),
    startsAt: undefined,
    endsAt: undefined,
    parts,
  })
  expect(created.statusCode).toBe(201)
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

describe('the annual programme', () => {
  it('schedules up to the capacity policy and refuses beyond it without a reason', async () => {
    const fits = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-01-19T09:00:00Z', '2027-01-19T16:00:00Z'),
    )
    expect(fits.statusCode).toBe(201)
    const beyond = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-01-26T09:00:00Z', '2027-01-26T12:00:00Z'),
    )
    expect(beyond.statusCode).toBe(400)
    expect(beyond.json().errors[0]).toMatchObject({
      field: 'capacityOverrideReason',
      message: expect.stringContaining('104.5 days of delivery in 2026/27, beyond the capacity of 104 days'),
    })
    const { total } = (await call('GET', `/api/v1/sessions?courseId=${courseId}`)).json()
    expect(total).toBe(2)
  })

  it('schedules beyond the capacity when an admin gives a reason, and keeps it with the programme', async () => {
    const overridden = await call('POST', '/api/v1/sessions', {
      ...online('2027-01-26T09:00:00Z', '2027-01-26T12:00:00Z'),
      capacityOverrideReason: 'Briefing the board asked for after the review of Child P',
    })
    expect(overridden.statusCode).toBe(201)
    const html = page((await admin.get('/programme?year=2026')).body)
    expect(html('h1').text()).toBe('2026/27')
    expect(html('.govuk-warning-text').text()).toContain('beyond its capacity by 0.5 days')
    expect(html('main').text()).toContain('Briefing the board asked for after the review of Child P')
  })

  it('never refuses a change that adds no delivery to the year', async () => {
    const { items } = (await call('GET', `/api/v1/sessions?courseId=${courseId}&from=2027-01-19`)).json()
    const fullDay = items.find((s: { startsAt: string }) => s.startsAt === '2027-01-19T09:00:00.000Z')
    const shorter = await call('PATCH', `/api/v1/sessions/${fullDay.id}`, {
      startsAt: '2027-01-20T09:00:00Z',
      endsAt: '2027-01-20T12:00:00Z',
    })
    expect(shorter.statusCode).toBe(200)
    const longer = await call('PATCH', `/api/v1/sessions/${fullDay.id}`, {
      startsAt: '2027-01-20T09:00:00Z',
      endsAt: '2027-01-20T17:00:00Z',
    })
    expect(longer.statusCode).toBe(400)
  })

  it('counts a session in the financial year it starts in, so next year is free', async () => {
    const nextYear = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-04-13T09:00:00Z', '2027-04-13T16:00:00Z'),
    )
    expect(nextYear.statusCode).toBe(201)
    const html = page((await admin.get('/programme?year=2027')).body)
    expect(html('h1').text()).toBe('2027/28')
    expect(html('main').text()).toContain('Capacity planning: 1 day')
  })

  it('is for planners, not practitioners', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/programme')).statusCode).toBe(403)
  })
})
