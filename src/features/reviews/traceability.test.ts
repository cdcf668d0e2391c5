import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aPastPlace } from '#test/support/builders.ts'

// The thread from "what went wrong" to "who has been trained since": courses and needs
// requests cite findings; a finding's page counts who attended the citing courses since.

let t: TestApp
let norfolkId: string
let published: string
let unpublished: string
let jerseyFinding: string
const tokens: Record<string, string> = {}

const call = (as: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  if (method !== 'GET') t.clock.advance(1000)
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, payload })
}

/** A review of the given status with one finding, written straight to the tables. */
async function aFinding(partnershipId: string, reference: string, status: string): Promise<string> {
  return t.db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    const decided = status !== 'notified'
    const review = await sql.one<{ id: string }>(
      `INSERT INTO reviews (partnership_id, type, reference, title, status, notified_on, decision, decision_on, decision_reason)
       VALUES ($1, 'cspr', $2, 'Child H', $3, '2026-01-05', $4, $5, $6) RETURNING id`,
      [
        partnershipId,
        reference,
        status,
        decided ? 'review' : null,
        decided ? '2026-01-20' : null,
        decided ? 'Criteria met' : null,
      ],
    )
    const finding = await sql.one<{ id: string }>(
      `INSERT INTO findings (partnership_id, review_id, text) VALUES ($1, $2, $3) RETURNING id`,
      [partnershipId, review.id, `Cumulative neglect was not recognised (${reference})`],
    )
    return finding.id
  })
}

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  const jersey = await t.partnership('jersey')
  const tokenFor = async (email: string, partnershipId: string) => {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    return t.services.tokens.create({ partnershipId, userId: user.id, name: 'test' })
  }
  for (const role of ['admin', 'practitioner', 'agency-lead'])
    tokens[role] = await tokenFor(`${role}@norfolk.example.org`, norfolk.id)
  published = await aFinding(norfolk.id, 'TR-PUB-1', 'published')
  unpublished = await aFinding(norfolk.id, 'TR-UNPUB-1', 'in_progress')
  jerseyFinding = await aFinding(jersey.id, 'TR-JSY-1', 'published')
})
afterAll(() => t?.close())

const course = {
  title: 'Cumulative neglect: seeing the pattern',
  deliveryMethod: 'multi_agency_training',
  status: 'draft',
}

describe('citing findings', () => {
  it('a course cites findings, keeps them in its version, and refuses another partnership’s', async () => {
    const made = await call('admin', 'POST', '/api/v1/courses', {
      ...course,
      findings: [published, unpublished],
    })
    expect(made.statusCode).toBe(201)
    expect([...made.json().findings].sort()).toEqual([published, unpublished].sort())
    const foreign = await call('admin', 'POST', '/api/v1/courses', { ...course, findings: [jerseyFinding] })
    expect(foreign.statusCode).toBe(400)
    expect(JSON.stringify(foreign.json())).toContain('case review findings')
    // Dropping a citation is a change of content: a new version that cites one fewer.
    const changed = await call('admin', 'PATCH', `/api/v1/courses/${made.json().id}`, {
      findings: [published],
      reason: 'The unpublished review is answered elsewhere',
    })
    expect(changed.statusCode).toBe(200)
    expect(changed.json().findings).toEqual([published])
    expect(changed.json().version).toBe(2)
  })

  it('a practitioner’s needs request cites published findings only', async () => {
    const request = {
      identifiedBy: 'case_review',
      practiceChange: 'Practitioners recognise cumulative neglect',
      targetAudience: 'Health visitors',
      effectivenessMeasure: 'Case-file audit six months on',
    }
    const good = await call('practitioner', 'POST', '/api/v1/needs', { ...request, findings: [published] })
    expect(good.statusCode).toBe(201)
    expect(good.json().findings).toEqual([published])
    const secret = await call('practitioner', 'POST', '/api/v1/needs', {
      ...request,
      findings: [unpublished],
    })
    expect(secret.statusCode).toBe(400)
    const needs = await t.db.tenant({ partnershipId: norfolkId, userId: null, actor: 'test' }, (sql) =>
      sql.one<{ n: number }>('SELECT count(*)::int AS n FROM need_findings WHERE finding_id = $1', [
        unpublished,
      ]),
    )
    expect(needs.n).toBe(0)
  })
})

describe('a finding’s page and API', () => {
  it('counts who attended citing courses since the citation, not before', async () => {
    const made = await call('admin', 'POST', '/api/v1/courses', {
      ...course,
      title: 'Neglect: escalation',
      findings: [published],
    })
    const courseId = made.json().id as string
    const citedAt = new Date(t.clock.now())
    await t.db.tenant({ partnershipId: norfolkId, userId: null, actor: 'test' }, async (sql) => {
      const people = await sql.query<{ id: string }>(
        "SELECT id FROM people WHERE status = 'active' AND merged_into IS NULL ORDER BY id LIMIT 3",
      )
      const mark = (applicationId: string, mark: string) =>
        sql.query(
          `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark)
          SELECT partnership_id, session_id, id, 1, $2 FROM applications WHERE id = $1`,
          [applicationId, mark],
        )
      // Before the course cited the finding: not counted.
      const before = await aPastPlace(sql, {
        partnershipId: norfolkId,
        personId: (people[0] as { id: string }).id,
        courseId,
        endedOn: '2026-10-01',
      })
      await mark(before.applicationId, 'attended')
      // After: one attended, one absent.
      const after = await aPastPlace(sql, {
        partnershipId: norfolkId,
        personId: (people[1] as { id: string }).id,
        courseId,
        endedOn: '2026-12-01',
      })
      await mark(after.applicationId, 'attended')
      const absent = await sql.one<{ id: string }>(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         SELECT $1, $2, id, agency_id, 'manager@example.org', 'confirmed', '2026-11-01' FROM people WHERE id = $3 RETURNING id`,
        [norfolkId, after.sessionId, (people[2] as { id: string }).id],
      )
      await mark(absent.id, 'absent')
    })
    expect(citedAt.toISOString() < '2026-12-01').toBe(true)
    const trace = await call('admin', 'GET', `/api/v1/findings/${published}`)
    expect(trace.statusCode).toBe(200)
    const traced = trace.json().courses.find((c: { id: string }) => c.id === courseId)
    expect(traced.sessions).toHaveLength(1)
    expect(traced.attended).toBe(1)
    expect(trace.json().attendedSince).toBe(1)
    expect(trace.json().needsCiting).toBe(1)

    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get(`/findings/${published}`)).body)
    expect($('#trace-total').text()).toContain('1 person has')
    expect($('#trace-courses a[href^="/courses/"]').length).toBeGreaterThan(0)
    expect($('#needs a[href^="/needs/"]').length).toBe(1)
    // The course page lists the finding it answers, linked to the finding.
    const coursePage = page((await admin.get(`/courses/${courseId}`)).body)
    expect(coursePage(`#cited-findings ~ ul a[href="/findings/${published}"]`).length).toBe(1)
  })

  it('shows an unpublished review’s finding only to those who may see the review', async () => {
    expect((await call('practitioner', 'GET', `/api/v1/findings/${unpublished}`)).statusCode).toBe(404)
    expect((await call('practitioner', 'GET', `/api/v1/findings/${published}`)).statusCode).toBe(200)
    expect((await call('admin', 'GET', `/api/v1/findings/${jerseyFinding}`)).statusCode).toBe(404)
    expect((await call('admin', 'GET', '/api/v1/findings/not-an-id')).statusCode).toBe(404)
    // A practitioner sees the training named but not linked, and the requests only counted.
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const $ = page((await practitioner.get(`/findings/${published}`)).body)
    expect($('#trace-courses a').length).toBe(0)
    expect($('h1').text()).toContain('Finding')
    expect((await practitioner.get(`/findings/${unpublished}`)).statusCode).toBe(404)
  })

  it('an agency lead sees an unpublished finding when their agency is involved', async () => {
    expect((await call('agency-lead', 'GET', `/api/v1/findings/${unpublished}`)).statusCode).toBe(404)
    await t.db.tenant({ partnershipId: norfolkId, userId: null, actor: 'test' }, async (sql) => {
      await sql.query(
        `INSERT INTO review_agencies (partnership_id, review_id, agency_id)
         SELECT f.partnership_id, f.review_id, unnest(m.agency_ids) FROM findings f, memberships m
          JOIN users u ON u.id = m.user_id
         WHERE f.id = $1 AND u.email = 'agency-lead@norfolk.example.org' AND m.role = 'agency-lead'`,
        [unpublished],
      )
    })
    expect((await call('agency-lead', 'GET', `/api/v1/findings/${unpublished}`)).statusCode).toBe(200)
  })
})
