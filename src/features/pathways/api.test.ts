import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newCode } from '#features/certificates/code.ts'
import type { TenantScope } from '#platform/db/database.ts'
import { DEMO_RECOGNISED_CODE } from '#src/demo/pathways.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let scope: TenantScope
const tokens: Record<string, string> = {}
let practitioner = ''
let cse = ''
let mandatory = ''

const NS = 'north-somerset'

beforeAll(async () => {
  t = await testApp()
  const tokenFor = async (slug: string, role: string) => {
    const partnership = await t.partnership(slug)
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [`${role}@${slug}.example.org`]),
    )
    return t.services.tokens.create({ partnershipId: partnership.id, userId: user.id, name: 'test' })
  }
  for (const role of ['admin', 'practitioner', 'agency-lead', 'subgroup', 'trainer'])
    tokens[role] = await tokenFor(NS, role)
  tokens.jersey = await tokenFor('jersey', 'admin')
  tokens.jerseyLead = await tokenFor('jersey', 'agency-lead')
  const ns = await t.partnership(NS)
  scope = { partnershipId: ns.id, userId: null, actor: 'test' }
  practitioner = await t.db.tenant(scope, (sql) =>
    sql
      .one<{ id: string }>('SELECT id FROM people WHERE email = $1', [`practitioner@${NS}.example.org`])
      .then((r) => r.id),
  )
})
afterAll(() => t?.close())

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  token = tokens.admin,
) => t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

type Standing = {
  status: string | null
  requirements: {
    requirementId: string
    title: string
    status: string
    dueOn: string | null
    evidencedBy: unknown
  }[]
}
const standingOf = async (token = tokens.practitioner) => {
  const response = await call('GET', `/api/v1/people/${practitioner}/compliance`, undefined, token)
  expect(response.statusCode).toBe(200)
  const body = response.json<Standing>()
  return { status: body.status, by: Object.fromEntries(body.requirements.map((r) => [r.title, r])) }
}

const tree = (leadsTo: { yes: object; no: object }) => ({
  start: 'one',
  questions: [
    {
      id: 'one',
      text: 'Do you work with children?',
      answers: [
        { label: 'Yes', ...leadsTo.yes },
        { label: 'No', ...leadsTo.no },
      ],
    },
    {
      id: 'two',
      text: 'Do you lead a team?',
      answers: [
        { label: 'Yes', pathwayId: cse },
        { label: 'No', next: 'one' },
      ],
    },
  ],
})

describe('the pathways API: the North Somerset practitioner’s CSE pathway, from nothing to up to date', () => {
  it('lists the demo pathways with their requirements, and keeps them from practitioners', async () => {
    const listed = await call('GET', '/api/v1/pathways')
    expect(listed.statusCode).toBe(200)
    const items = listed.json<{
      items: {
        id: string
        title: string
        requirements: { title: string; required: boolean; refresherMonths: number | null }[]
      }[]
    }>().items
    expect(items.map((p) => p.title).sort()).toEqual([
      'CSE pathway',
      'CSE pathway: managers and safeguarding leads',
      'Mandatory pathway',
    ])
    const found = items.find((p) => p.title === 'CSE pathway')
    cse = found?.id ?? ''
    mandatory = items.find((p) => p.title === 'Mandatory pathway')?.id ?? ''
    expect(found?.requirements.slice(0, 2)).toMatchObject([
      {
        title: 'Multi-agency safeguarding, refreshed every three years',
        required: true,
        refresherMonths: 36,
      },
      { title: 'Child sexual exploitation awareness', required: true, refresherMonths: 36 },
    ])
    expect(found?.requirements.filter((r) => !r.required)).toHaveLength(3)
    expect((await call('GET', '/api/v1/pathways', undefined, tokens.practitioner)).statusCode).toBe(403)
    expect((await call('GET', `/api/v1/pathways/${cse}`, undefined, tokens.jersey)).statusCode).toBe(404)
  })

  it('refuses a decision tree with a loop or a dead end, naming the question, and keeps the saved one', async () => {
    const before = (await call('GET', '/api/v1/pathways/tree')).json<{ tree: unknown }>().tree
    const looped = await call(
      'PUT',
      '/api/v1/pathways/tree',
      tree({ yes: { next: 'two' }, no: { pathwayId: mandatory } }),
    )
    expect(looped.statusCode).toBe(400)
    expect(looped.body).toContain(
      'The answer “No” to “Do you lead a team?” leads back to “Do you work with children?”: a loop',
    )
    const deadEnd = await call(
      'PUT',
      '/api/v1/pathways/tree',
      tree({ yes: { next: 'three' }, no: { pathwayId: mandatory } }),
    )
    expect(deadEnd.statusCode).toBe(400)
    expect(deadEnd.body).toContain(
      'The answer “Yes” to “Do you work with children?” leads to no question: a dead end',
    )
    expect((await call('GET', '/api/v1/pathways/tree')).json<{ tree: unknown }>().tree).toEqual(before)
    expect((await call('PUT', '/api/v1/pathways/tree', before as object, tokens.subgroup)).statusCode).toBe(
      403,
    )
  })

  it('sets the practitioner’s own pathway: every requirement not evidenced', async () => {
    const set = await call(
      'PUT',
      `/api/v1/people/${practitioner}/pathway`,
      { pathwayId: cse },
      tokens.practitioner,
    )
    expect(set.statusCode).toBe(200)
    const { status, by } = await standingOf()
    expect(status).toBe('not_evidenced')
    expect(by['Child sexual exploitation awareness']).toMatchObject({
      status: 'not_evidenced',
      dueOn: null,
      evidencedBy: null,
    })
    // Another partnership's admin cannot reach the person at all.
    expect(
      (await call('GET', `/api/v1/people/${practitioner}/compliance`, undefined, tokens.jersey)).statusCode,
    ).toBe(404)
    expect(
      (await call('PUT', `/api/v1/people/${practitioner}/pathway`, { pathwayId: cse }, tokens.trainer))
        .statusCode,
    ).toBe(404)
  })

  it('books the CSE awareness course it lacks, and its certificate makes the requirement up to date', async () => {
    const session = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id
          WHERE c.title = 'Child Sexual Exploitation (Awareness Raising)' AND s.status = 'open'`,
      ),
    )
    const applied = await call(
      'POST',
      `/api/v1/sessions/${session.id}/applications`,
      {
        personId: practitioner,
        managerEmail: `agency-lead@${NS}.example.org`,
        answers: { confidence: [3, 4] },
      },
      tokens.practitioner,
    )
    expect(applied.statusCode, applied.body).toBe(201)
    // The session is held, the register taken and the certificate issued: held here as done a
    // year ago, so its three-year refresher falls two years on.
    await t.db.tenant(scope, async (sql) => {
      await sql.query(
        `UPDATE sessions SET starts_at = timestamptz '2025-11-20 09:30+00', ends_at = timestamptz '2025-11-20 12:30+00' WHERE id = $1`,
        [session.id],
      )
      const application = await sql.one<{ id: string }>(
        'SELECT id FROM applications WHERE session_id = $1 AND person_id = $2',
        [session.id, practitioner],
      )
      await sql.query(
        'INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code) VALUES ($1, $2, $3, $4, $5)',
        [scope.partnershipId, application.id, practitioner, session.id, newCode()],
      )
    })
    const { status, by } = await standingOf()
    expect(by['Child sexual exploitation awareness']).toMatchObject({
      status: 'current',
      dueOn: '2028-11-20',
      evidencedBy: {
        kind: 'certificate',
        title: 'Child Sexual Exploitation (Awareness Raising)',
        evidencedOn: '2025-11-20',
      },
    })
    // The multi-agency foundation is still not evidenced.
    expect(status).toBe('not_evidenced')
  })

  it('records trust e-learning for the foundation, which counts once the agency lead verifies it', async () => {
    const { by } = await standingOf()
    const foundation = by['Multi-agency safeguarding, refreshed every three years']?.requirementId
    const bad = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence`,
      {
        kind: 'e_learning',
        title: 'x',
        provider: 'y',
        completedOn: '2027-01-01',
        hours: 0,
        requirementId: foundation,
      },
      tokens.practitioner,
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('The hours must be more than 0')
    const future = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence`,
      {
        kind: 'e_learning',
        title: 'x',
        provider: 'y',
        completedOn: '2026-11-25',
        hours: 2,
        requirementId: foundation,
      },
      tokens.practitioner,
    )
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date completed must be today or in the past')
    expect(
      (
        await call(
          'POST',
          `/api/v1/people/${practitioner}/evidence`,
          { kind: 'e_learning', title: 'x', provider: 'y', completedOn: '2026-01-01', hours: 100.5 },
          tokens.practitioner,
        )
      ).body,
    ).toContain('The hours must be 100 or fewer')
    expect(
      (await call('GET', `/api/v1/people/${practitioner}/evidence`, undefined, tokens.practitioner)).json(),
    ).toEqual({ items: [] })

    const recorded = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence`,
      {
        kind: 'e_learning',
        title: 'Safeguarding children level 3 (e-learning)',
        provider: 'University Hospitals Bristol and Weston NHS Trust',
        completedOn: '2024-11-01',
        hours: 3.5,
        requirementId: foundation,
      },
      tokens.practitioner,
    )
    expect(recorded.statusCode, recorded.body).toBe(201)
    const evidence = recorded.json<{ id: string; status: string; hours: number }>()
    expect(evidence).toMatchObject({ status: 'awaiting', hours: 3.5 })
    // Waiting evidence does not count yet; the practitioner cannot verify their own.
    expect((await standingOf()).by['Multi-agency safeguarding, refreshed every three years']?.status).toBe(
      'not_evidenced',
    )
    expect(
      (await call('POST', `/api/v1/evidence/${evidence.id}/verify`, {}, tokens.practitioner)).statusCode,
    ).toBe(403)
    // A lead of another partnership finds nothing to verify.
    expect(
      (await call('POST', `/api/v1/evidence/${evidence.id}/verify`, {}, tokens.jerseyLead)).statusCode,
    ).toBe(404)
    const noReason = await call(
      'POST',
      `/api/v1/evidence/${evidence.id}/verify`,
      { decision: 'rejected' },
      tokens['agency-lead'],
    )
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Say why the evidence is not accepted')

    const verified = await call('POST', `/api/v1/evidence/${evidence.id}/verify`, {}, tokens['agency-lead'])
    expect(verified.statusCode, verified.body).toBe(200)
    expect(verified.json()).toMatchObject({ status: 'verified' })
    expect(
      (await call('POST', `/api/v1/evidence/${evidence.id}/verify`, {}, tokens['agency-lead'])).statusCode,
    ).toBe(409)
    const { by: after } = await standingOf()
    // Completed on 1 November 2024, refreshed every three years: due by 1 November 2027.
    expect(after['Multi-agency safeguarding, refreshed every three years']).toMatchObject({
      status: 'current',
      dueOn: '2027-11-01',
      evidencedBy: { kind: 'evidence', id: evidence.id, title: 'Safeguarding children level 3 (e-learning)' },
    })
    expect((await standingOf()).status).toBe('current')
  })

  it('adds another demo partnership’s recognised certificate by its code; a forged or foreign one is not found', async () => {
    const forged = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence/by-code`,
      { code: 'ABCD-EFGH-JKLM' },
      tokens.practitioner,
    )
    expect(forged.statusCode).toBe(404)
    expect(forged.json()).toMatchObject({ status: 404, title: 'Certificate not found' })
    const before = (
      await call('GET', `/api/v1/people/${practitioner}/evidence`, undefined, tokens.practitioner)
    ).json<{ items: unknown[] }>()
    const added = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence/by-code`,
      { code: DEMO_RECOGNISED_CODE.toLowerCase().replaceAll('-', ' ') },
      tokens.practitioner,
    )
    expect(added.statusCode, added.body).toBe(201)
    expect(added.json()).toMatchObject({
      items: [
        {
          kind: 'other_partnership_course',
          title: 'Child Sexual Exploitation: awareness',
          provider: 'South Gloucestershire Safeguarding Children Board',
          status: 'verified',
          certificateCode: DEMO_RECOGNISED_CODE,
        },
      ],
    })
    const after = (
      await call('GET', `/api/v1/people/${practitioner}/evidence`, undefined, tokens.practitioner)
    ).json<{ items: unknown[] }>()
    expect(after.items).toHaveLength(before.items.length + 1)
    const again = await call(
      'POST',
      `/api/v1/people/${practitioner}/evidence/by-code`,
      { code: DEMO_RECOGNISED_CODE },
      tokens.practitioner,
    )
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('This certificate has been added already')
    // The recognised course, held 120 days ago (27 July 2026), is later than the one booked
    // above, so it now stands for the requirement.
    expect((await standingOf()).by['Child sexual exploitation awareness']).toMatchObject({
      status: 'current',
      dueOn: '2029-07-27',
      evidencedBy: {
        kind: 'evidence',
        title: 'Child Sexual Exploitation: awareness',
        evidencedOn: '2026-07-27',
      },
    })
  })

  it('refuses to recognise the partnership itself', async () => {
    const ns = await t.partnership(NS)
    const { by } = await standingOf()
    const recognised = await call('POST', '/api/v1/recognitions', {
      partnershipId: ns.id,
      courseId: by['Child sexual exploitation awareness']?.requirementId,
      requirementId: by['Child sexual exploitation awareness']?.requirementId,
    })
    expect(recognised.statusCode).toBe(400)
    expect(recognised.body).toContain('A partnership’s own courses count already')
    expect((await call('GET', '/api/v1/recognitions')).json<{ items: unknown[] }>().items).toHaveLength(1)
  })

  it('counts the partnership’s people by standing, and a lead sees only their agencies', async () => {
    const all = await call('GET', '/api/v1/compliance', undefined, tokens.subgroup)
    expect(all.statusCode).toBe(200)
    const body = all.json<{
      total: { people: number; current: number; noPathway: number }
      items: { agencyId: string; pathwayId: string | null; current: number }[]
    }>()
    expect(body.total).toMatchObject({ people: 1, current: 1 })
    expect(body.total.noPathway).toBeGreaterThan(0)
    const onCse = body.items.find((i) => i.pathwayId === cse)
    expect(onCse).toMatchObject({ current: 1 })
    const byPathway = await call(
      'GET',
      `/api/v1/compliance?pathwayId=${mandatory}`,
      undefined,
      tokens.subgroup,
    )
    expect(byPathway.json<{ total: { people: number } }>().total.people).toBe(0)
    const lead = await call('GET', '/api/v1/compliance', undefined, tokens['agency-lead'])
    const leadAgencies = new Set(lead.json<{ items: { agencyId: string }[] }>().items.map((i) => i.agencyId))
    expect(leadAgencies.has(onCse?.agencyId ?? '')).toBe(true)
    const other = body.items.find((i) => !leadAgencies.has(i.agencyId))
    expect(
      (await call('GET', `/api/v1/compliance?agencyId=${other?.agencyId}`, undefined, tokens['agency-lead']))
        .statusCode,
    ).toBe(404)
    expect((await call('GET', '/api/v1/compliance', undefined, tokens.practitioner)).statusCode).toBe(403)
    // Another partnership's agency or pathway is not found, not an empty count.
    const jerseyAgency = await t.db.platform((sql) =>
      sql.one<{ id: string }>(
        `SELECT a.id FROM agencies a JOIN partnerships p ON p.id = a.partnership_id WHERE p.slug = 'jersey' LIMIT 1`,
      ),
    )
    expect(
      (await call('GET', `/api/v1/compliance?agencyId=${jerseyAgency.id}`, undefined, tokens.subgroup))
        .statusCode,
    ).toBe(404)
    expect(
      (await call('GET', `/api/v1/compliance?pathwayId=${jerseyAgency.id}`, undefined, tokens.subgroup))
        .statusCode,
    ).toBe(404)
  })

  it('retiring the pathway the tree ends on is refused; a changed refresher moves every due date', async () => {
    const retired = await call('PATCH', `/api/v1/pathways/${cse}`, { status: 'retired' })
    expect(retired.statusCode).toBe(400)
    const pathway = (await call('GET', `/api/v1/pathways/${cse}`)).json<{
      requirements: {
        id: string
        title: string
        required: boolean
        refresherMonths: number | null
        courses: { id: string }[]
      }[]
    }>()
    const requirements = pathway.requirements.map((r) => ({
      id: r.id,
      title: r.title,
      required: r.required,
      refresherMonths: r.title === 'Child sexual exploitation awareness' ? 3 : r.refresherMonths,
      courseIds: r.courses.map((c) => c.id),
    }))
    const changed = await call('PATCH', `/api/v1/pathways/${cse}`, { requirements })
    expect(changed.statusCode, changed.body).toBe(200)
    expect(changed.json<{ requirements: { id: string }[] }>().requirements.map((r) => r.id)).toEqual(
      pathway.requirements.map((r) => r.id),
    )
    // Last evidenced 27 July 2026, refreshed every three months: due by 27 October 2026, four weeks ago.
    const { status, by } = await standingOf()
    expect(by['Child sexual exploitation awareness']).toMatchObject({
      status: 'overdue',
      dueOn: '2026-10-27',
    })
    expect(status).toBe('overdue')
  })
})
