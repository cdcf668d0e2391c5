import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let themeId: string
const tokens: Record<string, string> = {}

const roles = ['admin', 'subgroup', 'executive', 'practitioner', 'trainer', 'agency-lead'] as const
type As = (typeof roles)[number] | 'jersey'

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  const tokenFor = async (email: string, partnershipId: string) => {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    return t.services.tokens.create({ partnershipId, userId: user.id, name: 'test' })
  }
  for (const role of roles) tokens[role] = await tokenFor(`${role}@norfolk.example.org`, norfolk.id)
  tokens.jersey = await tokenFor('admin@jersey.example.org', (await t.partnership('jersey')).id)
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), {
      name: 'Neglect',
      framework: 'Learning from reviews',
    })
  ).id
})
afterAll(() => t?.close())

const call = (as: As, method: 'GET' | 'POST', url: string, payload?: object) => {
  // A second between changes, so mail and history come back in the order they were written.
  if (method === 'POST') t.clock.advance(1000)
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
}

const request = {
  identifiedBy: 'case_review',
  practiceChange: 'Practitioners recognise cumulative neglect and escalate it using the graded care profile',
  targetAudience: 'Health visitors, school nurses and early help workers',
  effectivenessMeasure: 'Multi-agency case-file audit of neglect referrals six months on',
  preferredMethods: ['multi_agency_training', 'briefing'],
}

const proposal = {
  recommendedMethod: 'multi_agency_training',
  estimatedDeliveryDays: 2.5,
  estimatedCostPence: 120_000,
  financialYear: 2027,
  summary: 'Four half-day sessions across the county',
}

async function submitted(as: As = 'practitioner', body: object = request): Promise<string> {
  const response = await call(as, 'POST', '/api/v1/needs', body)
  expect(response.statusCode).toBe(201)
  return response.json().id
}

async function proposed(as: As = 'practitioner'): Promise<string> {
  const id = await submitted(as)
  expect((await call('subgroup', 'POST', `/api/v1/needs/${id}/proposal`, proposal)).statusCode).toBe(200)
  return id
}

/** What the database holds, to show a refused request changed nothing. */
async function counts() {
  return t.db.platform((sql) =>
    sql.one<{ needs: number; transitions: number; themes: number; mail: number }>(
      `SELECT (SELECT count(*)::int FROM needs) AS needs, (SELECT count(*)::int FROM need_transitions) AS transitions,
              (SELECT count(*)::int FROM need_themes) AS themes, (SELECT count(*)::int FROM outbox) AS mail`,
    ),
  )
}

async function mailTo(address: string): Promise<{ subject: string; text_body: string }[]> {
  return t.db.platform((sql) =>
    sql.query(
      `SELECT subject, text_body FROM outbox WHERE to_address = $1 AND partnership_id = $2 ORDER BY created_at, id`,
      [address, norfolkId],
    ),
  )
}

async function mailAbout(id: string) {
  return (await mailTo('practitioner@norfolk.example.org')).filter((m) =>
    m.text_body.includes(`/needs/${id}`),
  )
}

describe('the needs analysis API', () => {
  it('takes a request from anyone in the partnership, acknowledges it by email and keeps the step', async () => {
    const queued = t.mail.queued
    const response = await call('practitioner', 'POST', '/api/v1/needs', { ...request, themes: [themeId] })
    expect(response.statusCode).toBe(201)
    const need = response.json()
    expect(need).toMatchObject({
      status: 'requested',
      identifiedBy: 'case_review',
      identifiedOther: null,
      preferredMethods: ['multi_agency_training', 'briefing'],
      themes: [themeId],
      requestedBy: { name: 'Pat Practitioner' },
      proposal: null,
    })
    const mail = await mailAbout(need.id)
    expect(mail.map((m) => m.subject)).toEqual([
      'Your training needs analysis request to Norfolk Safeguarding Children Partnership',
    ])
    expect(mail[0]?.text_body).toContain(request.practiceChange)
    expect(t.mail.queued).toBe(queued + 1)

    const shown = (await call('practitioner', 'GET', `/api/v1/needs/${need.id}`)).json()
    expect(shown.history).toEqual([
      expect.objectContaining({ from: null, to: 'requested', by: 'Pat Practitioner', reason: null }),
    ])
    const audit = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ action: string; entity_type: string }>(
        `SELECT DISTINCT action, entity_type FROM audit_events WHERE entity_id = $1 OR after ->> 'need_id' = $1`,
        [need.id],
      ),
    )
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'need.submit', entity_type: 'needs' },
        { action: 'need.submit', entity_type: 'need_themes' },
        { action: 'need.submit', entity_type: 'need_transitions' },
      ]),
    )
  })

  it('records a need identified some other way only with what that way was', async () => {
    const refused = await call('practitioner', 'POST', '/api/v1/needs', { ...request, identifiedBy: 'other' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: 'identifiedOther', message: 'Say how the need was identified' },
    ])
    const accepted = await call('practitioner', 'POST', '/api/v1/needs', {
      ...request,
      identifiedBy: 'other',
      identifiedOther: 'Practitioner feedback at the neglect roadshow',
    })
    expect(accepted.json().identifiedOther).toBe('Practitioner feedback at the neglect roadshow')
    // Said for another source, it is not kept.
    const ignored = await call('practitioner', 'POST', '/api/v1/needs', {
      ...request,
      identifiedOther: 'Stray',
    })
    expect(ignored.json().identifiedOther).toBeNull()
  })

  it('moves a need from request to proposal to endorsement, telling the requester each time', async () => {
    const id = await submitted()
    const made = await call('subgroup', 'POST', `/api/v1/needs/${id}/proposal`, proposal)
    expect(made.statusCode).toBe(200)
    expect(made.json()).toMatchObject({ status: 'proposed', proposal })

    // The sub-group may change its proposal until the executive decides; the same again is no change.
    const revised = await call('subgroup', 'POST', `/api/v1/needs/${id}/proposal`, {
      ...proposal,
      estimatedDeliveryDays: 3,
      estimatedCostPence: 150_050,
    })
    expect(revised.json().proposal).toMatchObject({ estimatedDeliveryDays: 3, estimatedCostPence: 150_050 })
    await call('subgroup', 'POST', `/api/v1/needs/${id}/proposal`, {
      ...proposal,
      estimatedDeliveryDays: 3,
      estimatedCostPence: 150_050,
    })

    const endorsed = await call('executive', 'POST', `/api/v1/needs/${id}/decision`, { decision: 'endorse' })
    expect(endorsed.statusCode).toBe(200)
    expect(endorsed.json()).toMatchObject({ status: 'endorsed', decisionReason: null })

    const { history } = (await call('practitioner', 'GET', `/api/v1/needs/${id}`)).json()
    expect(history.map((h: { from: string | null; to: string; by: string }) => [h.from, h.to, h.by])).toEqual(
      [
        [null, 'requested', 'Pat Practitioner'],
        ['requested', 'proposed', 'Sam Subgroup'],
        ['proposed', 'proposed', 'Sam Subgroup'],
        ['proposed', 'endorsed', 'Eve Executive'],
      ],
    )
    expect(history[1].proposal).toMatchObject({ estimatedDeliveryDays: 2.5, estimatedCostPence: 120_000 })
    expect(history[2].proposal).toMatchObject({ estimatedDeliveryDays: 3, estimatedCostPence: 150_050 })

    expect((await mailAbout(id)).map((m) => m.subject)).toEqual([
      'Your training needs analysis request to Norfolk Safeguarding Children Partnership',
      'A proposal has been made for your training request',
      'The proposal for your training request has changed',
      'Your training request has been endorsed',
    ])
    expect((await mailAbout(id))[2]?.text_body).toContain('Estimated cost: £1,500.50')

    // Delivery is kept in whole half days and money in whole pence.
    const row = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.one('SELECT estimated_delivery_half_days, estimated_cost_pence FROM needs WHERE id = $1', [id]),
    )
    expect(row).toEqual({ estimated_delivery_half_days: 6, estimated_cost_pence: 150_050 })
  })

  it('declines a proposal only with a reason, and sends the requester the reason', async () => {
    const id = await proposed()
    const before = await counts()
    for (const body of [{ decision: 'decline' }, { decision: 'decline', reason: '   ' }]) {
      const refused = await call('executive', 'POST', `/api/v1/needs/${id}/decision`, body)
      expect(refused.statusCode).toBe(400)
      expect(refused.headers['content-type']).toContain('application/problem+json')
      expect(refused.json().errors).toEqual([
        { field: 'reason', message: 'Enter why the proposal is declined: the requester is sent it' },
      ])
    }
    expect(await counts()).toEqual(before)
    expect((await call('executive', 'GET', `/api/v1/needs/${id}`)).json().status).toBe('proposed')

    const reason = 'The same need is met by the neglect conference in March'
    const declined = await call('executive', 'POST', `/api/v1/needs/${id}/decision`, {
      decision: 'decline',
      reason,
    })
    expect(declined.statusCode).toBe(200)
    expect(declined.json()).toMatchObject({ status: 'declined', decisionReason: reason })
    const last = (await mailAbout(id)).at(-1)
    expect(last?.subject).toBe('Your training request has been declined')
    expect(last?.text_body).toContain(reason)
    const { history } = (await call('admin', 'GET', `/api/v1/needs/${id}`)).json()
    expect(history.at(-1)).toMatchObject({ from: 'proposed', to: 'declined', reason })
  })

  it('keeps each move to the roles that make it', async () => {
    const id = await submitted()
    const before = await counts()
    for (const as of ['practitioner', 'executive', 'trainer', 'agency-lead'] as const)
      expect((await call(as, 'POST', `/api/v1/needs/${id}/proposal`, proposal)).statusCode).toBe(403)
    expect((await call('subgroup', 'POST', `/api/v1/needs/${id}/proposal`, proposal)).statusCode).toBe(200)
    const proposedCounts = await counts()
    for (const as of ['practitioner', 'subgroup', 'trainer'] as const)
      expect(
        (await call(as, 'POST', `/api/v1/needs/${id}/decision`, { decision: 'endorse' })).statusCode,
      ).toBe(403)
    expect(await counts()).toEqual(proposedCounts)
    expect(proposedCounts.transitions).toBe(before.transitions + 1)
    // The service holds the same line for a caller that is not the API.
    const practitioner = {
      partnership: await t.partnership('norfolk'),
      actor: { userId: null, roles: ['practitioner'] as const, agencyIds: [] },
    }
    await expect(t.services.needs.decide(practitioner, id, { decision: 'endorse' })).rejects.toThrow(
      /permission/,
    )
  })

  it('refuses a move the need’s state does not allow with a conflict, and changes nothing', async () => {
    const requested = await submitted()
    const endorsed = await proposed()
    await call('executive', 'POST', `/api/v1/needs/${endorsed}/decision`, { decision: 'endorse' })
    const declined = await proposed()
    await call('admin', 'POST', `/api/v1/needs/${declined}/decision`, { decision: 'decline', reason: 'No' })
    const before = await counts()
    const attempts: [string, As, string, object, RegExp][] = [
      [requested, 'executive', 'decision', { decision: 'endorse' }, /not proposed this need yet/],
      [requested, 'executive', 'decision', { decision: 'decline', reason: 'No' }, /not proposed/],
      [endorsed, 'executive', 'decision', { decision: 'decline', reason: 'Changed our minds' }, /final/],
      [endorsed, 'admin', 'decision', { decision: 'endorse' }, /final/],
      [endorsed, 'subgroup', 'proposal', proposal, /final/],
      [declined, 'admin', 'proposal', proposal, /final/],
      [declined, 'executive', 'decision', { decision: 'endorse' }, /final/],
    ]
    for (const [id, as, move, body, detail] of attempts) {
      const response = await call(as, 'POST', `/api/v1/needs/${id}/${move}`, body)
      expect({ as, move, status: response.statusCode }).toEqual({ as, move, status: 409 })
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail).toMatch(detail)
    }
    expect(await counts()).toEqual(before)
  })

  it('refuses bad input with a problem naming each field, and changes nothing', async () => {
    const id = await submitted()
    const before = await counts()
    const bad: [string, object, string][] = [
      ['/api/v1/needs', { ...request, practiceChange: 'x'.repeat(100_000) }, 'practiceChange'],
      ['/api/v1/needs', { ...request, targetAudience: '' }, 'targetAudience'],
      ['/api/v1/needs', { ...request, identifiedBy: 'gut_feeling' }, 'identifiedBy'],
      ['/api/v1/needs', { ...request, preferredMethods: ['carrier_pigeon'] }, 'preferredMethods.0'],
      ['/api/v1/needs', { ...request, themes: ['00000000-0000-4000-8000-000000000000'] }, 'themes'],
      ['/api/v1/needs', { ...request, themes: ['not-a-uuid'] }, 'themes.0'],
      ['/api/v1/needs', { ...request, status: 'endorsed' }, ''],
      [`/api/v1/needs/${id}/proposal`, { ...proposal, estimatedDeliveryDays: 2.3 }, 'estimatedDeliveryDays'],
      [`/api/v1/needs/${id}/proposal`, { ...proposal, estimatedCostPence: -1 }, 'estimatedCostPence'],
      [`/api/v1/needs/${id}/proposal`, { ...proposal, estimatedCostPence: 12.5 }, 'estimatedCostPence'],
      [`/api/v1/needs/${id}/proposal`, { ...proposal, recommendedMethod: 'osmosis' }, 'recommendedMethod'],
      [`/api/v1/needs/${id}/proposal`, { ...proposal, summary: 'x'.repeat(100_000) }, 'summary'],
      [`/api/v1/needs/${id}/decision`, { decision: 'maybe' }, 'decision'],
    ]
    for (const [url, body, field] of bad) {
      const as = url.endsWith('/decision')
        ? 'executive'
        : url.endsWith('/proposal')
          ? 'subgroup'
          : 'practitioner'
      const response = await call(as, 'POST', url, body)
      expect({ url, field, status: response.statusCode }).toEqual({ url, field, status: 400 })
      const fields = response.json().errors.map((e: { field: string }) => e.field)
      expect(fields.length).toBeGreaterThan(0)
      if (field) expect(fields).toContain(field)
    }
    expect(await counts()).toEqual(before)
    expect((await call('subgroup', 'GET', `/api/v1/needs/${id}`)).json().status).toBe('requested')
  })

  it('keeps what was typed as text, markup and all, for the pages to escape', async () => {
    const id = await submitted('practitioner', { ...request, practiceChange: '<script>alert(1)</script>' })
    expect((await call('practitioner', 'GET', `/api/v1/needs/${id}`)).json().practiceChange).toBe(
      '<script>alert(1)</script>',
    )
  })

  it('shows planners every need, and anyone else only their own', async () => {
    const theirs = await submitted('trainer', { ...request, practiceChange: 'Trainers’ own request' })
    const mine = (await call('practitioner', 'GET', '/api/v1/needs?pageSize=500')).json()
    expect(mine.items.length).toBe(mine.total)
    expect(
      mine.items.every((n: { requestedBy: { name: string } }) => n.requestedBy.name === 'Pat Practitioner'),
    ).toBe(true)
    expect((await call('practitioner', 'GET', `/api/v1/needs/${theirs}`)).statusCode).toBe(404)
    expect((await call('trainer', 'GET', `/api/v1/needs/${theirs}`)).statusCode).toBe(200)

    for (const planner of ['admin', 'subgroup', 'executive'] as const) {
      const all = (await call(planner, 'GET', '/api/v1/needs?pageSize=500')).json()
      expect(all.total).toBe(mine.total + 1)
      expect(all.items.map((n: { id: string }) => n.id)).toContain(theirs)
    }
    const endorsed = (await call('admin', 'GET', '/api/v1/needs?status=endorsed')).json()
    expect(endorsed.total).toBeGreaterThan(0)
    expect(endorsed.items.every((n: { status: string }) => n.status === 'endorsed')).toBe(true)
    const paged = (await call('admin', 'GET', '/api/v1/needs?pageSize=1&page=2')).json()
    expect(paged).toMatchObject({ page: 2, pageSize: 1 })
    expect(paged.items).toHaveLength(1)
  })

  it('keeps needs to their partnership', async () => {
    const id = await submitted()
    expect((await call('jersey', 'GET', `/api/v1/needs/${id}`)).statusCode).toBe(404)
    expect((await call('jersey', 'POST', `/api/v1/needs/${id}/proposal`, proposal)).statusCode).toBe(404)
    const list = (await call('jersey', 'GET', '/api/v1/needs')).json()
    expect(list.items.map((n: { id: string }) => n.id)).not.toContain(id)
    // A Norfolk theme is not one of Jersey's.
    const refused = await call('jersey', 'POST', '/api/v1/needs', { ...request, themes: [themeId] })
    expect(refused.statusCode).toBe(400)
  })

  it('lists endorsed needs for the annual programme, by programme year or span of dates', async () => {
    const norfolk = systemContext(await t.partnership('norfolk'), 'test')
    const next = await proposed()
    await call('executive', 'POST', `/api/v1/needs/${next}/decision`, {
      decision: 'endorse',
      reason: 'Priority',
    })
    const later = await submitted()
    await call('subgroup', 'POST', `/api/v1/needs/${later}/proposal`, { ...proposal, financialYear: 2028 })
    await call('executive', 'POST', `/api/v1/needs/${later}/decision`, { decision: 'endorse' })

    const year = await t.services.needs.endorsed(norfolk, { financialYear: 2027 })
    expect(year.length).toBeGreaterThan(0)
    expect(year.every((n) => n.financialYear === 2027)).toBe(true)
    expect(year.find((n) => n.id === next)).toMatchObject({
      recommendedMethod: 'multi_agency_training',
      estimatedDeliveryHalfDays: 5,
      estimatedDeliveryDays: 2.5,
      estimatedCostPence: 120_000,
      endorsementNote: 'Priority',
      practiceChange: request.practiceChange,
    })
    expect(year.map((n) => n.id)).not.toContain(later)

    // January to June 2028 touches the programme years 2027 to 2028 and 2028 to 2029.
    const span = await t.services.needs.endorsed(norfolk, { from: '2028-01-01', to: '2028-06-30' })
    expect(span.map((n) => n.id)).toEqual(expect.arrayContaining([next, later]))
    expect(await t.services.needs.endorsed(norfolk, { from: '2030-04-01', to: '2031-03-31' })).toEqual([])
    await expect(
      t.services.needs.endorsed(norfolk, { from: '2028-06-30', to: '2028-01-01' }),
    ).rejects.toThrow()
    // Declined and undecided needs are not in the programme.
    const all = await t.services.needs.endorsed(norfolk, { from: '2000-04-01', to: '2099-03-31' })
    const { items } = (await call('admin', 'GET', '/api/v1/needs?status=endorsed&pageSize=500')).json()
    expect(all.map((n) => n.id).sort()).toEqual(items.map((n: { id: string }) => n.id).sort())
  })

  it('is described in the OpenAPI document, under the programme', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/needs',
        '/api/v1/needs/{id}',
        '/api/v1/needs/{id}/proposal',
        '/api/v1/needs/{id}/decision',
      ]),
    )
    expect(doc.paths['/api/v1/needs'].post.tags).toEqual(['programme'])
  })
})
