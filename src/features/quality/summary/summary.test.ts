import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aQaRound } from '../test-fixtures.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
let roundId: string
let agencies: { id: string; name: string }[]

const admin = 'admin@norfolk.example.org'

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('norfolk')
  scope = { partnershipId: p.id, userId: null }
  agencies = await t.db.tenant(scope, (sql) =>
    sql.query<{ id: string; name: string }>('SELECT id, name FROM agencies ORDER BY name LIMIT 3'),
  )
  const [a, b, c] = agencies.map((x) => ({ id: x.id })) as [{ id: string }, { id: string }, { id: string }]
  // Last year's round: outside this financial year.
  await aQaRound(t.db, p.id, {
    title: 'Spring 2025',
    openedOn: '2025-05-01',
    dueOn: '2025-06-01',
    returns: [{ agencyId: a.id }],
  })
  const round = await aQaRound(t.db, p.id, {
    title: 'Autumn 2026',
    openedOn: '2026-10-01',
    dueOn: '2026-11-20',
    returns: [
      { agencyId: a.id, courses: ['Induction', 'Level 3'], rating: 'met', status: 'in_progress' },
      { agencyId: b.id, courses: ['Safer recruitment'], rating: 'not_met' },
      { agencyId: c.id, status: 'in_progress' },
    ],
  })
  roundId = round.id
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    // One return reviewed with actions; one rating partly met; one return submitted late.
    await sql.query(
      `UPDATE qa_returns SET status = 'reviewed', reviewed_at = cascade_now(), outcome = 'assured_with_actions',
             submitted_at = '2026-11-15T12:00Z'
        WHERE id = $1`,
      [round.returns[1]?.id],
    )
    await sql.query(
      `UPDATE qa_ratings SET rating = 'partly_met' WHERE course_id = $1
          AND standard_id = (SELECT id FROM qa_standards WHERE title = 'Attendance is recorded' AND version_id = $2)`,
      [round.returns[0]?.courseIds[0], round.versionId],
    )
    await sql.query(
      `UPDATE qa_returns SET status = 'submitted', submitted_at = '2026-11-23T12:00Z' WHERE id = $1`,
      [round.returns[0]?.id],
    )
    const pick = await sql.one<{ id: string }>(
      `INSERT INTO qa_picks (partnership_id, round_id, course_id, kind, position, reason)
       VALUES ($1, $2, $3, 'drawn', 1, 'Drawn at random') RETURNING id`,
      [p.id, round.id, round.returns[1]?.courseIds[0]],
    )
    await sql.query(
      `INSERT INTO observations (partnership_id, pick_id, version_id, observer_name, observed_on, strengths,
              areas_to_develop, grade)
       VALUES ($1, $2, $3, 'Olive Observer', '2026-11-10', 'Clear', 'Pace', 'requires_improvement')`,
      [p.id, pick.id, round.versionId],
    )
  })
})
afterAll(() => t.close())

describe('the quality assurance summary', () => {
  it('for a round: completion by agency, outcomes, the standards most often not met and grades', async () => {
    const browser = await t.signIn(admin)
    const response = await browser.get(`/quality/summary?round=${roundId}`)
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('#scope').text()).toBe('Autumn 2026')
    expect($('#completion').text()).toContain(
      '2 of 3 self-assessments submitted (1 by the due date); 1 reviewed',
    )
    const rows = $('#agencies tbody tr')
      .map((_, tr) =>
        $(tr)
          .find('th, td')
          .map((__, c) => $(c).text().trim())
          .get()
          .join(' | '),
      )
      .get()
    expect(rows).toContain(`${agencies[1]?.name} | Reviewed: assured with actions | 1 | 1`)
    expect(rows).toContain(`${agencies[2]?.name} | In progress | 0 | 0`)
    expect($('#outcomes tbody tr').first().text()).toContain('Assured')
    const standards = $('#standards tbody tr th')
      .map((_, th) => $(th).text())
      .get()
    expect(standards).toHaveLength(6)
    // Attendance: not met once and partly met once, so it leads the not-met-once others.
    expect(standards[0]).toBe('Attendance is recorded')
    expect(
      $('#standards tbody tr')
        .first()
        .find('td')
        .map((_, c) => $(c).text())
        .get(),
    ).toEqual(['1', '1', '3'])
    expect($('#grades tbody tr').eq(2).text()).toMatch(/Requires improvement\s*1/)
  })

  it('for a financial year: the rounds opened in it, observations made in it, and trainers today', async () => {
    const browser = await t.signIn('subgroup@norfolk.example.org')
    const $ = page((await browser.get('/quality/summary?year=2026')).body)
    expect($('#scope').text()).toBe('Financial year 2026/27')
    expect($('#completion').text()).toContain('2 of 3 self-assessments submitted')
    const lastYear = page((await browser.get('/quality/summary?year=2025')).body)
    expect(lastYear('#completion').text()).toContain('1 of 1 self-assessments submitted')
    expect(
      lastYear('#grades tbody tr')
        .eq(2)
        .find('td')
        .map((_, c) => lastYear(c).text())
        .get(),
    ).toEqual(['0', '0'])
    // The demo trainer was approved this year and is current.
    expect($('#trainers tbody tr').first().text()).toMatch(/Current\s*1/)
  })

  it('downloads as a CSV of the same figures, safe from spreadsheet formulas', async () => {
    const browser = await t.signIn('executive@norfolk.example.org')
    const response = await browser.get(`/quality/summary.csv?round=${roundId}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/csv')
    expect(response.headers['content-disposition']).toContain('quality-assurance-round-2026-10-01.csv')
    expect(response.body).toContain('Section,Item,Measure,Value')
    expect(response.body).toContain('Standards not met,Attendance is recorded,Partly met,1')
    expect(response.body).toContain('Observation grades,Requires improvement,Single-agency courses,1')
    expect(response.body).toContain('Outcomes,All agencies,Assured with actions,1')
  })

  it('is for overseers and the executive only; another partnership’s round is not found', async () => {
    for (const role of ['agency-lead', 'trainer', 'practitioner']) {
      const browser = await t.signIn(`${role}@norfolk.example.org`)
      expect((await browser.get('/quality/summary')).statusCode, role).toBe(403)
      expect((await browser.get('/quality/summary.csv')).statusCode, role).toBe(403)
    }
    const jersey = await t.signIn('admin@jersey.example.org')
    expect((await jersey.get(`/quality/summary?round=${roundId}`)).statusCode).toBe(404)
    expect((await jersey.get('/quality/summary?year=nonsense')).statusCode).toBe(404)
  })
})
