import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contextFrom, systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { policyPresets } from './policy.ts'

let t: TestApp
let adminToken: string
let executiveToken: string

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const users = await t.db.anonymous({}, (sql) =>
    sql.query<{ id: string; email: string }>(
      `SELECT id, email FROM users WHERE email LIKE '%@norfolk.example.org'`,
    ),
  )
  const id = (email: string) => users.find((u) => u.email === email)?.id ?? ''
  adminToken = await t.services.tokens.create({
    partnershipId: norfolk.id,
    userId: id('admin@norfolk.example.org'),
    name: 'test',
  })
  executiveToken = await t.services.tokens.create({
    partnershipId: norfolk.id,
    userId: id('executive@norfolk.example.org'),
    name: 'test',
  })
})
afterAll(() => t?.close())

const api = (method: 'GET' | 'PATCH', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

describe('the policy API', () => {
  it('gives each demo partnership the rules of its documents', async () => {
    const response = await api('GET', '/api/v1/policy', adminToken)
    expect(response.statusCode).toBe(200)
    expect(response.json().rules).toEqual(policyPresets.norfolk)
    expect(response.json().rules.fees).toEqual({
      fundingPartnerPence: 0,
      statutoryPence: 0,
      privatePence: 10_000,
      voluntarySaferProgrammePence: 4_000,
      voluntaryPence: 5_000,
    })
  })

  it('keeps each change with the date it took effect, so an event uses the rule of its own date', async () => {
    const response = await api('PATCH', '/api/v1/policy', adminToken, {
      fees: { privatePence: 12_000 },
      effectiveFrom: '2027-04-01',
      reason: 'Annual review of charges',
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ effectiveFrom: '2027-04-01', reason: 'Annual review of charges' })
    expect(response.json().rules.fees.privatePence).toBe(12_000)
    expect(response.json().rules.fees.voluntaryPence).toBe(5_000)

    const before = await api('GET', '/api/v1/policy?date=2027-03-31', adminToken)
    const after = await api('GET', '/api/v1/policy?date=2027-04-01', adminToken)
    expect(before.json().rules.fees.privatePence).toBe(10_000)
    expect(after.json().rules.fees.privatePence).toBe(12_000)

    const norfolk = await t.partnership('norfolk')
    const ctx = systemContext(norfolk, 'test')
    expect((await t.services.policy.rulesOn(ctx, '2027-06-01')).fees.privatePence).toBe(12_000)
    expect((await t.services.policy.rulesOn(ctx, '2026-12-01')).fees.privatePence).toBe(10_000)
  })

  it('audits a change with who made it and the values before and after', async () => {
    const norfolk = await t.partnership('norfolk')
    const events = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{ action: string; email: string; after: { rules: { fees: { privatePence: number } } } }>(
        `SELECT a.action, u.email, a.after FROM audit_events a JOIN users u ON u.id = a.actor_user_id
          WHERE a.entity_type = 'policies' AND a.action = 'policy.change'`,
      ),
    )
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ email: 'admin@norfolk.example.org' })
    expect(events[0]?.after.rules.fees.privatePence).toBe(12_000)
  })

  it('refuses a change that would take effect in the past, and changes nothing', async () => {
    const response = await api('PATCH', '/api/v1/policy', adminToken, {
      cancellationNoticeDays: 3,
      effectiveFrom: '2026-01-01',
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.json().errors).toEqual([
      { field: 'effectiveFrom', message: expect.stringMatching(/today or in the future/) },
    ])
    expect((await api('GET', '/api/v1/policy', adminToken)).json().rules.cancellationNoticeDays).toBe(7)
  })

  it('names each bad field in a problem document', async () => {
    const response = await api('PATCH', '/api/v1/policy', adminToken, {
      cancellationNoticeDays: -1,
      fees: { privatePence: 10.5 },
      jurisdiction: 'mars',
      surprise: true,
    })
    expect(response.statusCode).toBe(400)
    const fields = response.json().errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(
      expect.arrayContaining(['cancellationNoticeDays', 'fees.privatePence', 'jurisdiction']),
    )
  })

  it('lets an executive read but not change the policy', async () => {
    expect((await api('GET', '/api/v1/policy', executiveToken)).statusCode).toBe(200)
    expect(
      (await api('PATCH', '/api/v1/policy', executiveToken, { cancellationNoticeDays: 5 })).statusCode,
    ).toBe(403)
  })

  it('describes the policy API in the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json()
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths['/api/v1/policy'])).toEqual(expect.arrayContaining(['get', 'patch']))
    expect(Object.keys(document.paths).every((path: string) => path.startsWith('/api/v1/'))).toBe(true)
  })
})

describe('the policy pages', () => {
  it('shows the rules in force to an admin, with a way to change them', async () => {
    const admin = await t.signIn('admin@north-somerset.example.org')
    const response = await admin.get('/policy')
    const $ = page(response.body)
    expect(response.statusCode).toBe(200)
    expect($('main').text()).toMatch(/Follow-up evaluation\s*4 months after the course/)
    expect($('a[href="/policy/change"]').length).toBe(1)
  })

  it('saves a change made on the page, with fees typed in pounds kept as pence', async () => {
    const admin = await t.signIn('admin@shropshire.example.org')
    const form = await admin.get('/policy/change')
    const $ = page(form.body)
    const fields: Record<string, string> = {}
    $('form[action="/policy/change"] input[name], form[action="/policy/change"] textarea[name]').each(
      (_, el) => {
        const input = $(el)
        const type = input.attr('type')
        if ((type === 'radio' || type === 'checkbox') && !input.is('[checked]')) return
        fields[input.attr('name') ?? ''] = String(input.val() ?? input.text())
      },
    )
    $('form[action="/policy/change"] select[name]').each((_, el) => {
      fields[$(el).attr('name') ?? ''] = String($(el).find('option[selected]').val() ?? '')
    })
    delete fields._csrf
    const response = await admin.post('/policy/change', {
      ...fields,
      'fees.privatePence': '£85.50',
      'effectiveFrom-day': '1',
      'effectiveFrom-month': '4',
      'effectiveFrom-year': '2027',
      reason: 'Board agreed new charges',
    })
    expect(response.statusCode).toBe(303)
    const shropshire = await t.partnership('shropshire')
    const rules = await t.services.policy.rulesOn(systemContext(shropshire, 'test'), '2027-04-01')
    expect(rules.fees.privatePence).toBe(8_550)
    expect(rules.tiers).toEqual(['Induction', 'Awareness & Universal', 'Advanced & Specialist'])
  })

  it('shows every problem with a change at once, keeps what was typed, and saves nothing', async () => {
    const admin = await t.signIn('admin@jersey.example.org')
    await admin.get('/policy/change')
    const response = await admin.post('/policy/change', {
      jurisdiction: 'jersey',
      shortlistingLeadWeeks: 'six',
      'fees.privatePence': '-5',
      'effectiveFrom-day': '31',
      'effectiveFrom-month': '2',
      'effectiveFrom-year': '2027',
      reason: '',
    })
    const $ = page(response.body)
    expect(response.statusCode).toBe(400)
    const summary = $('.govuk-error-summary').text()
    expect(summary).toMatch(/lead time as a whole number/)
    expect(summary).toMatch(/fee for private agencies/)
    expect(summary).toMatch(/Enter a real date/)
    expect(summary).toMatch(/why the policy is changing/)
    expect($('#shortlistingLeadWeeks').val()).toBe('six')
    const jersey = await t.partnership('jersey')
    const versions = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.query('SELECT 1 FROM policies'),
    )
    expect(versions).toHaveLength(1)
  })

  it('renders text a user typed as text, never as HTML', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const norfolk = await t.partnership('norfolk')
    const auth = {
      user: { id: '', email: '', displayName: '' },
      partnership: norfolk,
      roles: ['admin' as const],
      agencyIds: [],
      partnershipCount: 1,
      via: 'session' as const,
    }
    await t.services.policy.change(
      { ...contextFrom(auth), actor: { ...contextFrom(auth).actor, userId: null } },
      {
        effectiveFrom: '2028-01-01',
        reason: '<script>alert(1)</script>',
      },
    )
    const response = await admin.get('/policy')
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})
