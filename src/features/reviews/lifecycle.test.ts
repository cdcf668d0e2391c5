import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

// A review from notification to closed, through findings, recommendations, the board's
// responses, actions, progress with evidence, an extension, verification and closure: once on
// screen with each role's own forms, once through the API.

let t: TestApp
let norfolkId: string
let agencyId: string
const tokens: Record<string, string> = {}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  const lead = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
    sql.one<{ agencyId: string }>(
      `SELECT m.agency_ids[1] AS "agencyId" FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
    ),
  )
  agencyId = lead.agencyId
  for (const role of ['admin', 'subgroup', 'agency-lead']) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@norfolk.example.org`]),
    )
    tokens[role] = await t.services.tokens.create({
      partnershipId: norfolk.id,
      userId: user.id,
      name: 'test',
    })
  }
})
afterAll(() => t?.close())

const date = (name: string, iso: string): Record<string, string> => {
  const [year = '', month = '', day = ''] = iso.split('-')
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year,
  }
}

describe('a review from notification to closed', () => {
  it('on screen, each role using its own forms', async () => {
    const subgroup = await t.signIn('subgroup@norfolk.example.org')
    const admin = await t.signIn('admin@norfolk.example.org')
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const recorded = await subgroup.submit('/reviews/new', {
      type: 'rapid_review',
      reference: 'LIFE-SCREEN-1',
      title: 'Child L',
      ...date('notifiedOn', '2026-11-02'),
      agencyIds: agencyId,
      summary: 'A baby with unexplained bruising',
    })
    expect(recorded.statusCode).toBe(303)
    const url = String(recorded.headers.location).replace(/\?.*$/, '')
    const step = (as: Browser, to: string, fields: Record<string, string> = {}) =>
      as.submit(`${url}/status`, { to, ...fields }, { from: `${url}/status?to=${to}` })

    // Publishing before a decision is refused and changes nothing.
    expect((await step(subgroup, 'published', date('publishedOn', '2026-11-20'))).statusCode).toBe(409)
    expect(
      (
        await step(subgroup, 'decision_made', {
          decision: 'review',
          ...date('decisionOn', '2026-11-16'),
          decisionReason: 'The criteria for a local review are met',
        })
      ).statusCode,
    ).toBe(303)
    expect((await step(subgroup, 'in_progress')).statusCode).toBe(303)
    expect(
      (
        await step(subgroup, 'published', {
          ...date('publishedOn', '2026-11-23'),
          reportUrl: 'https://example.org/child-l',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await subgroup.submit(`${url}/findings/new`, {
          text: 'Bruising in a non-mobile baby was not escalated',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await subgroup.submit(`${url}/recommendations/new`, {
          text: 'Agencies follow the bruising protocol for non-mobile babies',
          addressedTo: 'partnership',
          response: 'accepted',
        })
      ).statusCode,
    ).toBe(303)

    // The review page links each accepted recommendation to raising an action.
    const $review = page((await subgroup.get(url)).body)
    const raise = String($review('a[href$="/actions/new"]').first().attr('href'))
    expect(raise).toMatch(/^\/recommendations\/[0-9a-f-]{36}\/actions\/new$/)
    const raised = await subgroup.submit(raise, {
      description: 'Audit use of the bruising protocol in health visiting',
      ownedBy: 'agency',
      owningAgencyId: agencyId,
      ownerEmail: 'agency-lead@norfolk.example.org',
      successMeasure: 'Nine in ten records of bruising show the protocol followed',
      ...date('dueOn', '2027-03-31'),
    })
    expect(raised.statusCode).toBe(303)
    const action = String(raised.headers.location).replace(/\?.*$/, '')
    expect(action).toMatch(/^\/actions\/[0-9a-f-]{36}$/)
    expect((await step(subgroup, 'actions_in_progress')).statusCode).toBe(303)

    // The owner reports progress with a PDF; the sub-group extends; the owner completes.
    await lead.get(action)
    const progress = await lead.upload(
      `${action}/updates`,
      { field: 'file', filename: 'audit-plan.pdf', content: pdf, type: 'application/pdf' },
      { note: 'Audit planned for February', status: 'on_track' },
    )
    expect(progress.statusCode).toBe(303)
    const extended = await subgroup.submit(
      `${action}/extend`,
      { ...date('dueOn', '2027-06-30'), reason: 'The audit team was redeployed' },
      { from: action },
    )
    expect(extended.statusCode).toBe(303)
    await lead.get(action)
    expect(
      (
        await lead.upload(
          `${action}/updates`,
          { field: 'none', filename: '', content: '' },
          { note: 'Audit done: 93% compliance', status: 'completed' },
        )
      ).statusCode,
    ).toBe(303)
    // The owner cannot verify their own action; the sub-group can.
    await lead.get(action)
    expect(page((await lead.get(action)).body)('form[action$="/verify"]').length).toBe(0)
    expect(
      (
        await subgroup.submit(
          `${action}/verify`,
          { verificationNote: 'Audit shows the change' },
          { from: action },
        )
      ).statusCode,
    ).toBe(303)

    // With every action signed off, the sub-group closes the review.
    expect((await step(subgroup, 'closed', date('closedOn', '2026-11-24'))).statusCode).toBe(303)
    const $closed = page((await admin.get(url)).body)
    expect($closed('main').text()).toContain('Closed')
    expect($closed('main').text()).toContain('Verified')
    const $action = page((await admin.get(action)).body)
    expect($action('main').text()).toContain('30 June 2027 (extended from 31 March 2027)')
    expect($action('a[href*="/evidence/"]').text()).toBe('audit-plan.pdf')
    // The timeline keeps every step, oldest first.
    const history = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ to: string }>(
        `SELECT to_status AS to FROM review_transitions rt JOIN reviews r ON r.id = rt.review_id
          WHERE r.reference = 'LIFE-SCREEN-1' ORDER BY rt.id`,
      ),
    )
    expect(history.map((h) => h.to)).toEqual([
      'notified',
      'decision_made',
      'in_progress',
      'published',
      'actions_in_progress',
      'closed',
    ])
  })

  it('through the API, with closing refused while an action is open', async () => {
    const call = (as: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
      if (method !== 'GET') t.clock.advance(1000)
      return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
    }
    const made = await call('subgroup', 'POST', '/api/v1/reviews', {
      type: 'sar',
      reference: 'LIFE-API-1',
      title: 'Adult M',
      notifiedOn: '2026-06-01',
      themes: [],
      agencyIds: [agencyId],
      summary: 'Self-neglect in supported housing',
    })
    expect(made.statusCode).toBe(201)
    const review = made.json().id as string
    expect(made.json().dueOn).toBeNull()
    const patch = (body: object, as = 'subgroup') => call(as, 'PATCH', `/api/v1/reviews/${review}`, body)
    expect((await patch({ status: 'published', publishedOn: '2026-10-01' })).statusCode).toBe(409)
    expect(
      (
        await patch({
          status: 'decision_made',
          decision: 'review',
          decisionOn: '2026-06-20',
          decisionReason: 'Criteria met',
        })
      ).statusCode,
    ).toBe(200)
    expect((await patch({ status: 'in_progress', commissionedOn: '2026-07-01' })).statusCode).toBe(200)
    expect((await patch({ status: 'published', publishedOn: '2026-10-01' })).statusCode).toBe(200)
    expect(
      (
        await call('subgroup', 'POST', `/api/v1/reviews/${review}/findings`, {
          text: 'Capacity was assumed',
          themes: [],
        })
      ).statusCode,
    ).toBe(201)
    const unreasoned = await call('subgroup', 'POST', `/api/v1/reviews/${review}/recommendations`, {
      text: 'Train on the Mental Capacity Act',
      addressedTo: 'partnership',
      response: 'not_accepted',
    })
    expect(unreasoned.statusCode).toBe(400)
    const recommendation = await call('subgroup', 'POST', `/api/v1/reviews/${review}/recommendations`, {
      text: 'Housing providers assess capacity for self-neglect',
      addressedTo: 'agencies',
      agencyIds: [agencyId],
      response: 'partially_accepted',
      responseReason: 'Accepted for supported housing only',
    })
    expect(recommendation.statusCode).toBe(201)
    const raise = (dueOn: string, ownerEmail = 'agency-lead@norfolk.example.org') =>
      call('subgroup', 'POST', `/api/v1/recommendations/${recommendation.json().id}/actions`, {
        description: 'Capacity assessment training for housing officers',
        owningAgencyId: agencyId,
        ownerEmail,
        successMeasure: 'Case audit shows capacity considered',
        dueOn,
      })
    expect((await raise('2026-05-01')).statusCode).toBe(400)
    const action = await raise('2027-02-28')
    expect(action.statusCode).toBe(201)
    const id = action.json().id as string
    expect((await patch({ status: 'actions_in_progress' })).statusCode).toBe(200)

    // An open action keeps the review open.
    expect((await patch({ status: 'closed', closedOn: '2026-11-24' })).statusCode).toBe(409)
    expect(
      (
        await call('agency-lead', 'POST', `/api/v1/actions/${id}/updates`, {
          note: 'Training booked',
          status: 'on_track',
          evidenceUrl: 'https://example.org/booking',
        })
      ).statusCode,
    ).toBe(201)
    expect(
      (
        await call('subgroup', 'POST', `/api/v1/actions/${id}/extend`, {
          dueOn: '2027-04-30',
          reason: 'Trainer ill',
        })
      ).statusCode,
    ).toBe(200)
    expect(
      (
        await call('agency-lead', 'POST', `/api/v1/actions/${id}/updates`, {
          note: 'Delivered',
          status: 'completed',
        })
      ).statusCode,
    ).toBe(201)
    const own = await call('agency-lead', 'POST', `/api/v1/actions/${id}/verify`, { note: 'Mine' })
    expect(own.statusCode).toBe(403)
    expect(
      (await call('subgroup', 'POST', `/api/v1/actions/${id}/verify`, { note: 'Audit seen' })).statusCode,
    ).toBe(200)
    const listed = await call('admin', 'GET', `/api/v1/actions?reviewId=${review}`)
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        id,
        status: 'verified',
        overdue: false,
        dueOn: '2027-04-30',
        originalDueOn: '2027-02-28',
      }),
    ])
    const closed = await patch({ status: 'closed', closedOn: '2026-11-24' })
    expect(closed.statusCode).toBe(200)
    expect(closed.json()).toMatchObject({ status: 'closed', closedOn: '2026-11-24' })
    const read = (await call('admin', 'GET', `/api/v1/reviews/${review}`)).json()
    expect(read.history.map((h: { to: string }) => h.to)).toEqual([
      'notified',
      'decision_made',
      'in_progress',
      'published',
      'actions_in_progress',
      'closed',
    ])
  })
})
