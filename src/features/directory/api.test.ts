import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
const token: Record<string, string> = {}
let ledAgencies: string[]
let otherAgency: string

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  for (const role of ['admin', 'agency-lead', 'practitioner']) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@norfolk.example.org`]),
    )
    token[role] = await t.services.tokens.create({ partnershipId: norfolk.id, userId: user.id, name: 'test' })
  }
  const lead = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ agency_ids: string[] }>(`SELECT agency_ids FROM memberships WHERE role = 'agency-lead'`),
  )
  ledAgencies = lead.agency_ids
  otherAgency = (
    await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies WHERE NOT (id = ANY($1)) ORDER BY name LIMIT 1', [
        ledAgencies,
      ]),
    )
  ).id
})
afterAll(() => t?.close())

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, as: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token[as]}` }, payload })

describe('agencies through the API', () => {
  it('lists agencies, paged, with the documented fields', async () => {
    const response = await call('GET', '/api/v1/agencies?pageSize=5', 'admin')
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({ total: 15, page: 1, pageSize: 5 })
    expect(body.items).toHaveLength(5)
    expect(Object.keys(body.items[0])).toEqual(
      expect.arrayContaining([
        'id',
        'name',
        'category',
        'saferProgrammeMember',
        'sector',
        'workforce',
        'archived',
      ]),
    )
  })

  it('adds and changes an agency, and refuses a Safer Programme member outside the voluntary sector', async () => {
    const created = await call('POST', '/api/v1/agencies', 'admin', {
      name: 'Sunrise Childminders',
      category: 'private',
      sector: 'early_years',
      workforce: 'children',
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    const changed = await call('PATCH', `/api/v1/agencies/${id}`, 'admin', {
      category: 'voluntary',
      saferProgrammeMember: true,
    })
    expect(changed.json()).toMatchObject({ category: 'voluntary', saferProgrammeMember: true })
    const refused = await call('PATCH', `/api/v1/agencies/${id}`, 'admin', { category: 'private' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: 'saferProgrammeMember', message: expect.stringMatching(/Safer Programme/) },
    ])
  })

  it('refuses a duplicate name, and an agency lead may not add agencies', async () => {
    const duplicate = await call('POST', '/api/v1/agencies', 'admin', {
      name: 'norfolk police',
      category: 'funding_partner',
      sector: 'police',
      workforce: 'both',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.json().errors[0].field).toBe('name')
    expect((await call('POST', '/api/v1/agencies', 'agency-lead', { name: 'X' })).statusCode).toBe(403)
  })
})

describe('people through the API', () => {
  it('adds a person, links a manager who is in the directory, and finds them by name', async () => {
    const manager = await call('POST', '/api/v1/people', 'admin', {
      firstName: 'Morag',
      lastName: 'Manager',
      email: 'morag.manager@example.org',
      agencyId: otherAgency,
      role: 'Team manager',
    })
    expect(manager.statusCode).toBe(201)
    const person = await call('POST', '/api/v1/people', 'admin', {
      firstName: 'Priya',
      lastName: 'Practitioner',
      email: 'Priya.Practitioner@example.org',
      agencyId: otherAgency,
      role: 'Social worker',
      managerEmail: 'MORAG.manager@example.org',
    })
    expect(person.statusCode).toBe(201)
    expect(person.json()).toMatchObject({ managerEmail: 'morag.manager@example.org', status: 'active' })
    const found = await call('GET', '/api/v1/people?q=pri%20prac', 'admin')
    expect(found.json().items.map((p: { email: string }) => p.email)).toEqual([
      'Priya.Practitioner@example.org',
    ])
  })

  it('refuses a second person with the same email, whatever its case', async () => {
    const response = await call('POST', '/api/v1/people', 'admin', {
      firstName: 'Other',
      lastName: 'Priya',
      email: 'priya.practitioner@EXAMPLE.org',
      agencyId: otherAgency,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ field: 'email', message: expect.stringMatching(/already/) }])
  })

  it('keeps an agency lead to their own agencies’ people', async () => {
    const mine = await call('POST', '/api/v1/people', 'agency-lead', {
      firstName: 'Nia',
      lastName: 'Nursery',
      email: 'nia@example.org',
      agencyId: ledAgencies[0],
    })
    expect(mine.statusCode).toBe(201)
    const elsewhere = await call('POST', '/api/v1/people', 'agency-lead', {
      firstName: 'Not',
      lastName: 'Mine',
      email: 'not.mine@example.org',
      agencyId: otherAgency,
    })
    expect(elsewhere.statusCode).toBe(400)
    const list = await call('GET', '/api/v1/people?pageSize=100', 'agency-lead')
    expect(list.json().items.every((p: { agencyId: string }) => ledAgencies.includes(p.agencyId))).toBe(true)
    const priya = (await call('GET', '/api/v1/people?q=priya', 'admin')).json().items[0].id
    expect((await call('GET', `/api/v1/people/${priya}`, 'agency-lead')).statusCode).toBe(404)
    expect((await call('PATCH', `/api/v1/people/${priya}`, 'agency-lead', { role: 'x' })).statusCode).toBe(
      404,
    )
    expect((await call('GET', '/api/v1/people', 'practitioner')).statusCode).toBe(403)
  })

  it('keeps the history when a person moves agency', async () => {
    const priya = (await call('GET', '/api/v1/people?q=priya', 'admin')).json().items[0].id
    const moved = await call('PATCH', `/api/v1/people/${priya}`, 'admin', { agencyId: ledAgencies[0] })
    expect(moved.json().agencyId).toBe(ledAgencies[0])
    const norfolk = await t.partnership('norfolk')
    const { systemContext } = await import('#platform/context.ts')
    const { spells } = await t.services.directory.person(systemContext(norfolk, 'test'), priya)
    expect(spells.map((s) => [s.agencyId, s.startedOn, s.endedOn])).toEqual([
      [ledAgencies[0], '2026-11-24', null],
      [otherAgency, '2026-11-24', '2026-11-24'],
    ])
  })

  it('names each bad field in a problem document and changes nothing', async () => {
    const response = await call('POST', '/api/v1/people', 'admin', {
      firstName: '',
      lastName: 'x'.repeat(101),
      email: 'not-an-email',
      agencyId: 'nope',
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/problem\+json/)
    expect(
      response
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['agencyId', 'email', 'firstName', 'lastName'])
  })
})
