import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
const tokens = { admin: '', trainer: '', jersey: '' }

beforeAll(async () => {
  t = await testApp()
  const tokenFor = async (slug: string, role: string) => {
    const partnership = await t.partnership(slug)
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@${slug}.example.org`]),
    )
    return t.services.tokens.create({ partnershipId: partnership.id, userId: user.id, name: 'test' })
  }
  tokens.admin = await tokenFor('norfolk', 'admin')
  tokens.trainer = await tokenFor('norfolk', 'trainer')
  tokens.jersey = await tokenFor('jersey', 'admin')
})
afterAll(() => t?.close())

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, token = tokens.admin) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

// Norfolk 12a's fields; the test clock's today is 24 November 2026.
const contract = {
  providerName: 'Safe Lives Training Ltd',
  providerContactName: 'Alex Provider',
  providerContactEmail: 'alex@safelives.example.org',
  trainingType: 'One-day multi-agency course on domestic abuse risk assessment',
  expectedOutcomes: 'Practitioners complete a DASH risk assessment and refer to MARAC when they should',
  impactMeasures: 'MARAC referral quality audit at four months',
  materials: 'Provider’s slides and case studies',
  materialsOwnership: 'The provider; the partnership may reuse the case studies',
  deliveryFormat: 'in_person',
  relevantPolicies: 'Each agency’s domestic abuse policy',
  venuePaidBy: 'partnership',
  venueCostPence: 25_000,
  trainerPaidBy: 'partnership',
  trainerCostPence: 125_050,
  otherCosts: 'Refreshments: the host agency',
  startsOn: '2026-01-05',
}

async function contractCount(): Promise<number> {
  const norfolk = await t.partnership('norfolk')
  return t.db.tenant({ partnershipId: norfolk.id, userId: null }, async (sql) => {
    const row = await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM training_contracts')
    return row.n
  })
}

describe('the contracts API', () => {
  it('records a contract with its costs in whole pence and a review date a year on', async () => {
    const created = await call('POST', '/api/v1/contracts', contract)
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({
      ...contract,
      reviewOn: '2027-01-05',
      status: 'active',
      courseId: null,
      dueForReview: false,
    })
    const id = created.json().id
    expect((await call('GET', `/api/v1/contracts/${id}`)).json()).toEqual(created.json())
  })

  it('lists contracts due for review first, and on their own when asked', async () => {
    const due = (
      await call('POST', '/api/v1/contracts', {
        ...contract,
        providerName: 'Due soon',
        startsOn: '2025-12-01',
      })
    ).json()
    expect(due).toMatchObject({ reviewOn: '2026-12-01', dueForReview: true })
    const all = (await call('GET', '/api/v1/contracts')).json().items
    expect(all.map((c: { providerName: string }) => c.providerName)).toEqual([
      'Due soon',
      'Safe Lives Training Ltd',
    ])
    const onlyDue = (await call('GET', '/api/v1/contracts?due=true')).json().items
    expect(onlyDue.map((c: { id: string }) => c.id)).toEqual([due.id])
  })

  it('moves the review date on after a review, and ending a contract stops it being due', async () => {
    const [due] = (await call('GET', '/api/v1/contracts?due=true')).json().items
    const reviewed = await call('PATCH', `/api/v1/contracts/${due.id}`, { reviewOn: '2027-12-01' })
    expect(reviewed.statusCode).toBe(200)
    expect(reviewed.json()).toMatchObject({
      reviewOn: '2027-12-01',
      dueForReview: false,
      trainerCostPence: 125_050,
    })
    const back = await call('PATCH', `/api/v1/contracts/${due.id}`, { reviewOn: '2026-11-01' })
    expect(back.json().dueForReview).toBe(true)
    const ended = await call('PATCH', `/api/v1/contracts/${due.id}`, { status: 'ended' })
    expect(ended.json()).toMatchObject({ status: 'ended', dueForReview: false })
    const norfolk = await t.partnership('norfolk')
    const actions = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
      sql.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE entity_type = 'training_contracts' AND entity_id = $1 ORDER BY id`,
        [due.id],
      ),
    )
    expect(actions.map((a) => a.action)).toEqual([
      'contract.add',
      'contract.change',
      'contract.change',
      'contract.end',
    ])
  })

  it('refuses bad input with a problem naming each field, and changes nothing', async () => {
    const before = await contractCount()
    for (const [body, field] of [
      [{ ...contract, providerName: 'x'.repeat(100_000) }, 'providerName'],
      [{ ...contract, venueCostPence: 12.5 }, 'venueCostPence'],
      [{ ...contract, venueCostPence: -1 }, 'venueCostPence'],
      [{ ...contract, trainerCostPence: '1,250.50' }, 'trainerCostPence'],
      [{ ...contract, startsOn: '2027-02-30' }, 'startsOn'],
      [{ ...contract, startsOn: 'next spring' }, 'startsOn'],
      [{ ...contract, reviewOn: '2025-12-31' }, 'reviewOn'],
      [{ ...contract, reviewOn: contract.startsOn }, 'reviewOn'],
      [{ ...contract, deliveryFormat: 'carrier_pigeon' }, 'deliveryFormat'],
      [{ ...contract, courseId: '00000000-0000-4000-8000-000000000000' }, 'courseId'],
      [{ ...contract, providerContactEmail: 'not an email' }, 'providerContactEmail'],
      [{ ...contract, expectedOutcomes: '' }, 'expectedOutcomes'],
      [{ ...contract, unknown: 'field' }, ''],
    ] as const) {
      const response = await call('POST', '/api/v1/contracts', body)
      const fields = response.json().errors?.map((e: { field: string }) => e.field) ?? []
      expect({ field, status: response.statusCode }).toEqual({ field, status: 400 })
      if (field) expect(fields).toContain(field)
    }
    expect(await contractCount()).toBe(before)

    const [first] = (await call('GET', '/api/v1/contracts')).json().items
    const refused = await call('PATCH', `/api/v1/contracts/${first.id}`, { reviewOn: '2020-01-01' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: 'reviewOn', message: 'The review date must be after the start date' },
    ])
    expect((await call('GET', `/api/v1/contracts/${first.id}`)).json().reviewOn).toBe(first.reviewOn)
  })

  it('keeps contracts to admins, and to their partnership', async () => {
    expect((await call('GET', '/api/v1/contracts', undefined, tokens.trainer)).statusCode).toBe(403)
    expect((await call('POST', '/api/v1/contracts', contract, tokens.trainer)).statusCode).toBe(403)
    const [first] = (await call('GET', '/api/v1/contracts')).json().items
    expect((await call('GET', `/api/v1/contracts/${first.id}`, undefined, tokens.jersey)).statusCode).toBe(
      404,
    )
    expect((await call('GET', '/api/v1/contracts', undefined, tokens.jersey)).json().items).toEqual([])
  })

  it('is in the OpenAPI document, with amounts as whole pence', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/contracts', '/api/v1/contracts/{id}']),
    )
    const body = doc.paths['/api/v1/contracts'].post.requestBody.content['application/json'].schema
    expect(body.properties.venueCostPence.type).toBe('integer')
    expect(body.required).toEqual(expect.arrayContaining(['providerName', 'trainingType', 'startsOn']))
  })
})
