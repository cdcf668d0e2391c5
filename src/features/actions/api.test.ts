import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { anotherAgency, aReviewWithRecommendation, aSubgroup, userOf } from './test-fixtures.ts'

let t: TestApp
let norfolkId: string
let leadAgencyId: string
let otherAgencyId: string
let subgroupId: string
let themeId: string
let accepted: { reviewId: string; recommendationId: string }
const tokens: Record<string, string> = {}

const roles = ['admin', 'subgroup', 'executive', 'practitioner', 'trainer', 'agency-lead'] as const
type As = (typeof roles)[number] | 'jersey'

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  for (const role of roles) {
    const user = await userOf(t.db, norfolkId, `${role}@norfolk.example.org`)
    tokens[role] = await t.services.tokens.create({ partnershipId: norfolkId, userId: user.id, name: 'test' })
  }
  const jersey = await t.partnership('jersey')
  const jerseyAdmin = await userOf(t.db, jersey.id, 'admin@jersey.example.org')
  tokens.jersey = await t.services.tokens.create({
    partnershipId: jersey.id,
    userId: jerseyAdmin.id,
    name: 'test',
  })
  const lead = await userOf(t.db, norfolkId, 'agency-lead@norfolk.example.org')
  leadAgencyId = lead.agencyIds[0] as string
  otherAgencyId = await anotherAgency(t.db, norfolkId, lead.agencyIds)
  subgroupId = await aSubgroup(t.db, norfolkId, 'Learning and improvement')
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), { name: 'Neglect', framework: null })
  ).id
  accepted = await aReviewWithRecommendation(t.db, norfolkId, { themeIds: [themeId] })
})
afterAll(() => t?.close())

const call = (as: As, method: 'GET' | 'POST', url: string, payload?: object) => {
  if (method === 'POST') t.clock.advance(1000)
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
}

const anAction = (overrides: Record<string, unknown> = {}) => ({
  description: 'Health visitors record the child’s own words at every home visit',
  owningAgencyId: leadAgencyId,
  ownerEmail: 'practitioner@norfolk.example.org',
  successMeasure: 'A case-file audit in six months finds the child’s words in nine records of ten',
  dueOn: '2027-03-31',
  ...overrides,
})

async function raised(overrides: Record<string, unknown> = {}, recommendationId = accepted.recommendationId) {
  const response = await call(
    'subgroup',
    'POST',
    `/api/v1/recommendations/${recommendationId}/actions`,
    anAction(overrides),
  )
  expect(response.statusCode).toBe(201)
  return response.json() as { id: string; [key: string]: unknown }
}

async function actionCount(): Promise<number> {
  const row = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM actions'),
  )
  return row.n
}

describe('raising an action', () => {
  it('raises an action on an accepted recommendation, with the review copied and the first due date kept', async () => {
    const action = await raised()
    expect(action).toMatchObject({
      reviewId: accepted.reviewId,
      recommendationId: accepted.recommendationId,
      owningAgencyId: leadAgencyId,
      owningSubgroupId: null,
      ownerEmail: 'practitioner@norfolk.example.org',
      dueOn: '2027-03-31',
      originalDueOn: '2027-03-31',
      status: 'not_started',
      overdue: false,
    })
  })

  it('lets a sub-group own an action instead of an agency', async () => {
    const action = await raised({ owningAgencyId: undefined, owningSubgroupId: subgroupId })
    expect(action).toMatchObject({ owningAgencyId: null, owningSubgroupId: subgroupId })
  })

  it('refuses an action on a recommendation the board did not accept, saying why', async () => {
    const declined = await aReviewWithRecommendation(t.db, norfolkId, { response: 'not_accepted' })
    const before = await actionCount()
    const response = await call(
      'admin',
      'POST',
      `/api/v1/recommendations/${declined.recommendationId}/actions`,
      anAction(),
    )
    expect(response.statusCode).toBe(409)
    expect(response.json().detail).toBe(
      'The board did not accept this recommendation, so no action can be raised on it',
    )
    const unanswered = await aReviewWithRecommendation(t.db, norfolkId, { response: null })
    const waiting = await call(
      'admin',
      'POST',
      `/api/v1/recommendations/${unanswered.recommendationId}/actions`,
      anAction(),
    )
    expect(waiting.statusCode).toBe(409)
    expect(waiting.json().detail).toMatch(/has not responded/)
    expect(await actionCount()).toBe(before)
  })

  it('accepts a partially accepted recommendation', async () => {
    const partly = await aReviewWithRecommendation(t.db, norfolkId, { response: 'partially_accepted' })
    await raised({}, partly.recommendationId)
  })

  it('refuses a due date before the review was notified', async () => {
    const response = await call(
      'subgroup',
      'POST',
      `/api/v1/recommendations/${accepted.recommendationId}/actions`,
      anAction({ dueOn: '2026-03-01' }),
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([
      {
        field: 'dueOn',
        message: 'The due date must be on or after the day the review was notified, 2 March 2026',
      },
    ])
  })

  it('refuses an action with no owner', async () => {
    const { ownerEmail: _, ...ownerless } = anAction()
    const response = await call(
      'subgroup',
      'POST',
      `/api/v1/recommendations/${accepted.recommendationId}/actions`,
      ownerless,
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(['ownerEmail'])
  })

  it('refuses an owner who does not sign in to the partnership', async () => {
    const before = await actionCount()
    for (const ownerEmail of ['nobody@norfolk.example.org', 'admin@jersey.example.org']) {
      const response = await call(
        'subgroup',
        'POST',
        `/api/v1/recommendations/${accepted.recommendationId}/actions`,
        anAction({ ownerEmail }),
      )
      expect(response.statusCode).toBe(400)
      expect(response.json().errors).toEqual([
        {
          field: 'ownerEmail',
          message:
            'No one signs in to this partnership with that email address: enter the owner’s sign-in email',
        },
      ])
    }
    expect(await actionCount()).toBe(before)
  })

  it('needs exactly one of an owning agency or sub-group', async () => {
    const both = await call(
      'subgroup',
      'POST',
      `/api/v1/recommendations/${accepted.recommendationId}/actions`,
      anAction({ owningSubgroupId: subgroupId }),
    )
    expect(both.statusCode).toBe(400)
    const neither = await call(
      'subgroup',
      'POST',
      `/api/v1/recommendations/${accepted.recommendationId}/actions`,
      anAction({ owningAgencyId: undefined }),
    )
    expect(neither.statusCode).toBe(400)
  })

  it('is for admins and the sub-group only', async () => {
    for (const as of ['executive', 'agency-lead', 'practitioner'] as const) {
      const response = await call(
        as,
        'POST',
        `/api/v1/recommendations/${accepted.recommendationId}/actions`,
        anAction(),
      )
      expect(response.statusCode).toBe(403)
    }
    const elsewhere = await call(
      'jersey',
      'POST',
      `/api/v1/recommendations/${accepted.recommendationId}/actions`,
      anAction(),
    )
    expect(elsewhere.statusCode).toBe(404)
  })
})

describe('updates, extensions and sign-off', () => {
  it('records the owner’s progress with a link to evidence', async () => {
    const action = await raised()
    const response = await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Briefing given to every health visiting team',
      status: 'on_track',
      evidenceUrl: 'https://intranet.example.org/briefing.pdf',
    })
    expect(response.statusCode).toBe(201)
    expect(response.json().status).toBe('on_track')
    const read = (await call('practitioner', 'GET', `/api/v1/actions/${action.id}`)).json()
    expect(read.updates).toMatchObject([
      {
        kind: 'progress',
        note: 'Briefing given to every health visiting team',
        statusFrom: 'not_started',
        statusTo: 'on_track',
        evidenceUrl: 'https://intranet.example.org/briefing.pdf',
      },
    ])
  })

  it('takes only https links as evidence, and no status the owner may not set', async () => {
    const action = await raised()
    const plain = await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Done',
      evidenceUrl: 'http://example.org/x',
    })
    expect(plain.statusCode).toBe(400)
    const verified = await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Done',
      status: 'verified',
    })
    expect(verified.statusCode).toBe(400)
  })

  it('lets no one but the owner and the sub-group update an action', async () => {
    const action = await raised()
    const lead = await call('agency-lead', 'POST', `/api/v1/actions/${action.id}/updates`, { note: 'Noted' })
    expect(lead.statusCode).toBe(403)
  })

  it('extends the due date with a reason and keeps the date first agreed', async () => {
    const action = await raised()
    const asked = await call('practitioner', 'POST', `/api/v1/actions/${action.id}/extend`, {
      dueOn: '2027-06-30',
      reason: 'Audit delayed',
    })
    expect(asked.statusCode).toBe(403)
    const response = await call('subgroup', 'POST', `/api/v1/actions/${action.id}/extend`, {
      dueOn: '2027-06-30',
      reason: 'The audit team is redeployed until April',
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ dueOn: '2027-06-30', originalDueOn: '2027-03-31' })
    const read = (await call('subgroup', 'GET', `/api/v1/actions/${action.id}`)).json()
    expect(read.updates).toMatchObject([
      {
        kind: 'extension',
        dueFrom: '2027-03-31',
        dueTo: '2027-06-30',
        note: 'The audit team is redeployed until April',
      },
    ])
    const earlier = await call('subgroup', 'POST', `/api/v1/actions/${action.id}/extend`, {
      dueOn: '2027-01-31',
      reason: 'x',
    })
    expect(earlier.statusCode).toBe(400)
  })

  it('refuses to let the owner verify their own action', async () => {
    const action = await raised({ ownerEmail: 'subgroup@norfolk.example.org' })
    await call('subgroup', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Audit done',
      status: 'completed',
    })
    const response = await call('subgroup', 'POST', `/api/v1/actions/${action.id}/verify`, {
      note: 'Looks good',
    })
    expect(response.statusCode).toBe(403)
    expect(response.json().detail).toBe(
      'You cannot verify an action you own: someone else must check the evidence',
    )
  })

  it('verifies only a completed action, by someone other than the owner', async () => {
    const action = await raised()
    const early = await call('admin', 'POST', `/api/v1/actions/${action.id}/verify`, { note: 'Looks good' })
    expect(early.statusCode).toBe(409)
    await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Audit done',
      status: 'completed',
    })
    const response = await call('admin', 'POST', `/api/v1/actions/${action.id}/verify`, {
      note: 'The audit shows the child’s words in 46 of 50 records',
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      status: 'verified',
      verificationNote: 'The audit shows the child’s words in 46 of 50 records',
    })
    const read = (await call('admin', 'GET', `/api/v1/actions/${action.id}`)).json()
    expect(read.updates.map((u: { kind: string }) => u.kind)).toEqual(['progress', 'verification'])
    const after = await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, { note: 'More' })
    expect(after.statusCode).toBe(409)
  })

  it('works out overdue from the due date as the clock moves', async () => {
    const action = await raised({ dueOn: '2026-11-30' })
    expect((await call('admin', 'GET', `/api/v1/actions/${action.id}`)).json().overdue).toBe(false)
    t.clock.advance(7 * 86_400_000)
    try {
      expect((await call('admin', 'GET', `/api/v1/actions/${action.id}`)).json().overdue).toBe(true)
      const overdue = (await call('admin', 'GET', '/api/v1/actions?overdue=true')).json()
      expect(overdue.items.map((a: { id: string }) => a.id)).toContain(action.id)
      await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
        note: 'Done',
        status: 'completed',
      })
      expect((await call('admin', 'GET', `/api/v1/actions/${action.id}`)).json().overdue).toBe(false)
    } finally {
      t.clock.advance(-7 * 86_400_000)
    }
  })
})

describe('who sees which actions', () => {
  it('shows an action to overseers, the owning agency’s lead and the owner; to no one else', async () => {
    const action = await raised({
      owningAgencyId: leadAgencyId,
      ownerEmail: 'practitioner@norfolk.example.org',
    })
    const other = await raised({ owningAgencyId: otherAgencyId, ownerEmail: 'admin@norfolk.example.org' })
    for (const as of ['admin', 'subgroup', 'executive', 'agency-lead', 'practitioner'] as const)
      expect((await call(as, 'GET', `/api/v1/actions/${action.id}`)).statusCode).toBe(200)
    expect((await call('trainer', 'GET', `/api/v1/actions/${action.id}`)).statusCode).toBe(404)
    expect((await call('jersey', 'GET', `/api/v1/actions/${action.id}`)).statusCode).toBe(404)
    for (const as of ['agency-lead', 'practitioner', 'trainer'] as const)
      expect((await call(as, 'GET', `/api/v1/actions/${other.id}`)).statusCode).toBe(404)
    expect((await call('executive', 'GET', `/api/v1/actions/${other.id}`)).statusCode).toBe(200)
  })

  it('lists to each only the actions they may see', async () => {
    const all = (await call('executive', 'GET', '/api/v1/actions?page=1')).json()
    const lead = await userOf(t.db, norfolkId, 'agency-lead@norfolk.example.org')
    const listed = async (as: As) =>
      (await call(as, 'GET', '/api/v1/actions')).json().items as {
        owningAgencyId: string
        ownerEmail: string
      }[]
    const leads = await listed('agency-lead')
    expect(leads.length).toBeGreaterThan(0)
    expect(leads.length).toBeLessThan(all.total)
    for (const a of leads) expect(lead.agencyIds).toContain(a.owningAgencyId)
    const owns = await listed('practitioner')
    expect(owns.length).toBeGreaterThan(0)
    for (const a of owns) expect(a.ownerEmail).toBe('practitioner@norfolk.example.org')
    expect(await listed('trainer')).toEqual([])
    // Jersey's admin sees Jersey's own demo actions, never Norfolk's.
    const jerseys = (await call('jersey', 'GET', '/api/v1/actions?pageSize=500')).json().items as {
      id: string
    }[]
    const norfolks = new Set(
      ((await call('executive', 'GET', '/api/v1/actions?pageSize=500')).json().items as { id: string }[]).map(
        (a) => a.id,
      ),
    )
    expect(jerseys.filter((a) => norfolks.has(a.id))).toEqual([])
  })
})

describe('the tracker’s filters', () => {
  it('filters by agency, status, theme, due month and review', async () => {
    const review = await aReviewWithRecommendation(t.db, norfolkId, { themeIds: [] })
    const a = await raised({ owningAgencyId: otherAgencyId, dueOn: '2027-09-15' }, review.recommendationId)
    const b = await raised({ owningAgencyId: leadAgencyId, dueOn: '2027-10-01' }, review.recommendationId)
    await call('practitioner', 'POST', `/api/v1/actions/${b.id}/updates`, { note: 'Risk', status: 'at_risk' })
    const ids = async (query: string) =>
      (await call('admin', 'GET', `/api/v1/actions?${query}`)).json().items.map((x: { id: string }) => x.id)
    expect(await ids(`reviewId=${review.reviewId}`)).toEqual([a.id, b.id])
    expect(await ids(`reviewId=${review.reviewId}&agencyId=${otherAgencyId}`)).toEqual([a.id])
    expect(await ids(`reviewId=${review.reviewId}&status=at_risk`)).toEqual([b.id])
    expect(await ids('month=2027-09')).toEqual([a.id])
    const themed = await ids(`theme=${themeId}`)
    expect(themed.length).toBeGreaterThan(0)
    expect(themed).not.toContain(a.id)
    const first = (await call('admin', 'GET', `/api/v1/actions?theme=${themeId}`)).json().items[0]
    expect(first).toHaveProperty('reviewId', accepted.reviewId)
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining([
        'id',
        'reviewId',
        'description',
        'dueOn',
        'status',
        'overdue',
        'ownerEmail',
        'owningAgencyId',
        'owningSubgroupId',
        'originalDueOn',
        'successMeasure',
        'recommendationId',
      ]),
    )
  })
})

describe('what the database refuses', () => {
  it('never changes a verified action, nor adds to its history', async () => {
    const action = await raised()
    await call('practitioner', 'POST', `/api/v1/actions/${action.id}/updates`, {
      note: 'Done',
      status: 'completed',
    })
    expect(
      (await call('admin', 'POST', `/api/v1/actions/${action.id}/verify`, { note: 'Checked' })).statusCode,
    ).toBe(200)
    const scope = { partnershipId: norfolkId, userId: null, actor: 'test' }
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(`UPDATE actions SET due_on = '2028-01-01' WHERE id = $1`, [action.id]),
      ),
    ).rejects.toThrow(/never changed/)
    await expect(
      t.db.tenant(scope, (sql) =>
        sql.query(
          `INSERT INTO action_updates (partnership_id, action_id, kind, note) VALUES ($1, $2, 'progress', 'x')`,
          [norfolkId, action.id],
        ),
      ),
    ).rejects.toThrow(/never added to/)
  })
})

describe('the OpenAPI document', () => {
  it('describes every action route under the actions tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    const paths = [
      '/api/v1/recommendations/{id}/actions',
      '/api/v1/actions',
      '/api/v1/actions/{id}',
      '/api/v1/actions/{id}/updates',
      '/api/v1/actions/{id}/extend',
      '/api/v1/actions/{id}/verify',
    ]
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(paths))
    for (const path of paths)
      for (const operation of Object.values(doc.paths[path]) as { tags: string[] }[])
        expect(operation.tags).toEqual(['actions'])
  })
})
