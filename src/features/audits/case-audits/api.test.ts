import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { CaseAuditWorld } from './test-world.ts'
import { aCaseAuditWorld } from './test-world.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
let users: Record<string, string> = {}
let tokens: Record<string, string> = {}

const admin = 'admin@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
/** The lead of a second agency taking part, made for these tests. */
const secondLead = 'second-lead@shropshire.example.org'
/** The lead of an agency taking no part in the audit, made for these tests. */
const outsider = 'outside-lead@shropshire.example.org'

/** The demo lead's agency, a second agency with its own lead, and a third outside the audit. */
let agency: CaseAuditWorld['agency']
let themeId = ''
let auditId = ''
let caseId = ''
let questionIds: string[] = []
let escalationId = ''
let findingId = ''
let recommendationId = ''

const title = 'Neglect case audit 2027'

type Method = 'GET' | 'POST' | 'PUT'
const api = (as: string, method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

const at = (path = '') => `/api/v1/case-audits/${auditId}${path}`

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values),
    )
  ).n
}

async function statusOf(id: string): Promise<string> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ status: string }>('SELECT status FROM case_audits WHERE id = $1', [id]),
    )
  ).status
}

async function gradeOf(id: string) {
  return t.db.tenant(scope, (sql) =>
    sql.one<{ grade: string | null; learning: string | null }>(
      'SELECT grade, learning FROM case_audit_cases WHERE id = $1',
      [id],
    ),
  )
}

async function mailTo(subject: string): Promise<string[]> {
  const rows = await t.db.platform((sql) =>
    sql.query<{ to: string }>(
      `SELECT to_address AS to FROM outbox WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY to_address`,
      [p.id, `${subject}%`],
    ),
  )
  return rows.map((r) => r.to)
}

beforeAll(async () => {
  t = await testApp()
  ;({ p, scope, agency, themeId, users, tokens } = await aCaseAuditWorld(t, {
    lead,
    newLeads: [
      { email: secondLead, displayName: 'Sam Second', of: 'second' },
      { email: outsider, displayName: 'Olu Outside', of: 'third' },
    ],
    everyone: [admin, lead, secondLead, outsider],
  }))
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('a themed case audit run entirely through the API', () => {
  it('opens an audit, adds a case by each agency’s reference and sends the sample to the named leads', async () => {
    const opened = await api(admin, 'POST', '/api/v1/case-audits', {
      title,
      themeId,
      dueOn: '2027-02-26',
      questions: ['Was the risk of neglect recognised early?', 'Did agencies share information in time?'],
      agencies: [
        { agencyId: agency.led, leadUserId: users[lead] },
        { agencyId: agency.second, leadUserId: users[secondLead] },
      ],
    })
    expect(opened.statusCode).toBe(201)
    auditId = opened.json().id
    questionIds = opened.json().questions.map((q: { id: string }) => q.id)
    expect(questionIds).toHaveLength(2)

    const added = await api(admin, 'POST', at('/cases'), {
      references: [
        { agencyId: agency.led, reference: 'CH-20931' },
        { agencyId: agency.second, reference: 'LCS/2024/00123' },
      ],
    })
    expect(added.statusCode).toBe(201)
    caseId = added.json().cases[0].id

    // Only those who run the audit send it.
    expect((await api(lead, 'POST', at('/send'))).statusCode).toBe(403)
    expect(await statusOf(auditId)).toBe('sampling')
    expect(await mailTo('Case audit: please answer')).toEqual([])

    const sent = await api(admin, 'POST', at('/send'))
    expect(sent.statusCode).toBe(200)
    expect(sent.json().status).toBe('answering')
    expect(await statusOf(auditId)).toBe('answering')
    expect(await mailTo('Case audit: please answer')).toEqual([lead, secondLead].sort())
    // A sample already sent is not sent again.
    expect((await api(admin, 'POST', at('/send'))).statusCode).toBe(409)
  })

  it('takes each lead’s answers for their own agency only, and none from a lead outside the audit', async () => {
    const answered = await api(lead, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.led,
      answers: [
        { questionId: questionIds[0], answer: 'Yes: the health visitor raised it at the first visit.' },
        { questionId: questionIds[1], answer: 'Partly: the referral took nine days.' },
      ],
    })
    expect(answered.statusCode).toBe(200)
    expect(answered.json().cases[0].answers).toHaveLength(2)
    expect(await count('case_audit_answers', 'agency_id = $1', [agency.led])).toBe(2)

    const twice = await api(lead, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.led,
      answers: [
        { questionId: questionIds[0], answer: 'Yes.' },
        { questionId: questionIds[0], answer: 'No.' },
      ],
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.json().errors).toEqual([
      { field: 'answers.1.questionId', message: 'Answer each question once' },
    ])
    expect(
      await count('case_audit_answers', 'question_id = $1 AND answer LIKE $2', [
        questionIds[0],
        'Yes: the health%',
      ]),
    ).toBe(1)

    const forAnother = await api(lead, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.second,
      answers: [{ questionId: questionIds[0], answer: 'Not ours to give.' }],
    })
    expect(forAnother.statusCode).toBe(403)
    const fromOutside = await api(outsider, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.third,
      answers: [{ questionId: questionIds[0], answer: 'Nor ours.' }],
    })
    expect(fromOutside.statusCode).toBe(404)
    expect(await count('case_audit_answers', 'NOT agency_id = $1', [agency.led])).toBe(0)

    // A blank answer takes one away; the question left out keeps its answer.
    const cleared = await api(lead, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.led,
      answers: [{ questionId: questionIds[1], answer: '' }],
    })
    expect(cleared.statusCode).toBe(200)
    expect(await count('case_audit_answers', 'agency_id = $1', [agency.led])).toBe(1)

    const second = await api(secondLead, 'PUT', at(`/cases/${caseId}/answers`), {
      agencyId: agency.second,
      answers: [{ questionId: questionIds[0], answer: 'Children’s social care opened an assessment.' }],
    })
    expect(second.statusCode).toBe(200)
    expect(await count('case_audit_answers', 'agency_id = $1', [agency.second])).toBe(1)
  })

  it('has each involved agency’s lead acknowledge an escalation for their own agency, once', async () => {
    const raised = await api(admin, 'POST', at(`/cases/${caseId}/escalations`), {
      reason: 'The child is still living with the adult named in the strategy discussion.',
    })
    expect(raised.statusCode).toBe(201)
    escalationId = raised.json().escalations[0].id
    const url = at(`/escalations/${escalationId}/acknowledgement`)
    const unacknowledged = () =>
      count('case_audit_escalation_notices', 'escalation_id = $1 AND acknowledged_at IS NULL', [escalationId])
    expect(await unacknowledged()).toBe(2)

    expect((await api(outsider, 'POST', url, { agencyId: agency.third, note: 'Not ours.' })).statusCode).toBe(
      404,
    )
    expect((await api(lead, 'POST', url, { agencyId: agency.second, note: 'Not ours.' })).statusCode).toBe(
      403,
    )
    expect(await unacknowledged()).toBe(2)

    const acknowledged = await api(secondLead, 'POST', url, {
      agencyId: agency.second,
      note: 'Strategy discussion held today; plan updated.',
    })
    expect(acknowledged.statusCode).toBe(200)
    const notice = acknowledged
      .json()
      .escalations[0].notices.find((n: { agencyId: string }) => n.agencyId === agency.second)
    expect(notice).toMatchObject({
      leadUserId: users[secondLead],
      acknowledgement: 'Strategy discussion held today; plan updated.',
    })
    expect(notice.acknowledgedAt).not.toBeNull()
    expect(acknowledged.json().openNotices).toBe(1)
    expect((await api(secondLead, 'POST', url, { agencyId: agency.second, note: 'Again.' })).statusCode).toBe(
      409,
    )

    const own = await api(lead, 'POST', url, {
      agencyId: agency.led,
      note: 'Checked with the health visitor.',
    })
    expect(own.statusCode).toBe(200)
    expect(own.json().openNotices).toBe(0)
    expect(await unacknowledged()).toBe(0)
  })

  it('moves to the panel and records its day, by an admin only', async () => {
    expect((await api(lead, 'POST', at('/to-panel'))).statusCode).toBe(403)
    expect(await statusOf(auditId)).toBe('answering')
    const moved = await api(admin, 'POST', at('/to-panel'))
    expect(moved.statusCode).toBe(200)
    expect(moved.json().status).toBe('panel')

    const recorded = await api(admin, 'PUT', at('/panel'), {
      panelOn: '2026-11-20',
      attendees: 'Chair, health, police, children’s social care',
      summary: 'Neglect was recognised early but information moved slowly.',
    })
    expect(recorded.statusCode).toBe(200)
    expect(recorded.json()).toMatchObject({
      panelOn: '2026-11-20',
      panelAttendees: 'Chair, health, police, children’s social care',
    })
    // Concluding waits for every case's grade.
    const early = await api(admin, 'POST', at('/conclude'))
    expect(early.statusCode).toBe(409)
    expect(early.json().detail).toContain('Grade every case before concluding')
  })

  it('refuses a grade outside the four outcomes with a field error, and a lead’s grade, changing nothing', async () => {
    const wrong = await api(admin, 'PUT', at(`/cases/${caseId}/grade`), {
      grade: 'excellent',
      learning: 'Referrals need a named contact.',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().errors.map((e: { field: string }) => e.field)).toContain('grade')
    expect(await gradeOf(caseId)).toEqual({ grade: null, learning: null })

    for (const who of [lead, outsider]) {
      const refused = await api(who, 'PUT', at(`/cases/${caseId}/grade`), {
        grade: 'good',
        learning: 'Not theirs to give.',
      })
      expect(refused.statusCode, who).toBe(403)
    }
    expect(await gradeOf(caseId)).toEqual({ grade: null, learning: null })
  })

  it('grades the case, records a finding with source audit, a recommendation and an action in the tracker', async () => {
    const graded = await api(admin, 'PUT', at(`/cases/${caseId}/grade`), {
      grade: 'requires_improvement',
      learning: 'Referrals need a named contact.',
    })
    expect(graded.statusCode).toBe(200)
    expect(graded.json().cases[0]).toMatchObject({
      grade: 'requires_improvement',
      learning: 'Referrals need a named contact.',
    })
    expect(await gradeOf(caseId)).toEqual({
      grade: 'requires_improvement',
      learning: 'Referrals need a named contact.',
    })

    const found = await api(admin, 'POST', at('/findings'), {
      text: 'Information sharing between health and social care was slow.',
      themes: [themeId],
      caseId,
    })
    expect(found.statusCode).toBe(201)
    expect(found.json().findings).toHaveLength(1)
    findingId = found.json().findings[0].id
    const finding = await t.db.tenant(scope, (sql) =>
      sql.one<{ source: string; review_id: string | null; case_id: string }>(
        'SELECT source, review_id, case_id FROM findings WHERE id = $1',
        [findingId],
      ),
    )
    expect(finding).toEqual({ source: 'audit', review_id: null, case_id: caseId })

    const recommended = await api(admin, 'POST', at(`/findings/${findingId}/recommendations`), {
      text: 'Agree a shared referral route for neglect.',
      addressedTo: 'agencies',
      agencyIds: [agency.second],
    })
    expect(recommended.statusCode).toBe(201)
    expect(recommended.json().recommendations[0]).toMatchObject({
      findingId,
      addressedTo: 'agencies',
      agencyIds: [agency.second],
    })
    recommendationId = recommended.json().recommendations[0].id
    const recommendation = await t.db.tenant(scope, (sql) =>
      sql.one<{ response: string | null; finding_id: string }>(
        'SELECT response, finding_id FROM recommendations WHERE id = $1',
        [recommendationId],
      ),
    )
    expect(recommendation).toEqual({ response: 'accepted', finding_id: findingId })

    const agreed = await api(admin, 'POST', at(`/recommendations/${recommendationId}/actions`), {
      description: 'Publish the shared referral route.',
      owningAgencyId: agency.second,
      ownerEmail: secondLead,
      successMeasure: 'Referrals reach social care within two days.',
      dueOn: '2027-06-30',
    })
    expect(agreed.statusCode).toBe(201)
    expect(agreed.json().actions).toEqual([
      expect.objectContaining({
        recommendationId,
        description: 'Publish the shared referral route.',
        ownerEmail: secondLead,
        dueOn: '2027-06-30',
      }),
    ])
    const actionId = agreed.json().actions[0].id
    const row = await t.db.tenant(scope, (sql) =>
      sql.one<{ source: string; case_audit_id: string }>(
        'SELECT source, case_audit_id FROM actions WHERE id = $1',
        [actionId],
      ),
    )
    expect(row).toEqual({ source: 'case_audit', case_audit_id: auditId })
    const tracker = await api(admin, 'GET', `/api/v1/actions?agencyId=${agency.second}&month=2027-06`)
    expect(tracker.statusCode).toBe(200)
    expect(tracker.json().items.find((a: { id: string }) => a.id === actionId)).toMatchObject({
      source: 'case_audit',
      caseAuditId: auditId,
      recommendationId,
    })
  })

  it('concludes the audit once graded, and only once', async () => {
    expect((await api(lead, 'POST', at('/conclude'))).statusCode).toBe(403)
    const concluded = await api(admin, 'POST', at('/conclude'))
    expect(concluded.statusCode).toBe(200)
    expect(concluded.json().status).toBe('concluded')
    expect(await statusOf(auditId)).toBe('concluded')
    expect((await api(admin, 'POST', at('/conclude'))).statusCode).toBe(409)
    // The lead sees the whole audit as it ended.
    const seen = await api(lead, 'GET', at())
    expect(seen.statusCode).toBe(200)
    expect(seen.json()).toMatchObject({ status: 'concluded', panelOn: '2026-11-20', openNotices: 0 })
    expect(seen.json().findings).toHaveLength(1)
    expect(seen.json().actions).toHaveLength(1)
    expect((await api(outsider, 'GET', at())).statusCode).toBe(404)
  })
})

describe('the case audit API document', () => {
  it('describes every step from sample to panel', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    for (const [path, method] of [
      ['/api/v1/case-audits/{id}/send', 'post'],
      ['/api/v1/case-audits/{id}/cases/{caseId}/answers', 'put'],
      ['/api/v1/case-audits/{id}/to-panel', 'post'],
      ['/api/v1/case-audits/{id}/panel', 'put'],
      ['/api/v1/case-audits/{id}/cases/{caseId}/grade', 'put'],
      ['/api/v1/case-audits/{id}/findings', 'post'],
      ['/api/v1/case-audits/{id}/findings/{findingId}/recommendations', 'post'],
      ['/api/v1/case-audits/{id}/recommendations/{recommendationId}/actions', 'post'],
      ['/api/v1/case-audits/{id}/conclude', 'post'],
      ['/api/v1/case-audits/{id}/escalations/{escalationId}/acknowledgement', 'post'],
    ] as const) {
      const operation = doc.paths[path]?.[method]
      expect(operation, `${method} ${path}`).toBeDefined()
      expect(operation.tags).toEqual(['audits'])
      expect(operation.security).toEqual([{ bearer: [] }])
    }
    expect(
      doc.paths['/api/v1/case-audits/{id}/cases/{caseId}/grade'].put.requestBody.content['application/json']
        .schema.properties.grade.enum,
    ).toEqual(['outstanding', 'good', 'requires_improvement', 'inadequate'])
  })
})
