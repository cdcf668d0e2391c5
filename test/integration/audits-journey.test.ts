import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

/**
 * A section 11 cycle for the demo partnership, the way people run it: the admin opens it on
 * screen; the agency's lead answers on screen and through the API; a colleague's crossing save
 * is kept; the senior lead signs it off; the reviewer challenges an answer; the challenge event
 * revises it; the agency's action plan answers the standards below good; and the cycle's
 * report compares it with last year's demo cycle. Each role's access is checked on the way.
 */

let t: TestApp
let pid: string
const admin = 'admin@jersey.example.org'
const lead = 'agency-lead@jersey.example.org'
const subgroup = 'subgroup@jersey.example.org'
const executive = 'executive@jersey.example.org'
const practitioner = 'practitioner@jersey.example.org'
const tokens: Record<string, string> = {}
let ids: {
  lead: string
  subgroup: string
  agency: string
  versionId: string
  standards: { id: string; ref: string }[]
}

const api = (as: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

/** Posts a form with repeated fields (checkboxes), after getting its page for the CSRF token. */
async function postForm(browser: Browser, url: string, from: string, fields: [string, string][]) {
  const csrf = page((await browser.get(from)).body)('input[name="_csrf"]').val() as string
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: browser.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', csrf], ...fields]).toString(),
  })
}

beforeAll(async () => {
  t = await testApp()
  pid = (await t.partnership('jersey')).id
  const scope = { partnershipId: pid, userId: null }
  ids = await t.db.tenant(scope, async (sql) => {
    const people = await sql.one<{ lead: string; subgroup: string; agency: string }>(
      `SELECT (SELECT u.id FROM users u WHERE u.email = $1) AS lead,
              (SELECT u.id FROM users u WHERE u.email = $2) AS subgroup,
              (SELECT m.agency_ids[1] FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE u.email = $1 AND m.role = 'agency-lead') AS agency`,
      [lead, subgroup],
    )
    const version = await sql.one<{ id: string }>(
      `SELECT v.id FROM audit_template_versions v JOIN audit_templates t ON t.id = v.template_id
        WHERE t.kind = 'section_11' ORDER BY v.version DESC LIMIT 1`,
    )
    const standards = await sql.query<{ id: string; ref: string }>(
      'SELECT id, ref FROM audit_standards WHERE version_id = $1 ORDER BY position',
      [version.id],
    )
    return { ...people, versionId: version.id, standards }
  })
  for (const email of [admin, lead, subgroup, practitioner]) {
    const user = await t.db.platform((sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    tokens[email] = await t.services.tokens.create({ partnershipId: pid, userId: user.id, name: 'journey' })
  }
})
afterAll(() => t.close())

describe('a section 11 cycle from opening to the cycle report', () => {
  let cycleId: string
  let returnId: string

  it('is opened by the admin on screen, and refused to the agency lead', async () => {
    const leadBrowser = await t.signIn(lead)
    expect((await leadBrowser.get('/audits/cycles/new')).statusCode).toBe(403)
    const browser = await t.signIn(admin)
    const refused = await postForm(browser, '/audits/cycles/new', '/audits/cycles/new', [
      ['title', 'Section 11 audit 2026-27 (journey)'],
      ['versionId', ids.versionId],
      ['dueOn-day', '1'],
      ['dueOn-month', '11'],
      ['dueOn-year', '2026'],
      ['agencyIds', ids.agency],
    ])
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toMatch(/due date/i)
    const opened = await postForm(browser, '/audits/cycles/new', '/audits/cycles/new', [
      ['title', 'Section 11 audit 2026-27 (journey)'],
      ['versionId', ids.versionId],
      ['dueOn-day', '29'],
      ['dueOn-month', '1'],
      ['dueOn-year', '2027'],
      ['agencyIds', ids.agency],
      [`lead-${ids.agency}`, ids.lead],
      [`reviewer-${ids.agency}`, ids.subgroup],
    ])
    expect(opened.statusCode).toBe(303)
    cycleId = (opened.headers.location as string).split('/')[3]?.split('?')[0] as string
    const returns = await api(lead, 'GET', `/api/v1/audit-cycles/${cycleId}/returns`)
    expect(returns.statusCode).toBe(200)
    const [only] = returns.json().items
    expect(only).toMatchObject({ agencyId: ids.agency, status: 'not_started', answered: 0 })
    returnId = only.id
    // A practitioner may be named on a return, so reaches the audits API, but sees no one else's.
    expect((await api(practitioner, 'GET', `/api/v1/audit-cycles/${cycleId}/returns`)).statusCode).toBe(404)
  })

  it('is answered by the lead on screen and through the API, keeping a colleague’s crossing save', async () => {
    const browser = await t.signIn(lead)
    const [first, second, ...rest] = ids.standards
    if (!first || !second) throw new Error('The demo template has standards')
    const onScreen = await browser.submit(`/audits/returns/${returnId}/standards/${first.id}`, {
      rating: 'good',
      narrative: 'The board-level lead reports to the chief executive every quarter.',
      version: '0',
    })
    expect(onScreen.statusCode).toBe(303)
    // Out of the template's scale: refused, nothing saved.
    const red = await api(lead, 'PUT', `/api/v1/audit-returns/${returnId}/answers/${second.id}`, {
      rating: 'red',
      narrative: 'x',
      version: 0,
    })
    expect(red.statusCode).toBe(400)
    // Saved against the version both had read: the second save is stale and shown the first.
    const saved = await api(lead, 'PUT', `/api/v1/audit-returns/${returnId}/answers/${first.id}`, {
      rating: 'requires_improvement',
      narrative: 'Quarterly reports started only in October.',
      version: 1,
    })
    expect(saved.statusCode).toBe(200)
    const stale = await browser.submit(`/audits/returns/${returnId}/standards/${first.id}`, {
      rating: 'good',
      narrative: 'My own text, kept.',
      version: '1',
    })
    expect(stale.statusCode).toBe(409)
    expect(page(stale.body)('textarea[name="narrative"]').text()).toContain('My own text, kept.')
    expect(stale.body).toContain('Quarterly reports started only in October.')
    // Every other standard through the API; one rated inadequate, for the action plan.
    for (const [i, s] of [second, ...rest].entries()) {
      const r = await api(lead, 'PUT', `/api/v1/audit-returns/${returnId}/answers/${s.id}`, {
        rating: i === 0 ? 'inadequate' : 'good',
        narrative: `How the agency meets ${s.ref}, with its evidence.`,
        version: 0,
      })
      expect(r.statusCode, s.ref).toBe(200)
    }
  })

  it('is signed off and submitted by its senior lead, and hidden from those it is not for', async () => {
    expect((await api(subgroup, 'POST', `/api/v1/audit-returns/${returnId}/submit`)).statusCode).toBe(403)
    const browser = await t.signIn(lead)
    const submitted = await browser.submit(`/audits/returns/${returnId}/submit`, {})
    expect(submitted.statusCode).toBe(303)
    expect((await api(lead, 'POST', `/api/v1/audit-returns/${returnId}/submit`)).statusCode).toBe(409)
    const late = await api(lead, 'PUT', `/api/v1/audit-returns/${returnId}/answers/${ids.standards[2]?.id}`, {
      rating: 'outstanding',
      narrative: 'Too late',
      version: 1,
    })
    expect(late.statusCode).toBe(409)
    expect((await (await t.signIn(practitioner)).get(`/audits/returns/${returnId}`)).statusCode).toBe(404)
    expect((await api(practitioner, 'GET', `/api/v1/audit-returns/${returnId}`)).statusCode).toBe(404)
    const norfolkLead = await t.signIn('agency-lead@norfolk.example.org')
    expect((await norfolkLead.get(`/audits/returns/${returnId}`)).statusCode).toBe(404)
  })

  it('is reviewed, one answer challenged and revised at the challenge event', async () => {
    const [first, ...rest] = ids.standards
    if (!first) throw new Error('The demo template has standards')
    const reviewer = await t.signIn(subgroup)
    const noNote = await reviewer.submit(`/audits/returns/${returnId}/review`, {
      [`review-${first.id}`]: 'challenged',
      ...Object.fromEntries(rest.map((s) => [`review-${s.id}`, 'agreed'])),
    })
    expect(noNote.statusCode).toBe(400)
    const reviewed = await reviewer.submit(`/audits/returns/${returnId}/review`, {
      [`review-${first.id}`]: 'challenged',
      [`note-${first.id}`]: 'The minutes show two reports this year, not four.',
      ...Object.fromEntries(rest.map((s) => [`review-${s.id}`, 'agreed'])),
    })
    expect(reviewed.statusCode).toBe(303)
    const browser = await t.signIn(admin)
    const key = `${returnId}-${first.id}`
    const event = await postForm(
      browser,
      `/audits/cycles/${cycleId}/challenge`,
      `/audits/cycles/${cycleId}/challenge`,
      [
        ['heldOn-day', '20'],
        ['heldOn-month', '11'],
        ['heldOn-year', '2026'],
        ['attendees', 'Independent scrutineer; agency senior lead; reviewer'],
        ['returnIds', returnId],
        [`resolution-${key}`, 'revised'],
        [`revisedRating-${key}`, 'inadequate'],
        [`note-${key}`, 'Agreed at the event: the reports did not reach the board.'],
      ],
    )
    expect(event.statusCode).toBe(303)
    const shown = page((await (await t.signIn(lead)).get(`/audits/returns/${returnId}`)).body)
    expect(shown('.govuk-tag').first().text()).toContain('Concluded')
    expect(shown('main').text()).toContain('Revised, to Inadequate')
  })

  it('gets an action plan for the standards below good, tracked as actions', async () => {
    const [first, second] = ids.standards
    if (!first || !second) throw new Error('The demo template has standards')
    const browser = await t.signIn(lead)
    const plan = page((await browser.get(`/audits/returns/${returnId}/action-plan`)).body)
    expect(plan('main').text()).toContain(first.ref)
    expect(plan('main').text()).toContain(second.ref)
    const raised = await browser.submit(`/audits/returns/${returnId}/action-plan`, {
      standardId: first.id,
      description: 'Report to the board every quarter',
      successMeasure: 'Four reports minuted in 2027',
      'dueOn-day': '31',
      'dueOn-month': '3',
      'dueOn-year': '2027',
      ownerUserId: ids.lead,
    })
    expect(raised.statusCode).toBe(303)
    const tracker = page((await (await t.signIn(admin)).get('/actions')).body)
    expect(tracker('main').text()).toContain('Report to the board every quarter')
    expect(tracker('main').text()).toContain(`(standard ${first.ref})`)
  })

  it('is reported with the change since last year’s cycle, as a page, PDF, CSV and through the API', async () => {
    const [first] = ids.standards
    if (!first) throw new Error('The demo template has standards')
    const results = await api(admin, 'GET', `/api/v1/audit-cycles/${cycleId}/results`)
    expect(results.statusCode).toBe(200)
    const cell = results
      .json()
      .items.find((i: { agencyId: string; ref: string }) => i.agencyId === ids.agency && i.ref === first.ref)
    // Last year's demo return rated 1.1 good; this year it ended inadequate.
    expect(cell).toMatchObject({ rating: 'requires_improvement', finalRating: 'inadequate', change: 'down' })
    expect(cell.previousRating).not.toBeNull()
    const browser = await t.signIn(executive)
    const report = await browser.get(`/audits/cycles/${cycleId}/report`)
    expect(report.statusCode).toBe(200)
    expect(report.body).toContain('2025-26')
    const pdf = await browser.get(`/audits/cycles/${cycleId}/report.pdf`)
    expect(pdf.headers['content-type']).toContain('application/pdf')
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    const csv = await browser.get(`/audits/cycles/${cycleId}/results.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.body.split('\n').length).toBeGreaterThan(ids.standards.length)
    expect((await (await t.signIn(practitioner)).get(`/audits/cycles/${cycleId}/report`)).statusCode).toBe(
      403,
    )
  })
})

describe('a section 11 cycle from opening to its action plan through the API alone', () => {
  let cycleId: string
  let returnId: string

  it('is opened, answered and submitted', async () => {
    expect(
      (
        await api(lead, 'POST', '/api/v1/audit-cycles', {
          title: 'Refused',
          versionId: ids.versionId,
          dueOn: '2027-02-26',
          agencyIds: [ids.agency],
        })
      ).statusCode,
    ).toBe(403)
    const opened = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Section 11 audit 2026-27 (API)',
      versionId: ids.versionId,
      dueOn: '2027-02-26',
      agencyIds: [ids.agency],
      reviewers: { [ids.agency]: ids.subgroup },
    })
    expect(opened.statusCode).toBe(201)
    cycleId = opened.json().id
    returnId = (await api(lead, 'GET', `/api/v1/audit-cycles/${cycleId}/returns`)).json().items[0].id
    for (const [i, s] of ids.standards.entries()) {
      const r = await api(lead, 'PUT', `/api/v1/audit-returns/${returnId}/answers/${s.id}`, {
        rating: i === 0 ? 'requires_improvement' : 'good',
        narrative: `How the agency meets ${s.ref}.`,
      })
      expect(r.statusCode, s.ref).toBe(200)
    }
    expect((await api(lead, 'POST', `/api/v1/audit-returns/${returnId}/submit`)).statusCode).toBe(200)
  })

  it('is reviewed by its reviewer, refused to the agency and to a review that leaves answers out', async () => {
    const [first, ...rest] = ids.standards
    if (!first) throw new Error('The demo template has standards')
    const all = [
      { standardId: first.id, review: 'challenged', note: 'Where is the evidence of supervision?' },
      ...rest.map((s) => ({ standardId: s.id, review: 'agreed' })),
    ]
    expect(
      (await api(lead, 'POST', `/api/v1/audit-returns/${returnId}/review`, { answers: all })).statusCode,
    ).toBe(403)
    const partial = await api(subgroup, 'POST', `/api/v1/audit-returns/${returnId}/review`, {
      answers: all.slice(0, 2),
    })
    expect(partial.statusCode).toBe(400)
    expect(JSON.stringify(partial.json())).toContain(`review-${ids.standards[2]?.id}`)
    const reviewed = await api(subgroup, 'POST', `/api/v1/audit-returns/${returnId}/review`, { answers: all })
    expect(reviewed.statusCode).toBe(200)
    expect(reviewed.json()).toMatchObject({ status: 'challenge' })
    expect(reviewed.json().answers[0]).toMatchObject({ review: 'challenged', resolution: null })
    const challenge = await api(subgroup, 'GET', `/api/v1/audit-cycles/${cycleId}/challenge`)
    expect(challenge.json().open).toEqual([expect.objectContaining({ returnId, standardId: first.id })])
  })

  it('is settled at a challenge event recorded by the admin, a revised rating on the scale only', async () => {
    const [first] = ids.standards
    if (!first) throw new Error('The demo template has standards')
    const event = (revisedRating: string) => ({
      heldOn: '2026-11-20',
      attendees: 'Independent scrutineer; agency senior lead',
      returnIds: [returnId],
      settlements: [
        { returnId, standardId: first.id, resolution: 'revised', revisedRating, note: 'No evidence.' },
      ],
    })
    expect(
      (await api(subgroup, 'POST', `/api/v1/audit-cycles/${cycleId}/challenge-events`, event('inadequate')))
        .statusCode,
    ).toBe(403)
    const red = await api(admin, 'POST', `/api/v1/audit-cycles/${cycleId}/challenge-events`, event('red'))
    expect(red.statusCode).toBe(400)
    expect((await api(admin, 'GET', `/api/v1/audit-cycles/${cycleId}/challenge`)).json().events).toEqual([])
    const held = await api(
      admin,
      'POST',
      `/api/v1/audit-cycles/${cycleId}/challenge-events`,
      event('inadequate'),
    )
    expect(held.statusCode, held.body).toBe(201)
    expect(held.json()).toMatchObject({ open: [], events: [expect.objectContaining({ settled: 1 })] })
  })

  it('gets its action plan, whose action is tracked with every other', async () => {
    const [first, second] = ids.standards
    if (!first || !second) throw new Error('The demo template has standards')
    const plan = await api(lead, 'GET', `/api/v1/audit-returns/${returnId}/action-plan`)
    expect(plan.statusCode).toBe(200)
    expect(plan.json()).toMatchObject({ status: 'concluded' })
    expect(plan.json().standards.map((s: { answer: { ref: string } }) => s.answer.ref)).toEqual([first.ref])
    const action = {
      standardId: first.id,
      description: 'Supervision records audited each quarter',
      successMeasure: 'Four audits minuted in 2027',
      dueOn: '2027-04-30',
      ownerUserId: ids.lead,
    }
    const notBelow = await api(lead, 'POST', `/api/v1/audit-returns/${returnId}/action-plan/actions`, {
      ...action,
      standardId: second.id,
    })
    expect(notBelow.statusCode).toBe(400)
    expect(
      (await api(subgroup, 'POST', `/api/v1/audit-returns/${returnId}/action-plan/actions`, action))
        .statusCode,
    ).toBe(404)
    const raised = await api(lead, 'POST', `/api/v1/audit-returns/${returnId}/action-plan/actions`, action)
    expect(raised.statusCode).toBe(201)
    expect(raised.json().standards[0].actions).toEqual([
      expect.objectContaining({ description: action.description, standardId: first.id }),
    ])
    const tracked = await t.db.tenant({ partnershipId: pid, userId: null }, (sql) =>
      sql.query<{ source: string }>('SELECT source FROM actions WHERE audit_return_id = $1', [returnId]),
    )
    expect(tracked).toEqual([{ source: 'audit_return' }])
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    for (const path of [
      '/api/v1/audit-returns/{id}/review',
      '/api/v1/audit-cycles/{id}/challenge',
      '/api/v1/audit-cycles/{id}/challenge-events',
      '/api/v1/audit-returns/{id}/action-plan',
      '/api/v1/audit-returns/{id}/action-plan/actions',
    ])
      expect(Object.keys(doc.paths), path).toContain(path)
  })
})
