import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let themeId: string
let leadAgency: string
let otherAgency: string
let jerseyAgency: string
let subgroupId: string
const tokens: Record<string, string> = {}

const roles = ['admin', 'subgroup', 'executive', 'practitioner', 'trainer', 'agency-lead'] as const
type As = (typeof roles)[number] | 'jersey'

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const jersey = await t.partnership('jersey')
  norfolkId = norfolk.id
  const userId = async (email: string) =>
    (
      await t.db.anonymous({}, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
      )
    ).id
  for (const role of roles)
    tokens[role] = await t.services.tokens.create({
      partnershipId: norfolk.id,
      userId: await userId(`${role}@norfolk.example.org`),
      name: 'test',
    })
  tokens.jersey = await t.services.tokens.create({
    partnershipId: jersey.id,
    userId: await userId('admin@jersey.example.org'),
    name: 'test',
  })
  themeId = (
    await t.services.courses.addTheme(systemContext(norfolk, 'test'), { name: 'Neglect', framework: null })
  ).id
  const led = await t.db.platform((sql) =>
    sql.one<{ agency_ids: string[] }>(
      `SELECT m.agency_ids FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
    ),
  )
  leadAgency = led.agency_ids[0] as string
  const scope = { partnershipId: norfolk.id, userId: null, actor: 'test' }
  otherAgency = (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        'SELECT id FROM agencies WHERE NOT (id = ANY($1::uuid[])) ORDER BY name LIMIT 1',
        [led.agency_ids],
      ),
    )
  ).id
  jerseyAgency = (
    await t.db.tenant({ partnershipId: jersey.id, userId: null, actor: 'test' }, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies LIMIT 1'),
    )
  ).id
  subgroupId = (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `INSERT INTO subgroups (partnership_id, name) VALUES ($1, 'Learning and development') RETURNING id`,
        [norfolk.id],
      ),
    )
  ).id
})
afterAll(() => t?.close())

const call = (as: As, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  // A second between changes, so history comes back in the order it was written.
  if (method !== 'GET') t.clock.advance(1000)
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
}

let serial = 0
const aReview = (overrides: object = {}) => ({
  type: 'cspr',
  reference: `CSPR-${++serial}`,
  title: 'Child H',
  notifiedOn: '2026-09-01',
  themes: [themeId],
  agencyIds: [leadAgency],
  summary: 'Cumulative neglect of a child aged four',
  ...overrides,
})

async function created(overrides: object = {}, as: As = 'subgroup'): Promise<Record<string, unknown>> {
  const response = await call(as, 'POST', '/api/v1/reviews', aReview(overrides))
  expect(response.statusCode).toBe(201)
  return response.json()
}

const move = (id: string, body: object, as: As = 'subgroup') =>
  call(as, 'PATCH', `/api/v1/reviews/${id}`, body)

/** A review taken through the steps to `published`. */
async function published(overrides: object = {}): Promise<string> {
  const id = (await created(overrides)).id as string
  for (const body of [
    { status: 'decision_made', decision: 'review', decisionOn: '2026-09-20', decisionReason: 'Criteria met' },
    { status: 'in_progress', commissionedOn: '2026-10-01' },
    { status: 'published', publishedOn: '2026-11-20', reportUrl: 'https://norfolklscp.org.uk/child-h' },
  ])
    expect((await move(id, body)).statusCode).toBe(200)
  return id
}

async function anAction(reviewId: string, recommendationId: string, status = 'on_track'): Promise<string> {
  return t.db.tenant({ partnershipId: norfolkId, userId: null, actor: 'test' }, async (sql) => {
    const owner = await sql.one<{ id: string }>(
      `SELECT id FROM users WHERE email = 'agency-lead@norfolk.example.org'`,
    )
    const admin = await sql.one<{ id: string }>(
      `SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`,
    )
    // A verified action was signed off by someone other than its owner, with a note.
    const verified = status === 'verified'
    const row = await sql.one<{ id: string }>(
      `INSERT INTO actions (partnership_id, review_id, recommendation_id, description, owning_agency_id, owner_user_id,
         success_measure, due_on, original_due_on, status, verified_by, verified_at, verification_note)
       VALUES ($1, $2, $3, 'Neglect training for all health visitors', $4, $5, 'Audit shows use of the graded care profile',
         '2026-12-31', '2026-12-31', $6, $7, $8, $9) RETURNING id`,
      [
        norfolkId,
        reviewId,
        recommendationId,
        leadAgency,
        owner.id,
        status,
        verified ? admin.id : null,
        verified ? new Date(TEST_NOW) : null,
        verified ? 'Audit seen' : null,
      ],
    )
    return row.id
  })
}

describe('the review register API', () => {
  it('takes a review from notification to publication, keeping each step with who made it', async () => {
    const review = await created({ leadReviewer: 'Dr A Reviewer' })
    expect(review).toMatchObject({
      type: 'cspr',
      status: 'notified',
      title: 'Child H',
      notifiedOn: '2026-09-01',
      themes: [themeId],
      agencyIds: [leadAgency],
      leadReviewer: 'Dr A Reviewer',
      decision: null,
      dueOn: null,
      dueMissed: false,
    })
    const id = review.id as string
    const decided = await move(id, {
      status: 'decision_made',
      decision: 'review',
      decisionOn: '2026-09-20',
      decisionReason: 'The criteria for a local review are met',
    })
    expect(decided.json()).toMatchObject({
      status: 'decision_made',
      decision: 'review',
      decisionOn: '2026-09-20',
    })
    // Commissioned today unless a date is given.
    expect((await move(id, { status: 'in_progress' })).json()).toMatchObject({
      status: 'in_progress',
      commissionedOn: TEST_NOW.slice(0, 10),
    })
    const out = await move(id, { status: 'published', publishedOn: '2026-11-20' })
    expect(out.json()).toMatchObject({ status: 'published', publishedOn: '2026-11-20', reportUrl: null })
    expect((await move(id, { status: 'actions_in_progress' })).json().status).toBe('actions_in_progress')

    const shown = (await call('executive', 'GET', `/api/v1/reviews/${id}`)).json()
    expect(shown.history.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'notified'],
      ['notified', 'decision_made'],
      ['decision_made', 'in_progress'],
      ['in_progress', 'published'],
      ['published', 'actions_in_progress'],
    ])
    expect(shown.history[1]).toMatchObject({
      by: 'Sam Subgroup',
      reason: 'The criteria for a local review are met',
    })
  })

  it('records a no local review decision and then only closes it', async () => {
    const id = (await created({ type: 'rapid_review' })).id as string
    await move(id, {
      status: 'decision_made',
      decision: 'no_review',
      decisionOn: '2026-09-10',
      decisionReason: 'Single-agency learning only',
    })
    const refused = await move(id, { status: 'in_progress' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().detail).toBe('The decision was no local review: the review can only be closed')
    const closed = await move(id, { status: 'closed', closedOn: '2026-09-11' })
    expect(closed.json()).toMatchObject({ status: 'closed', closedOn: '2026-09-11' })
  })

  it('refuses a step out of order, naming what must happen first, and changes nothing', async () => {
    const id = (await created()).id as string
    const refused = await move(id, { status: 'published', publishedOn: '2026-11-20' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().detail).toBe('Record the decision on the review before it can be published')
    const shown = (await call('admin', 'GET', `/api/v1/reviews/${id}`)).json()
    expect(shown).toMatchObject({ status: 'notified', publishedOn: null })
    expect(shown.history).toHaveLength(1)
  })

  it('needs the decision, its date and reason to record a decision', async () => {
    const id = (await created()).id as string
    const refused = await move(id, { status: 'decision_made', decision: 'review' })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'decisionOn',
      'decisionReason',
    ])
  })

  it('adds findings and recommendations, and takes the board’s response later', async () => {
    const id = await published()
    const finding = await call('subgroup', 'POST', `/api/v1/reviews/${id}/findings`, {
      text: 'Practitioners did not see the cumulative impact of neglect',
      themes: [themeId],
    })
    expect(finding.statusCode).toBe(201)
    expect(finding.json()).toMatchObject({ reviewId: id, themes: [themeId] })

    const accepted = await call('subgroup', 'POST', `/api/v1/reviews/${id}/recommendations`, {
      text: 'Train health visitors in the graded care profile',
      addressedTo: 'agencies',
      agencyIds: [leadAgency],
      response: 'accepted',
    })
    expect(accepted.statusCode).toBe(201)
    expect(accepted.json()).toMatchObject({
      addressedTo: 'agencies',
      agencyIds: [leadAgency],
      response: 'accepted',
    })

    const toSubgroup = await call('subgroup', 'POST', `/api/v1/reviews/${id}/recommendations`, {
      text: 'Audit neglect referrals',
      addressedTo: 'subgroup',
      subgroupId,
    })
    expect(toSubgroup.json()).toMatchObject({ subgroupId, response: null, respondedAt: null })

    const unreasoned = await call('subgroup', 'PATCH', `/api/v1/recommendations/${toSubgroup.json().id}`, {
      response: 'not_accepted',
    })
    expect(unreasoned.statusCode).toBe(400)
    expect(unreasoned.json().errors).toEqual([
      { field: 'responseReason', message: 'Say why the recommendation is not accepted in full' },
    ])
    const reasoned = await call('subgroup', 'PATCH', `/api/v1/recommendations/${toSubgroup.json().id}`, {
      response: 'partially_accepted',
      responseReason: 'The audit will cover health only this year',
    })
    expect(reasoned.json()).toMatchObject({
      response: 'partially_accepted',
      responseReason: 'The audit will cover health only this year',
    })
    expect(reasoned.json().respondedAt).toEqual(expect.any(String))

    const shown = (await call('admin', 'GET', `/api/v1/reviews/${id}`)).json()
    expect(shown.findings).toHaveLength(1)
    expect(shown.recommendations.map((r: { response: string }) => r.response)).toEqual([
      'accepted',
      'partially_accepted',
    ])
  })

  it('needs whom a recommendation is addressed to, with the sub-group, agencies or body it names', async () => {
    const id = (await created()).id as string
    const cases = [
      [{ addressedTo: 'subgroup' }, 'subgroupId'],
      [{ addressedTo: 'agencies', agencyIds: [] }, 'agencyIds'],
      [{ addressedTo: 'national' }, 'nationalBody'],
      [{ addressedTo: 'partnership', response: 'not_accepted' }, 'responseReason'],
    ] as const
    for (const [body, field] of cases) {
      const refused = await call('subgroup', 'POST', `/api/v1/reviews/${id}/recommendations`, {
        text: 'Do better',
        ...body,
      })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual([field])
    }
    const foreign = await call('subgroup', 'POST', `/api/v1/reviews/${id}/recommendations`, {
      text: 'Do better',
      addressedTo: 'agencies',
      agencyIds: [jerseyAgency],
    })
    expect(foreign.statusCode).toBe(400)
  })

  it('refuses a finding longer than 10,000 characters', async () => {
    const id = (await created()).id as string
    const refused = await call('subgroup', 'POST', `/api/v1/reviews/${id}/findings`, {
      text: 'x'.repeat(100_000),
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: 'text', message: 'The finding must be 10,000 characters or fewer' },
    ])
  })

  it('refuses a reference the partnership already uses, in any case', async () => {
    await created({ reference: 'RR-2026-07' })
    const duplicate = await call('subgroup', 'POST', '/api/v1/reviews', aReview({ reference: 'rr-2026-07' }))
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.json().errors).toEqual([
      { field: 'reference', message: 'There is already a review with the reference rr-2026-07' },
    ])
    // Another partnership may use the same reference.
    const jersey = await call(
      'jersey',
      'POST',
      '/api/v1/reviews',
      aReview({ reference: 'RR-2026-07', themes: [], agencyIds: [] }),
    )
    expect(jersey.statusCode).toBe(201)
  })

  it('checks agencies and themes are the partnership’s own', async () => {
    expect(
      (await call('subgroup', 'POST', '/api/v1/reviews', aReview({ agencyIds: [jerseyAgency] }))).statusCode,
    ).toBe(400)
    const jerseyTheme = await call('jersey', 'POST', '/api/v1/reviews', aReview({ agencyIds: [] }))
    expect(jerseyTheme.statusCode).toBe(400)
    expect(jerseyTheme.json().errors[0].field).toBe('themes')
  })

  it('answers another partnership’s review, and an id that is not one, as not found', async () => {
    const id = (await created()).id as string
    expect((await call('jersey', 'GET', `/api/v1/reviews/${id}`)).statusCode).toBe(404)
    expect((await call('jersey', 'PATCH', `/api/v1/reviews/${id}`, { title: 'Child Z' })).statusCode).toBe(
      404,
    )
    expect((await call('admin', 'GET', '/api/v1/reviews/not-a-uuid')).statusCode).toBe(404)
    expect(
      (await call('jersey', 'GET', '/api/v1/reviews')).json().items.map((r: { id: string }) => r.id),
    ).not.toContain(id)
  })

  it('filters the register by type, status, theme, agency and year', async () => {
    const sar = (
      await created({ type: 'sar', notifiedOn: '2024-03-01', agencyIds: [otherAgency], themes: [] })
    ).id
    const list = async (query: string) =>
      (await call('admin', 'GET', `/api/v1/reviews?${query}`)).json().items.map((r: { id: string }) => r.id)
    expect(await list('type=sar')).toEqual([sar])
    expect(await list('year=2024')).toEqual([sar])
    expect(await list(`agencyId=${otherAgency}`)).toEqual([sar])
    expect(await list(`theme=${themeId}`)).not.toContain(sar)
    expect(await list('status=notified&type=sar')).toEqual([sar])
    const paged = (await call('admin', 'GET', '/api/v1/reviews?pageSize=1&page=2')).json()
    expect(paged).toMatchObject({ page: 2, pageSize: 1 })
    expect(paged.items).toHaveLength(1)
    expect(paged.total).toBeGreaterThan(2)
  })

  it('is described in the OpenAPI document under reviews', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/reviews', '/api/v1/reviews/{id}', '/api/v1/recommendations/{id}']),
    )
    expect(doc.paths['/api/v1/reviews'].post.tags).toEqual(['reviews'])
  })
})

describe('closing a review', () => {
  async function withOpenAction() {
    const id = await published()
    const recommendation = (
      await call('subgroup', 'POST', `/api/v1/reviews/${id}/recommendations`, {
        text: 'Train health visitors',
        addressedTo: 'partnership',
        response: 'accepted',
      })
    ).json().id as string
    const open = await anAction(id, recommendation)
    const done = await anAction(id, recommendation, 'verified')
    return { id, open, done }
  }

  it('is refused while an action is open, and the refusal changes nothing', async () => {
    const { id, open } = await withOpenAction()
    const refused = await move(id, { status: 'closed' }, 'admin')
    expect(refused.statusCode).toBe(409)
    expect(refused.json().detail).toMatch(
      /^The review has 1 open action: each must be verified or closed first/,
    )
    // Only an admin may close over open actions, even with reasons.
    expect(
      (await move(id, { status: 'closed', openActionReasons: { [open]: 'No longer needed' } })).statusCode,
    ).toBe(403)
    const status = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.one<{ status: string }>('SELECT status FROM actions WHERE id = $1', [open]),
    )
    expect(status.status).toBe('on_track')
  })

  it('lets an admin close over open actions with a reason for each, closing them as not achieved', async () => {
    const { id, open, done } = await withOpenAction()
    // A reason for an action already verified does not stand for the open one.
    const missing = await move(id, { status: 'closed', openActionReasons: { [done]: 'x' } }, 'admin')
    expect(missing.statusCode).toBe(400)
    const closed = await move(
      id,
      {
        status: 'closed',
        reason: 'Learning embedded',
        openActionReasons: { [open]: 'The service was decommissioned' },
      },
      'admin',
    )
    expect(closed.statusCode).toBe(200)
    expect(closed.json()).toMatchObject({ status: 'closed', closedOn: TEST_NOW.slice(0, 10) })

    const actions = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query<{ id: string; status: string }>(
        'SELECT id, status FROM actions WHERE review_id = $1 ORDER BY status',
        [id],
      ),
    )
    expect(Object.fromEntries(actions.map((a) => [a.id, a.status]))).toEqual({
      [open]: 'closed_not_achieved',
      [done]: 'verified',
    })
    const updates = await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
      sql.query('SELECT kind, note, status_from, status_to FROM action_updates WHERE action_id = $1', [open]),
    )
    expect(updates).toEqual([
      {
        kind: 'closure',
        note: 'The service was decommissioned',
        status_from: 'on_track',
        status_to: 'closed_not_achieved',
      },
    ])
    const history = (await call('admin', 'GET', `/api/v1/reviews/${id}`)).json().history
    expect(history.at(-1)).toMatchObject({ from: 'published', to: 'closed', by: 'Wendy Workforce' })
    expect(history.at(-1).reason).toContain('Learning embedded')
    expect(history.at(-1).reason).toContain(
      'Neglect training for all health visitors: The service was decommissioned',
    )
  })

  it('needs a reason for every open action', async () => {
    const { id, open } = await withOpenAction()
    const second = await anAction(
      id,
      (
        await t.db.tenant({ partnershipId: norfolkId, userId: null }, (sql) =>
          sql.one<{ id: string }>('SELECT recommendation_id AS id FROM actions WHERE id = $1', [open]),
        )
      ).id,
    )
    const refused = await move(id, { status: 'closed', openActionReasons: { [open]: 'Gone' } }, 'admin')
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: `openActionReasons.${second}`, message: 'Enter why this action is closed as not achieved' },
    ])
  })
})

describe('statutory due dates', () => {
  it('gives a rapid review 15 working days from notification, skipping bank holidays', async () => {
    const review = await created({ type: 'rapid_review', notifiedOn: '2026-12-14' })
    // Christmas Day, the Boxing Day substitute and New Year's Day are not working days in England.
    expect(review).toMatchObject({ dueOn: '2027-01-07', dueMissed: false })
  })

  it('counts the bank holidays of the partnership’s jurisdiction', async () => {
    // Liberation Day, 9 May 2025, is a bank holiday in Jersey only.
    const norfolk = await created({ type: 'rapid_review', notifiedOn: '2025-05-02' })
    const jersey = await call(
      'jersey',
      'POST',
      '/api/v1/reviews',
      aReview({ type: 'rapid_review', notifiedOn: '2025-05-02', themes: [], agencyIds: [] }),
    )
    expect(norfolk.dueOn).toBe('2025-05-27')
    expect(jersey.json().dueOn).toBe('2025-05-28')
  })

  it('is missed once the date has passed without a decision, by the clock', async () => {
    const review = await created({ type: 'rapid_review', notifiedOn: '2026-11-02' })
    expect(review).toMatchObject({ dueOn: '2026-11-23', dueMissed: true })
    t.clock.set('2026-11-20T10:00:00Z')
    try {
      expect((await call('admin', 'GET', `/api/v1/reviews/${review.id}`)).json().dueMissed).toBe(false)
    } finally {
      t.clock.set(TEST_NOW)
    }
    await move(review.id as string, {
      status: 'decision_made',
      decision: 'review',
      decisionOn: '2026-11-24',
      decisionReason: 'Late',
    })
    expect((await call('admin', 'GET', `/api/v1/reviews/${review.id}`)).json().dueMissed).toBe(false)
  })
})

describe('who sees what', () => {
  let involved: string
  let elsewhere: string
  let publicReview: string

  beforeAll(async () => {
    involved = (await created({ agencyIds: [leadAgency] })).id as string
    elsewhere = (await created({ agencyIds: [otherAgency] })).id as string
    publicReview = await published({ agencyIds: [otherAgency] })
    await call('subgroup', 'POST', `/api/v1/reviews/${publicReview}/findings`, {
      text: 'Supervision was not used',
    })
    await call('subgroup', 'POST', `/api/v1/reviews/${publicReview}/recommendations`, {
      text: 'Use supervision',
      addressedTo: 'partnership',
    })
  })

  const ids = async (as: As) =>
    (await call(as, 'GET', '/api/v1/reviews?pageSize=500')).json().items.map((r: { id: string }) => r.id)

  it('shows overseers every review with its recommendations', async () => {
    for (const as of ['admin', 'subgroup', 'executive'] as const) {
      expect(await ids(as)).toEqual(expect.arrayContaining([involved, elsewhere, publicReview]))
      const detail = (await call(as, 'GET', `/api/v1/reviews/${publicReview}`)).json()
      expect(detail.recommendations).toHaveLength(1)
      expect(detail.decisionReason).toBe('Criteria met')
    }
  })

  it('shows an agency lead the reviews their agency is in, and published ones’ findings only', async () => {
    const seen = await ids('agency-lead')
    expect(seen).toEqual(expect.arrayContaining([involved, publicReview]))
    expect(seen).not.toContain(elsewhere)
    expect((await call('agency-lead', 'GET', `/api/v1/reviews/${involved}`)).json().recommendations).toEqual(
      [],
    )
    expect((await call('agency-lead', 'GET', `/api/v1/reviews/${elsewhere}`)).statusCode).toBe(404)
    const detail = (await call('agency-lead', 'GET', `/api/v1/reviews/${publicReview}`)).json()
    expect(detail.findings).toHaveLength(1)
    expect(detail.recommendations).toBeNull()
  })

  it('shows practitioners and trainers published summaries and findings, never reasons or recommendations', async () => {
    for (const as of ['practitioner', 'trainer'] as const) {
      const seen = await ids(as)
      expect(seen).toContain(publicReview)
      expect(seen).not.toContain(involved)
      expect(seen).not.toContain(elsewhere)
      expect((await call(as, 'GET', `/api/v1/reviews/${involved}`)).statusCode).toBe(404)
      const detail = (await call(as, 'GET', `/api/v1/reviews/${publicReview}`)).json()
      expect(detail).toMatchObject({
        summary: 'Cumulative neglect of a child aged four',
        decisionReason: null,
        recommendations: null,
      })
      expect(detail.findings.map((f: { text: string }) => f.text)).toEqual(['Supervision was not used'])
      expect(detail.history.every((h: { reason: string | null }) => h.reason === null)).toBe(true)
      const listed = (await call(as, 'GET', '/api/v1/reviews?pageSize=500')).json().items
      expect(listed.every((r: { decisionReason: string | null }) => r.decisionReason === null)).toBe(true)
    }
  })

  it('lets only admins and the sub-group change the register', async () => {
    for (const as of ['executive', 'agency-lead', 'trainer', 'practitioner'] as const) {
      expect((await call(as, 'POST', '/api/v1/reviews', aReview())).statusCode).toBe(403)
      expect((await move(involved, { title: 'Child Q' }, as)).statusCode).toBe(403)
      expect(
        (await call(as, 'POST', `/api/v1/reviews/${publicReview}/findings`, { text: 'x' })).statusCode,
      ).toBe(403)
    }
    expect((await move(involved, { title: 'Child Q' }, 'admin')).json().title).toBe('Child Q')
  })
})
