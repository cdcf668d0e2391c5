import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { CaseAuditWorld } from './test-world.ts'
import { aCaseAuditWorld } from './test-world.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
let users: Record<string, string> = {}
let tokens: Record<string, string> = {}

const admin = 'admin@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const practitioner = 'practitioner@shropshire.example.org'
/** The lead of a second agency taking part, made for these tests. */
const secondLead = 'second-lead@shropshire.example.org'

/** The demo lead's agency, a second agency with its own lead, and a third of neither. */
let agency: CaseAuditWorld['agency']
let themeId = ''
let auditId = ''
/** An audit the demo lead's agencies take no part in. */
let otherAuditId = ''
let caseId = ''
let escalationId = ''

const title = 'Neglect case audit 2027'

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values),
    )
  ).n
}

type Mail = { to: string; subject: string; text: string }
async function mail(subject: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY to_address`,
      [p.id, `${subject}%`],
    ),
  )
}

const api = (as: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

/** Posts a form as a browser does, with repeated fields (checkboxes), after getting its page. */
async function postForm(browser: Browser, url: string, from: string, fields: [string, string][]) {
  const csrf = page((await browser.get(from)).body)('input[name="_csrf"]').val() as string
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: browser.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', csrf], ...fields]).toString(),
  })
}

const summaryText = (html: string) => page(html)('.govuk-error-summary').text()

beforeAll(async () => {
  t = await testApp()
  ;({ p, scope, agency, themeId, users, tokens } = await aCaseAuditWorld(t, {
    lead,
    newLeads: [{ email: secondLead, displayName: 'Sam Second', of: 'second' }],
    everyone: [admin, lead, practitioner, secondLead],
  }))
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('a themed case audit from sample to panel', () => {
  it('opens with its theme, questions in order and each agency’s named lead', async () => {
    const browser = await t.signIn(admin)
    const form = page((await browser.get('/audits/case-audits/new')).body)
    expect(form(`main form select[name="lead-${agency.second}"] option`).length).toBeGreaterThan(0)
    const response = await postForm(browser, '/audits/case-audits/new', '/audits/case-audits/new', [
      ['title', title],
      ['themeId', themeId],
      ['dueOn-day', '26'],
      ['dueOn-month', '2'],
      ['dueOn-year', '2027'],
      ['questions', 'Was the risk of neglect recognised early?\nDid agencies share information in time?'],
      ['agencyIds', agency.led],
      ['agencyIds', agency.second],
      [`lead-${agency.led}`, users[lead] ?? ''],
      [`lead-${agency.second}`, users[secondLead] ?? ''],
    ])
    expect(response.statusCode).toBe(303)
    auditId = String(response.headers.location).split('/').at(-1) ?? ''
    const questions = await t.db.tenant(scope, (sql) =>
      sql.query<{ text: string }>(
        'SELECT text FROM case_audit_questions WHERE case_audit_id = $1 ORDER BY position',
        [auditId],
      ),
    )
    expect(questions.map((q) => q.text)).toEqual([
      'Was the risk of neglect recognised early?',
      'Did agencies share information in time?',
    ])
    expect(await count('case_audit_agencies', 'case_audit_id = $1', [auditId])).toBe(2)
  })

  it('refuses an audit with no questions and a due date in the past, and opens nothing', async () => {
    const browser = await t.signIn(admin)
    const before = await count('case_audits')
    const response = await postForm(browser, '/audits/case-audits/new', '/audits/case-audits/new', [
      ['title', 'Exploitation audit'],
      ['themeId', themeId],
      ['dueOn-day', '1'],
      ['dueOn-month', '1'],
      ['dueOn-year', '2026'],
      ['questions', ''],
      ['agencyIds', agency.led],
    ])
    expect(response.statusCode).toBe(400)
    expect(summaryText(response.body)).toContain('Enter at least one question')
    expect(await count('case_audits')).toBe(before)
  })

  it.each([
    ['a name', 'Jane Smith'],
    ['a date of birth', 'DOB 03/03/2015'],
    ['an NHS number', '485 777 3456'],
  ])('refuses a case reference that looks like %s, adding no case', async (_, reference) => {
    const browser = await t.signIn(admin)
    const response = await postForm(
      browser,
      `/audits/case-audits/${auditId}/cases`,
      `/audits/case-audits/${auditId}`,
      [
        [`ref-${agency.led}`, 'CH-20931'],
        [`ref-${agency.second}`, reference],
      ],
    )
    expect(response.statusCode).toBe(400)
    const html = page(response.body)
    expect(html('.govuk-error-summary').text()).toContain('not a name, a date of birth or an NHS number')
    expect(html(`#ref-${agency.second}-error`).text()).toContain('agency’s own case number')
    expect(await count('case_audit_cases')).toBe(0)
    expect(await count('case_audit_case_refs')).toBe(0)
  })

  it('refuses the same through the API with field errors, changing nothing', async () => {
    const response = await api(admin, 'POST', `/api/v1/case-audits/${auditId}/cases`, {
      references: [{ agencyId: agency.led, reference: '3 March 2015' }],
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('not a name, a date of birth or an NHS number')
    expect(await count('case_audit_cases')).toBe(0)
  })

  it('adds a case known only by each agency’s own reference, and sends the sample to each named lead', async () => {
    const browser = await t.signIn(admin)
    const response = await postForm(
      browser,
      `/audits/case-audits/${auditId}/cases`,
      `/audits/case-audits/${auditId}`,
      [
        [`ref-${agency.led}`, 'CH-20931'],
        [`ref-${agency.second}`, 'LCS/2024/00123'],
      ],
    )
    expect(response.statusCode).toBe(303)
    caseId = (
      await t.db.tenant(scope, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM case_audit_cases WHERE case_audit_id = $1', [auditId]),
      )
    ).id
    const sent = await browser.submit(
      `/audits/case-audits/${auditId}/send`,
      {},
      { from: `/audits/case-audits/${auditId}` },
    )
    expect(sent.statusCode).toBe(303)
    const emails = await mail('Case audit: please answer')
    expect(emails.map((e) => e.to).sort()).toEqual([lead, secondLead].sort())
    expect(emails[0]?.text).toContain(`/audits/case-audits/${auditId}`)
    const status = await t.db.tenant(scope, (sql) =>
      sql.one<{ status: string }>('SELECT status FROM case_audits WHERE id = $1', [auditId]),
    )
    expect(status.status).toBe('answering')
  })

  it('lets each agency’s lead answer for their own agency only', async () => {
    const browser = await t.signIn(lead)
    const casePage = page((await browser.get(`/audits/case-audits/${auditId}/cases/${caseId}`)).body)
    const questions = await t.db.tenant(scope, (sql) =>
      sql.query<{ id: string }>(
        'SELECT id FROM case_audit_questions WHERE case_audit_id = $1 ORDER BY position',
        [auditId],
      ),
    )
    expect(casePage(`main form textarea[name="answer-${agency.led}-${questions[0]?.id}"]`).length).toBe(1)
    expect(casePage(`main form textarea[name="answer-${agency.second}-${questions[0]?.id}"]`).length).toBe(0)
    const saved = await browser.post(`/audits/case-audits/${auditId}/cases/${caseId}/answers`, {
      agencyId: agency.led,
      [`answer-${agency.led}-${questions[0]?.id}`]: 'Yes: the health visitor raised it at the first visit.',
      [`answer-${agency.led}-${questions[1]?.id}`]: 'Partly: the referral took nine days.',
    })
    expect(saved.statusCode).toBe(303)
    expect(await count('case_audit_answers', 'agency_id = $1', [agency.led])).toBe(2)
    const refused = await browser.post(`/audits/case-audits/${auditId}/cases/${caseId}/answers`, {
      agencyId: agency.second,
      [`answer-${agency.second}-${questions[0]?.id}`]: 'Not ours to give.',
    })
    expect(refused.statusCode).toBe(403)
    expect(await count('case_audit_answers', 'agency_id = $1', [agency.second])).toBe(0)
    // The second agency's lead sees the first agency's answers: both take part.
    const second = await t.signIn(secondLead)
    expect((await second.get(`/audits/case-audits/${auditId}/cases/${caseId}`)).body).toContain(
      'the referral took nine days',
    )
  })

  it('escalates a case with current risk, emailing each involved agency’s named lead at once', async () => {
    const browser = await t.signIn(lead)
    await browser.get(`/audits/case-audits/${auditId}/cases/${caseId}`)
    const reason = 'The child is still living with the adult named in the strategy discussion.'
    const response = await browser.post(`/audits/case-audits/${auditId}/cases/${caseId}/escalations`, {
      reason,
    })
    expect(response.statusCode).toBe(303)
    escalationId = String(response.headers.location).split('/').at(-1) ?? ''
    expect(
      await count('case_audit_escalation_notices', 'escalation_id = $1 AND acknowledged_at IS NULL', [
        escalationId,
      ]),
    ).toBe(2)
    const emails = await mail('Urgent: a case in the audit')
    expect(emails.map((e) => e.to)).toEqual([lead, secondLead].sort())
    const toSecond = emails.find((e) => e.to === secondLead)
    expect(toSecond?.text).toContain('LCS/2024/00123')
    expect(toSecond?.text).toContain(title)
    expect(toSecond?.text).toContain(`/audits/case-audits/${auditId}/escalations/${escalationId}`)
    // Nothing else of the case: not the other agency's reference, nor the reason.
    expect(toSecond?.text).not.toContain('CH-20931')
    expect(toSecond?.text).not.toContain(reason)
  })

  it('chases an escalation not acknowledged after a working day, once, to every lead of each agency', async () => {
    const now = t.clock.now().toISOString()
    try {
      // Raised on Tuesday: not chased the same day.
      expect(await t.services.caseAudits.chaseEscalations(p)).toBe(0)
      t.clock.set('2026-11-25T09:30:00Z')
      const [first, second] = await Promise.all([
        t.services.caseAudits.chaseEscalations(p),
        t.services.caseAudits.chaseEscalations(p),
      ])
      expect(first + second).toBe(2)
      const chasers = await mail('Urgent, not yet acknowledged')
      expect(chasers.map((e) => e.to)).toEqual([lead, secondLead].sort())
      expect(chasers.find((e) => e.to === secondLead)?.text).toContain('LCS/2024/00123')
      expect(chasers.find((e) => e.to === secondLead)?.text).not.toContain('CH-20931')
      t.clock.set('2026-11-30T09:30:00Z')
      expect(await t.services.caseAudits.chaseEscalations(p)).toBe(0)
    } finally {
      t.clock.set(now)
    }
  })

  it('refuses an escalation without a reason, recording nothing', async () => {
    const before = await count('case_audit_escalations')
    const browser = await t.signIn(admin)
    await browser.get(`/audits/case-audits/${auditId}/cases/${caseId}`)
    const response = await browser.post(`/audits/case-audits/${auditId}/cases/${caseId}/escalations`, {
      reason: '',
    })
    expect(response.statusCode).toBe(400)
    expect(summaryText(response.body)).toContain('Enter why the case carries current risk')
    expect(await count('case_audit_escalations')).toBe(before)
  })

  it('shows the unacknowledged escalation to admins and on the lead’s home to-do, until acknowledged', async () => {
    const adminPage = (await (await t.signIn(admin)).get(`/audits/case-audits/${auditId}`)).body
    expect(page(adminPage)('.govuk-warning-text').text()).toContain('1 escalation is waiting')
    const second = await t.signIn(secondLead)
    expect((await second.get('/dashboard')).body).toContain(
      '1 case audit escalation of current risk to acknowledge',
    )
    const url = `/audits/case-audits/${auditId}/escalations/${escalationId}`
    await second.get(url)
    const done = await second.post(url, {
      agencyId: agency.second,
      note: 'Strategy discussion held today; plan updated.',
    })
    expect(done.statusCode).toBe(303)
    expect(
      await count('case_audit_escalation_notices', 'escalation_id = $1 AND acknowledged_at IS NOT NULL', [
        escalationId,
      ]),
    ).toBe(1)
    expect((await second.get('/dashboard')).body).not.toContain('case audit escalation')
    await second.get(url)
    const again = await second.post(url, { agencyId: agency.second, note: 'Again.' })
    expect(again.statusCode).toBe(409)
    expect(summaryText(again.body)).toContain('already acknowledged')
    // The demo lead acknowledges for their own agency, never for the second.
    const first = await t.signIn(lead)
    await first.get(url)
    expect((await first.post(url, { agencyId: agency.second, note: 'Not ours.' })).statusCode).toBe(403)
    expect(
      (await first.post(url, { agencyId: agency.led, note: 'Checked with the health visitor.' })).statusCode,
    ).toBe(303)
    expect(
      await count('case_audit_escalation_notices', 'escalation_id = $1 AND acknowledged_at IS NULL', [
        escalationId,
      ]),
    ).toBe(0)
  })

  it('records the panel: day, grade, findings with source audit, a recommendation and an action in the tracker', async () => {
    const browser = await t.signIn(admin)
    expect(
      (
        await browser.submit(
          `/audits/case-audits/${auditId}/to-panel`,
          {},
          { from: `/audits/case-audits/${auditId}` },
        )
      ).statusCode,
    ).toBe(303)
    const themesBefore = page((await browser.get('/reviews/themes')).body)('main table').text()
    expect(
      (
        await browser.submit(`/audits/case-audits/${auditId}/panel`, {
          'panelOn-day': '20',
          'panelOn-month': '11',
          'panelOn-year': '2026',
          attendees: 'Chair, health, police, children’s social care',
          summary: 'Neglect was recognised early but information moved slowly.',
        })
      ).statusCode,
    ).toBe(303)
    const concludeEarly = await browser.submit(
      `/audits/case-audits/${auditId}/conclude`,
      {},
      { from: `/audits/case-audits/${auditId}` },
    )
    expect(concludeEarly.statusCode).toBe(409)
    expect(concludeEarly.body).toContain('Grade every case before concluding')
    expect(
      (
        await browser.submit(
          `/audits/case-audits/${auditId}/cases/${caseId}/grade`,
          { grade: 'requires_improvement', learning: 'Referrals need a named contact.' },
          { from: `/audits/case-audits/${auditId}/cases/${caseId}` },
        )
      ).statusCode,
    ).toBe(303)
    const finding = await postForm(
      browser,
      `/audits/case-audits/${auditId}/findings`,
      `/audits/case-audits/${auditId}/panel`,
      [
        ['text', 'Information sharing between health and social care was slow.'],
        ['caseId', caseId],
        ['themes', themeId],
      ],
    )
    expect(finding.statusCode).toBe(303)
    const row = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string; source: string; review_id: string | null; case_id: string }>(
        'SELECT id, source, review_id, case_id FROM findings WHERE case_audit_id = $1',
        [auditId],
      ),
    )
    expect(row).toMatchObject({ source: 'audit', review_id: null, case_id: caseId })
    // The reviews feature's pages still work, and its theme counts are the reviews' own.
    expect((await browser.get('/reviews')).statusCode).toBe(200)
    expect(page((await browser.get('/reviews/themes')).body)('main table').text()).toBe(themesBefore)

    const recommendation = await browser.submit(
      `/audits/case-audits/${auditId}/findings/${row.id}/recommendations`,
      {
        text: 'Agree a shared referral route for neglect.',
        addressedTo: 'agencies',
        agencyIds: agency.second,
      },
    )
    expect(recommendation.statusCode).toBe(303)
    const rec = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string; finding_id: string }>(
        'SELECT id, finding_id FROM recommendations WHERE case_audit_id = $1',
        [auditId],
      ),
    )
    expect(rec.finding_id).toBe(row.id)
    const action = await browser.submit(`/audits/case-audits/${auditId}/recommendations/${rec.id}/actions`, {
      description: 'Publish the shared referral route.',
      owningAgencyId: agency.second,
      ownerEmail: secondLead,
      successMeasure: 'Referrals reach social care within two days.',
      'dueOn-day': '30',
      'dueOn-month': '6',
      'dueOn-year': '2027',
    })
    expect(action.statusCode).toBe(303)
    const tracker = (await browser.get('/actions')).body
    expect(tracker).toContain(`Case audit: ${title}`)
    expect(tracker).toContain('Publish the shared referral route.')
    const concluded = await browser.submit(
      `/audits/case-audits/${auditId}/conclude`,
      {},
      { from: `/audits/case-audits/${auditId}` },
    )
    expect(concluded.statusCode).toBe(303)
    const view = await api(admin, 'GET', `/api/v1/case-audits/${auditId}`)
    expect(view.statusCode).toBe(200)
    const body = view.json()
    expect(body.status).toBe('concluded')
    expect(body.cases[0].grade).toBe('requires_improvement')
    expect(body.cases[0].references).toHaveLength(2)
    expect(body.findings).toHaveLength(1)
    expect(body.recommendations[0].findingId).toBe(row.id)
    expect(body.actions).toHaveLength(1)
    expect(body.escalations[0].notices).toHaveLength(2)
  })
})

describe('who sees a case audit', () => {
  it('opens one through the API, naming the agency’s first lead when none is given', async () => {
    const response = await api(admin, 'POST', '/api/v1/case-audits', {
      title: 'Exploitation case audit',
      themeId,
      dueOn: '2027-03-31',
      questions: ['Was exploitation identified?'],
      agencies: [{ agencyId: agency.second }],
    })
    expect(response.statusCode).toBe(201)
    otherAuditId = response.json().id
    expect(response.json().agencies[0].leadUserId).toBe(users[secondLead])
    const refused = await api(lead, 'POST', '/api/v1/case-audits', {
      title: 'Not theirs',
      themeId,
      dueOn: '2027-03-31',
      questions: ['Q'],
      agencies: [{ agencyId: agency.led }],
    })
    expect(refused.statusCode).toBe(403)
  })

  it('answers an agency not in the audit as not found, on pages and through the API', async () => {
    const browser = await t.signIn(lead)
    expect((await browser.get(`/audits/case-audits/${otherAuditId}`)).statusCode).toBe(404)
    expect((await api(lead, 'GET', `/api/v1/case-audits/${otherAuditId}`)).statusCode).toBe(404)
    const list = (await api(lead, 'GET', '/api/v1/case-audits')).json()
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([auditId])
    expect((await api(secondLead, 'GET', '/api/v1/case-audits')).json().items).toHaveLength(2)
    const seen = (await api(lead, 'GET', `/api/v1/case-audits/${auditId}`)).json()
    expect(seen.cases[0].answers.length).toBeGreaterThan(0)
  })

  it('refuses a practitioner', async () => {
    const browser = await t.signIn(practitioner)
    expect((await browser.get('/audits/case-audits')).statusCode).toBe(403)
    expect((await browser.get(`/audits/case-audits/${auditId}`)).statusCode).toBe(403)
    expect((await api(practitioner, 'GET', `/api/v1/case-audits/${auditId}`)).statusCode).toBe(403)
  })

  it('keeps a lead from giving another agency’s reference', async () => {
    const response = await api(lead, 'POST', `/api/v1/case-audits/${otherAuditId}/cases`, {
      references: [{ agencyId: agency.second, reference: 'CH-1' }],
    })
    expect(response.statusCode).toBe(404)
    const own = await api(secondLead, 'POST', `/api/v1/case-audits/${otherAuditId}/cases`, {
      references: [{ agencyId: agency.second, reference: 'EHM-4471' }],
    })
    expect(own.statusCode).toBe(201)
  })
})

describe('the case audit API', () => {
  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths['/api/v1/case-audits'] ?? {})).toEqual(
      expect.arrayContaining(['get', 'post']),
    )
    for (const path of [
      '/api/v1/case-audits/{id}',
      '/api/v1/case-audits/{id}/cases',
      '/api/v1/case-audits/{id}/cases/{caseId}/escalations',
    ])
      expect(doc.paths[path], path).toBeDefined()
  })
})
