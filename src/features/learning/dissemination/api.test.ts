import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anotherAgency, userOf } from '#features/actions/test-fixtures.ts'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let leadAgencyId: string
let otherAgencyId: string
let productId: string
const tokens: Record<string, string> = {}

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  for (const role of ['admin', 'agency-lead', 'practitioner']) {
    const user = await userOf(t.db, norfolkId, `${role}@norfolk.example.org`)
    tokens[role] = await t.services.tokens.create({ partnershipId: norfolkId, userId: user.id, name: 'test' })
  }
  const lead = await userOf(t.db, norfolkId, 'agency-lead@norfolk.example.org')
  leadAgencyId = lead.agencyIds[0] as string
  otherAgencyId = await anotherAgency(t.db, norfolkId, lead.agencyIds)
  productId = (await aLearningProduct(t.db, norfolkId, { title: 'API briefing' })).id
  await t.services.dissemination.send(systemContext(norfolk, 'test'), productId)
  await t.db.tenant({ partnershipId: norfolkId, userId: null, actor: 'test' }, (sql) =>
    sql.query('UPDATE agencies SET headcount = 40 WHERE id = $1', [leadAgencyId]),
  )
})
afterAll(() => t?.close())

const url = () => `/api/v1/learning-products/${productId}/dissemination`
const call = (as: string, method: 'GET' | 'POST', payload?: object) =>
  t.app.inject({ method, url: url(), headers: { authorization: `Bearer ${tokens[as]}` }, payload })

const aRecord = (overrides: Record<string, unknown> = {}) => ({
  agencyId: leadAgencyId,
  how: 'team_meeting',
  on: '2026-11-20',
  staffReached: 30,
  note: 'Team meeting agenda item',
  ...overrides,
})

async function records(): Promise<number> {
  const row = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM dissemination_records WHERE product_id = $1', [
      productId,
    ]),
  )
  return row.n
}

describe('reading a product’s dissemination', () => {
  it('gives each agency its status, staff reached and headcount', async () => {
    const response = await call('admin', 'GET')
    expect(response.statusCode).toBe(200)
    const { items } = response.json() as { items: Record<string, unknown>[] }
    const lead = items.find((i) => i.agencyId === leadAgencyId)
    expect(lead).toMatchObject({
      agencyId: leadAgencyId,
      status: 'not_acknowledged',
      staffReached: 0,
      headcount: 40,
    })
    expect(items.every((i) => ['agencyId', 'status', 'staffReached', 'headcount'].every((k) => k in i))).toBe(
      true,
    )
  })

  it('gives an agency lead only their own agencies, and a practitioner nothing', async () => {
    const { items } = (await call('agency-lead', 'GET')).json() as { items: { agencyId: string }[] }
    expect(items.map((i) => i.agencyId)).toContain(leadAgencyId)
    expect(items.map((i) => i.agencyId)).not.toContain(otherAgencyId)
    expect((await call('practitioner', 'GET')).statusCode).toBe(403)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>
    }
    const path = doc.paths['/api/v1/learning-products/{id}/dissemination']
    expect(Object.keys(path ?? {}).sort()).toEqual(['get', 'post'])
  })
})

describe('recording dissemination by the API', () => {
  it('records an agency lead’s dissemination for their agency', async () => {
    const response = await call('agency-lead', 'POST', aRecord())
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      warnings: [],
      agency: {
        agencyId: leadAgencyId,
        status: 'disseminated',
        staffReached: 30,
        headcount: 40,
        reachPercent: 75,
      },
    })
  })

  it('accepts staff reached above the headcount, with a warning', async () => {
    const response = await call('agency-lead', 'POST', aRecord({ staffReached: 20 }))
    expect(response.statusCode).toBe(201)
    const body = response.json() as {
      warnings: string[]
      agency: { staffReached: number; reachPercent: number }
    }
    expect(body.warnings).toHaveLength(1)
    expect(body.warnings[0]).toContain('is more than')
    expect(body.agency).toMatchObject({ staffReached: 50, reachPercent: 100 })
  })

  it('refuses a negative number, a future date and an unknown agency as problems, saving nothing', async () => {
    const before = await records()
    for (const bad of [
      aRecord({ staffReached: -1 }),
      aRecord({ on: '2026-12-25' }),
      aRecord({ how: 'carrier_pigeon' }),
      aRecord({ agencyId: '00000000-0000-4000-8000-000000000001' }),
    ]) {
      const response = await call('agency-lead', 'POST', bad)
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
    expect(await records()).toBe(before)
  })

  it('refuses an agency lead recording for another agency (403)', async () => {
    const before = await records()
    const response = await call('agency-lead', 'POST', aRecord({ agencyId: otherAgencyId }))
    expect(response.statusCode).toBe(403)
    expect(await records()).toBe(before)
  })
})
