import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anAuditTemplate } from '../test-fixtures.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const users: Record<string, string> = {}
const tokens: Record<string, string> = {}
/** The lead's two agencies, another agency, and the sub-group member's own agency. */
const agency = { led: '', second: '', other: '', subgroups: '' }
let versionId = ''
let questionnaireId = ''
let cycleId = ''

const admin = 'admin@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const subgroup = 'subgroup@shropshire.example.org'
const executive = 'executive@shropshire.example.org'

const api = (as: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values),
    )
  ).n
}

async function mail(subject: string): Promise<{ to: string; subject: string; text: string }[]> {
  return t.db.platform((sql) =>
    sql.query(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY created_at, id`,
      [p.id, `${subject}%`],
    ),
  )
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [admin, lead, subgroup, executive]) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    users[email] = user.id
    tokens[email] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
  await t.db.tenant(scope, async (sql) => {
    const led = await sql.one<{ ids: string[] }>(
      `SELECT m.agency_ids AS ids FROM memberships m WHERE m.user_id = $1 AND m.role = 'agency-lead'`,
      [users[lead]],
    )
    ;[agency.led, agency.second] = led.ids as [string, string]
    agency.subgroups = (
      await sql.one<{ agency_id: string }>('SELECT agency_id FROM people WHERE user_id = $1', [
        users[subgroup],
      ])
    ).agency_id
    agency.other = (
      await sql.one<{ id: string }>(
        `SELECT id FROM agencies WHERE NOT archived AND NOT id = ANY($1::uuid[]) AND id <> $2 ORDER BY lower(name) LIMIT 1`,
        [led.ids, agency.subgroups],
      )
    ).id
    questionnaireId = (
      await sql.one<{ id: string }>(
        `SELECT q.id FROM questionnaires q WHERE EXISTS (SELECT 1 FROM questionnaire_versions v WHERE v.questionnaire_id = q.id)
          ORDER BY q.title LIMIT 1`,
      )
    ).id
  })
  versionId = (await anAuditTemplate(t.db, p.id, { title: 'Section 11 for cycles' })).versionId
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('opening an audit cycle', () => {
  it('refuses a due date that is not after today, and opens nothing', async () => {
    const browser = await t.signIn(admin)
    const form = page((await browser.get('/audits/cycles/new')).body)
    expect(form(`input[name="versionId"][value="${versionId}"]`).length).toBe(1)
    const before = await count('audit_cycles')
    const response = await browser.submit(
      '/audits/cycles/new',
      {
        title: 'Section 11 audit 2026-27',
        versionId,
        'dueOn-day': '24',
        'dueOn-month': '11',
        'dueOn-year': '2026',
        agencyIds: agency.led,
      },
      { from: '/audits/cycles/new' },
    )
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary a[href="#dueOn-day"]').text()).toBe(
      'The due date must be after today',
    )
    expect(await count('audit_cycles')).toBe(before)
    const api400 = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Past',
      versionId,
      dueOn: '2026-11-01',
      agencyIds: [agency.led],
    })
    expect(api400.statusCode).toBe(400)
    expect(await count('audit_cycles')).toBe(before)
  })

  it('refuses a reviewer from the agency itself', async () => {
    const response = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Own reviewer',
      versionId,
      dueOn: '2027-01-29',
      agencyIds: [agency.subgroups],
      reviewers: { [agency.subgroups]: users[subgroup] },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors[0].message).toMatch(/a return is reviewed by someone from another agency/)
    expect(await count('audit_cycles', 'title = $1', ['Own reviewer'])).toBe(0)
  })

  it('opens a cycle: a return per agency, a practitioner survey each, and an email to each agency’s leads', async () => {
    const response = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Section 11 audit 2026-27',
      versionId,
      dueOn: '2027-01-29',
      agencyIds: [agency.led, agency.second, agency.other],
      survey: { questionnaireId },
      seniorLeads: { [agency.led]: users[lead] },
      reviewers: { [agency.led]: users[subgroup] },
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      dueOn: '2027-01-29',
      survey: true,
      returns: { total: 3, notStarted: 3 },
    })
    cycleId = response.json().id
    const returns = await t.db.tenant(scope, (sql) =>
      sql.query<{
        agency_id: string
        status: string
        senior_lead_user_id: string | null
        reviewer_user_id: string | null
        audience: string
        closes_on: string
      }>(
        `SELECT r.agency_id, r.status, r.senior_lead_user_id, r.reviewer_user_id, s.audience,
                to_char(s.closes_on, 'YYYY-MM-DD') AS closes_on
           FROM audit_returns r JOIN surveys s ON s.id = r.survey_id WHERE r.cycle_id = $1`,
        [cycleId],
      ),
    )
    expect(returns).toHaveLength(3)
    expect(
      returns.every(
        (r) => r.status === 'not_started' && r.audience === 'practitioners' && r.closes_on === '2027-01-29',
      ),
    ).toBe(true)
    const mine = returns.find((r) => r.agency_id === agency.led)
    expect(mine).toMatchObject({ senior_lead_user_id: users[lead], reviewer_user_id: users[subgroup] })
    // The second agency's senior lead defaults to its first lead: the demo lead leads it too.
    expect(returns.find((r) => r.agency_id === agency.second)?.senior_lead_user_id).toBe(users[lead])
    const emails = await mail('Safeguarding self-assessment: Section 11 audit 2026-27')
    expect(emails.filter((e) => e.to === lead)).toHaveLength(2)
    expect(emails[0]?.text).toMatch(/\/audits\/returns\/[0-9a-f-]{36}/)
    expect(emails[0]?.text).toContain('anonymous practitioner survey')
  })

  it('keeps opening to admins: an agency lead is refused', async () => {
    const before = await count('audit_cycles')
    const response = await api(lead, 'POST', '/api/v1/audit-cycles', {
      title: 'By a lead',
      versionId,
      dueOn: '2027-01-29',
      agencyIds: [agency.led],
    })
    expect(response.statusCode).toBe(403)
    expect((await (await t.signIn(lead)).get('/audits/cycles/new')).statusCode).toBe(403)
    expect(await count('audit_cycles')).toBe(before)
  })
})

describe('a cycle’s returns, as each reader may see them', () => {
  it('gives an agency lead only their agencies’ returns, and another agency’s not at all', async () => {
    const response = await api(lead, 'GET', `/api/v1/audit-cycles/${cycleId}/returns`)
    expect(response.statusCode).toBe(200)
    const agencies = response.json().items.map((r: { agencyId: string }) => r.agencyId)
    expect(agencies.sort()).toEqual([agency.led, agency.second].sort())
    expect(response.json().items[0]).toMatchObject({ status: 'not_started', answered: 0, total: 4 })
    const browser = await t.signIn(lead)
    const cyclePage = await browser.get(`/audits/cycles/${cycleId}`)
    expect(cyclePage.statusCode).toBe(200)
    expect(page(cyclePage.body)('tbody tr')).toHaveLength(2)
    const hub = page((await browser.get('/audits')).body)
    expect(hub('main').text()).toContain('Section 11 audit 2026-27')
    const all = await api(executive, 'GET', `/api/v1/audit-cycles/${cycleId}/returns`)
    expect(all.json().items).toHaveLength(3)
  })

  it('answers a cycle with none of a lead’s returns as not found', async () => {
    const other = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Elsewhere',
      versionId,
      dueOn: '2027-01-29',
      agencyIds: [agency.other],
    })
    expect((await api(lead, 'GET', `/api/v1/audit-cycles/${other.json().id}/returns`)).statusCode).toBe(404)
    const listed = (await api(lead, 'GET', '/api/v1/audit-cycles'))
      .json()
      .items.map((c: { title: string }) => c.title)
    expect(listed).toContain('Section 11 audit 2026-27')
    expect(listed).not.toContain('Elsewhere')
  })

  it('lets an admin change a return’s reviewer, refusing one from the agency, and close the cycle', async () => {
    const browser = await t.signIn(admin)
    const view = await t.services.auditCycles.cycle(
      { partnership: p, actor: { userId: users[admin] as string, roles: ['admin'], agencyIds: [] } },
      cycleId,
    )
    const other = view.returns.find((r) => r.agencyId === agency.other)
    const led = view.returns.find((r) => r.agencyId === agency.led)
    if (!other || !led) throw new Error('Both returns are there')
    const fields = Object.fromEntries(
      view.returns.flatMap((r) => [
        [`seniorLead-${r.id}`, r.seniorLeadUserId ?? ''],
        [`reviewer-${r.id}`, r.reviewerUserId ?? ''],
      ]),
    )
    const changed = await browser.submit(
      `/audits/cycles/${cycleId}/people`,
      { ...fields, [`reviewer-${other.id}`]: users[executive] as string },
      { from: `/audits/cycles/${cycleId}` },
    )
    expect(changed.statusCode).toBe(303)
    expect(
      await count('audit_returns', 'id = $1 AND reviewer_user_id = $2', [other.id, users[executive]]),
    ).toBe(1)
    // The sub-group member reviewing their own agency is refused.
    const subgroupsCycle = await api(admin, 'POST', '/api/v1/audit-cycles', {
      title: 'Sub-group’s agency',
      versionId,
      dueOn: '2027-01-29',
      agencyIds: [agency.subgroups],
    })
    const theirs = (
      await api(admin, 'GET', `/api/v1/audit-cycles/${subgroupsCycle.json().id}/returns`)
    ).json().items[0]
    const refused = await browser.submit(
      `/audits/cycles/${subgroupsCycle.json().id}/people`,
      {
        [`seniorLead-${theirs.id}`]: theirs.seniorLeadUserId ?? '',
        [`reviewer-${theirs.id}`]: users[subgroup] as string,
      },
      { from: `/audits/cycles/${subgroupsCycle.json().id}` },
    )
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain(
      'reviewed by someone from another agency',
    )
    expect(await count('audit_returns', 'id = $1 AND reviewer_user_id IS NULL', [theirs.id])).toBe(1)

    const closed = await browser.submit(
      `/audits/cycles/${cycleId}/close`,
      {},
      { from: `/audits/cycles/${cycleId}` },
    )
    expect(closed.statusCode).toBe(303)
    const again = await browser.submit(
      `/audits/cycles/${cycleId}/close`,
      {},
      { from: `/audits/cycles/${cycleId}` },
    )
    expect(again.statusCode).toBe(409)
  })
})
