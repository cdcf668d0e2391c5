import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scopeFrom } from '#features/evaluation/impact.ts'
import { aLearningProduct } from '#features/learning/test-fixtures.ts'
import { hashPassword } from '#platform/auth/passwords.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { Context } from '#platform/context.ts'
import { NotFoundError } from '#platform/errors.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'
import { aReportWorld } from '../test-world.ts'

let t: TestApp
let world: BookingWorld
let agencyId: string
let leadId: string
const LEAD = 'lead@report-health.example.org'
const OTHER_LEAD = 'agency-lead@norfolk.example.org'
const tokens: Record<string, string> = {}

type Figure = { id: string; value: number | null; previous: number | null }
type DigestBody = {
  period: { key: string }
  previous: { key: string }
  sections: { id: string; figures: Figure[] }[]
  compliance: Record<string, number>
  returnsDue: { productTitle: string; stage: string }[]
  actions: { open: number; overdue: number; items: { dueOn: string; status: string; overdue: boolean }[] }
  evaluation: {
    confidence: { atBooking: number | null; afterCourse: number | null; followUp: number | null }[]
  }
}

/**
 * The report world's health trust (today is 24 November 2026, so this quarter is 2026-Q3,
 * October to December): a declared headcount of 50; this quarter one who came and one who did
 * not (charged £50), and four more who came, all five rating their confidence at booking and
 * after; the quarter before, one who came. Two of its staff on a pathway, one up to date; three
 * learning products sent to it, one answered; three actions it owns.
 */
beforeAll(async () => {
  t = await testApp()
  world = await aReportWorld(t)
  const { partnership, scope } = world
  agencyId = (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM agencies WHERE name = 'Report Health Trust'`),
    )
  ).id
  const course = await t.db.tenant(scope, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM courses WHERE title = 'Reported course'`),
  )
  for (let i = 0; i < 4; i++) {
    const person = await world.person(agencyId)
    await t.db.tenant(scope, async (sql) => {
      const { sessionId, applicationId } = await aPastPlace(sql, {
        partnershipId: partnership.id,
        personId: person,
        courseId: course.id,
        endedOn: '2026-10-16',
      })
      await sql.query(
        `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, 'attended')`,
        [partnership.id, sessionId, applicationId],
      )
      for (const [stage, scores] of [
        ['at_booking', [4, 6]],
        ['after_course', [8, 8]],
      ] as const)
        await sql.query(
          `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers)
           SELECT $1, id, $2, $3, $4 FROM questionnaire_versions
            WHERE questions @> '[{"kind": "confidence"}]' ORDER BY published_at LIMIT 1`,
          [partnership.id, applicationId, stage, JSON.stringify({ confidence: scores })],
        )
    })
  }
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    await sql.query('UPDATE agencies SET headcount = 50 WHERE id = $1', [agencyId])
    // The one who did not come this quarter is charged for it.
    await sql.query(
      `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
       SELECT a.partnership_id, a.agency_id, a.person_id, a.session_id, a.id, 'no_show', 5000, '2026-11-11'
         FROM applications a JOIN attendance m ON m.application_id = a.id AND m.mark = 'absent'
        WHERE a.agency_id = $1`,
      [agencyId],
    )
    // A pathway for two of its staff: one with verified learning for it, one with none.
    const pathway = await sql.one<{ id: string }>(
      `INSERT INTO pathways (partnership_id, title, audience) VALUES ($1, 'Digest pathway', 'Health staff') RETURNING id`,
      [partnership.id],
    )
    const requirement = await sql.one<{ id: string }>(
      `INSERT INTO pathway_requirements (partnership_id, pathway_id, position, title, required, refresher_months)
       VALUES ($1, $2, 1, 'Safeguarding basics', true, 36) RETURNING id`,
      [partnership.id, pathway.id],
    )
    const staff = await sql.query<{ id: string }>(
      `UPDATE people SET pathway_id = $2 WHERE id IN (
         SELECT id FROM people WHERE agency_id = $1 ORDER BY first_name LIMIT 2) RETURNING id`,
      [agencyId, pathway.id],
    )
    await sql.query(
      `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes, requirement_id,
                                      status, decided_at, decided_by_label)
       VALUES ($1, $2, 'e_learning', 'Safeguarding basics', 'A trust', '2025-01-10', 120, $3, 'verified', now(), 'test')`,
      [partnership.id, staff[0]?.id, requirement.id],
    )
    // Three actions it owns: overdue, done, and due next year.
    await sql.query(
      `INSERT INTO actions SELECT (jsonb_populate_record(NULL::actions, to_jsonb(a) || jsonb_build_object(
         'id', gen_random_uuid(), 'owning_agency_id', $1::uuid, 'owning_subgroup_id', NULL,
         'due_on', v.due, 'original_due_on', v.due, 'status', v.status))).*
         FROM (SELECT * FROM actions WHERE status <> 'verified' LIMIT 1) a,
              (VALUES ('2026-10-20', 'not_started'), ('2026-11-01', 'completed'), ('2027-01-15', 'on_track')) v(due, status)`,
      [agencyId],
    )
  })
  // Learning sent to it: answered in the quarter before; sent early this quarter and not
  // answered past two reminder periods; sent four days ago.
  for (const [title, sentAt, answeredAt] of [
    ['Answered briefing', '2026-08-01T09:00:00Z', '2026-08-03T09:00:00Z'],
    ['Overdue briefing', '2026-10-01T09:00:00Z', null],
    ['New briefing', '2026-11-20T09:00:00Z', null],
  ] as const) {
    const product = await aLearningProduct(t.db, partnership.id, { title })
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `INSERT INTO learning_product_sends (partnership_id, product_id, agency_id, version, leads_emailed, by_label, sent_at)
         VALUES ($1, $2, $3, 1, 1, 'test', $4)`,
        [partnership.id, product.id, agencyId, sentAt],
      )
      if (answeredAt)
        await sql.query(
          `INSERT INTO dissemination_records (partnership_id, product_id, agency_id, kind, by_label, at)
           VALUES ($1, $2, $3, 'acknowledgement', 'test', $4)`,
          [partnership.id, product.id, agencyId, answeredAt],
        )
    })
  }
  const user = await ensureUser(t.db, {
    email: LEAD,
    displayName: 'Riley Lead',
    passwordHash: await hashPassword(DEMO_PASSWORD),
  })
  leadId = user.id
  // Signs in with the password alone, as the demo accounts do, rather than set up a second factor.
  await t.db.anonymous({}, (sql) =>
    sql.query('UPDATE users SET demo_account = true WHERE id = $1', [user.id]),
  )
  await grantRole(t.db, {
    partnershipId: partnership.id,
    userId: user.id,
    role: 'agency-lead',
    agencyIds: [agencyId],
    actor: 'test',
  })
  tokens.lead = await world.token(LEAD)
  tokens.otherLead = await world.token(OTHER_LEAD)
  tokens.admin = await world.token('admin@norfolk.example.org')
})
afterAll(() => t?.close())

const get = (url: string, token: string) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
const cells = (body: string, selector: string) => {
  const $ = page(body)
  return $(`${selector} td`)
    .toArray()
    .map((td) => $(td).text().trim())
}

describe('an agency’s quarterly digest', () => {
  it('gives this quarter’s uptake against headcount, no-shows and their charges, beside the quarter before', async () => {
    const response = await get(`/api/v1/agencies/${agencyId}/digest`, tokens.lead as string)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json<DigestBody>()
    expect([body.period.key, body.previous.key]).toEqual(['2026-Q3', '2026-Q2'])
    const figure = (section: string, id: string) => {
      const f = body.sections.find((s) => s.id === section)?.figures.find((x) => x.id === id)
      return f && { value: f.value, previous: f.previous }
    }
    // Five of a headcount of 50 came this quarter; one of 50 the quarter before.
    expect(figure('uptake', 'uptake')).toEqual({ value: 10, previous: 2 })
    expect(figure('uptake', 'staff-came')).toEqual({ value: 5, previous: 1 })
    expect(figure('uptake', 'places-taken')).toEqual({ value: 6, previous: 1 })
    expect(figure('no-shows', 'no-shows')).toEqual({ value: 1, previous: 0 })
    expect(figure('no-shows', 'no-show-rate')).toEqual({ value: 17, previous: 0 })
    expect(figure('no-shows', 'no-show-charged')).toEqual({ value: 5000, previous: 0 })
    expect(figure('dissemination', 'products-sent')).toEqual({ value: 2, previous: 1 })
    expect(figure('dissemination', 'products-answered')).toEqual({ value: 0, previous: 1 })
    expect(figure('actions', 'actions-due')).toEqual({ value: 2, previous: 0 })
    expect(figure('actions', 'actions-due-done')).toEqual({ value: 1, previous: 0 })
  })

  it('says where the agency stands today: its staff’s compliance, learning to answer, and its open actions', async () => {
    const body = (await get(`/api/v1/agencies/${agencyId}/digest`, tokens.lead as string)).json<DigestBody>()
    expect(body.compliance).toMatchObject({ onPathway: 2, current: 1, notEvidenced: 1, upToDatePercent: 50 })
    expect(body.returnsDue).toEqual([
      expect.objectContaining({ productTitle: 'Overdue briefing', stage: 'overdue' }),
      expect.objectContaining({ productTitle: 'New briefing', stage: 'waiting' }),
    ])
    expect(body.actions).toMatchObject({ open: 3, overdue: 1 })
    expect(body.actions.items.map((a) => [a.dueOn, a.status, a.overdue])).toEqual([
      ['2026-10-20', 'not_started', true],
      ['2026-11-01', 'completed', false],
      ['2027-01-15', 'on_track', false],
    ])
  })

  it('gives its staff’s evaluation results, withholding an average of fewer than five people’s answers', async () => {
    const body = (await get(`/api/v1/agencies/${agencyId}/digest`, tokens.lead as string)).json<DigestBody>()
    const figures = body.sections.find((s) => s.id === 'evaluation')?.figures ?? []
    const figure = (id: string) => figures.find((f) => f.id === id)
    expect(figure('after-course-response-rate')).toMatchObject({ value: 100, previous: 100 })
    // This quarter five rated 3 or 4 then 7 or 8, and 5 or 6 then 9 or 8: up 4.0 and 2.4, 3.2 on
    // average. The quarter before only one answered.
    expect(figure('confidence-change')).toMatchObject({ unit: 'tenths', value: 32, previous: null })
    expect(body.evaluation.confidence.map((l) => [l.atBooking, l.afterCourse, l.followUp])).toEqual([
      [3.8, 7.8, null],
      [5.8, 8.2, null],
    ])
  })

  it('shows the digest as tables, money in pounds and a withheld average in words', async () => {
    const lead = await t.signIn(LEAD)
    const response = await lead.get(`/agencies/${agencyId}/digest`)
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    expect($('h1').text()).toBe('Quarterly digest: October to December 2026 (quarter 3 of 2026 to 2027)')
    expect(cells(response.body, '#figure-uptake')).toEqual(['10%', '2%', 'Up 8 points'])
    expect(cells(response.body, '#figure-no-show-charged')).toEqual(['£50.00', '£0.00', 'Up £50.00'])
    expect(cells(response.body, '#figure-confidence-change')).toEqual([
      '3.2',
      'Fewer than 5 answered',
      'Cannot be compared',
    ])
    expect(cells(response.body, '#returns-due')[2]).toBe('Overdue')
    // The quarter before, chosen from the list, without JavaScript.
    const before = await lead.get(`/agencies/${agencyId}/digest?period=2026-Q2`)
    expect(page(before.body)('h1').text()).toContain('July to September 2026')
    expect(cells(before.body, '#figure-staff-came')).toEqual(['1', '0', 'Up 1'])
  })

  it('is linked from the agency’s page for its lead and the admins', async () => {
    const lead = await t.signIn(LEAD)
    const body = (await lead.get(`/agencies/${agencyId}`)).body
    expect(page(body)(`a[href="/agencies/${agencyId}/digest"]`).length).toBe(1)
  })

  it('is not found for another agency’s lead, on the page and the API, and changes nothing', async () => {
    expect((await get(`/api/v1/agencies/${agencyId}/digest`, tokens.otherLead as string)).statusCode).toBe(
      404,
    )
    const other = await t.signIn(OTHER_LEAD)
    expect((await other.get(`/agencies/${agencyId}/digest`)).statusCode).toBe(404)
    expect((await get(`/api/v1/agencies/${agencyId}/digest`, tokens.admin as string)).statusCode).toBe(200)
    const claimed = await t.db.tenant(world.scope, (sql) =>
      sql.query('SELECT 1 FROM agency_digests WHERE agency_id = $1', [agencyId]),
    )
    expect(claimed).toEqual([])
  })

  it('is not found for another partnership’s agency, even for an admin', async () => {
    const jersey = await t.partnership('jersey')
    const theirs = await t.db.tenant({ partnershipId: jersey.id, userId: null }, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies ORDER BY name LIMIT 1'),
    )
    expect((await get(`/api/v1/agencies/${theirs.id}/digest`, tokens.admin as string)).statusCode).toBe(404)
    const admin = await t.signIn('admin@norfolk.example.org')
    expect((await admin.get(`/agencies/${theirs.id}/digest?period=2026-Q5`)).statusCode).toBe(404)
    expect((await admin.get('/agencies/not-an-id/digest')).statusCode).toBe(404)
  })

  it('refuses a quarter written wrongly or not yet begun, saying why', async () => {
    for (const [period, message] of [
      ['2026-Q5', 'Write the quarter as the year and Q1 to Q4, like 2026-Q3'],
      ['2026', 'Write the quarter as the year and Q1 to Q4, like 2026-Q3'],
      ['2026-Q4', 'January to March 2027 (quarter 4 of 2026 to 2027) has not begun yet'],
    ] as const) {
      const refused = await get(`/api/v1/agencies/${agencyId}/digest?period=${period}`, tokens.lead as string)
      expect(refused.statusCode, period).toBe(400)
      expect(refused.body, period).toContain(message)
    }
    const lead = await t.signIn(LEAD)
    const response = await lead.get(`/agencies/${agencyId}/digest?period=2026-Q5`)
    expect(response.statusCode).toBe(400)
    const $ = page(response.body)
    expect($('.govuk-error-summary a').attr('href')).toBe('#period')
    expect($('.govuk-error-summary').text()).toContain(
      'Write the quarter as the year and Q1 to Q4, like 2026-Q3',
    )
  })

  it('is in the OpenAPI document with the reports', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(doc.paths['/api/v1/agencies/{id}/digest']?.get?.tags).toEqual(['reports'])
  })

  it('lets a lead see the impact of their own agency’s staff only, as figures without their words', async () => {
    const lead: Context = {
      partnership: world.partnership,
      actor: { userId: leadId, roles: ['agency-lead'], agencyIds: [agencyId] },
    }
    const own = await t.services.impact.impact(lead, scopeFrom({ agency: agencyId }))
    // Those of its staff who answered after the course: five this quarter, one the quarter before.
    expect(own.rates.find((r) => r.stage === 'after_course')?.responded).toBe(6)
    expect(own.comments).toEqual([])
    const otherAgency = await t.db.tenant(world.scope, (sql) =>
      sql.one<{ id: string }>(`SELECT id FROM agencies WHERE id <> $1 LIMIT 1`, [agencyId]),
    )
    await expect(t.services.impact.impact(lead, scopeFrom({ agency: otherAgency.id }))).rejects.toThrow(
      NotFoundError,
    )
    await expect(t.services.impact.impact(lead, scopeFrom({}))).rejects.toThrow(NotFoundError)
  })
})

describe('the quarterly digest email', () => {
  it('sends each agency’s leads the quarter just ended once, with a link to the digest, and never again', async () => {
    const sent = await t.services.agencyDigestMail.send(world.partnership)
    const mine = (await world.mailTo(LEAD)).filter((m) => m.subject.includes('Report Health Trust'))
    expect(mine).toHaveLength(1)
    const [email] = mine
    expect(email?.subject).toContain(
      'Report Health Trust, July to September 2026 (quarter 2 of 2026 to 2027)',
    )
    expect(email?.text_body).toContain('- 1 member of staff came to training, 2% of a headcount of 50')
    expect(email?.text_body).toContain('- 0 no-shows, charged £0.00')
    expect(email?.text_body).toContain(
      '- 50% of staff on a training pathway are up to date (2 people on a pathway)',
    )
    expect(email?.text_body).toContain(
      '- 2 learning products wait for your agency to record how it passed it on (1 overdue)',
    )
    expect(email?.text_body).toContain('- 3 actions your agency owns are open, 1 overdue')
    expect(email?.text_body).toContain(`/agencies/${agencyId}/digest?period=2026-Q2`)
    // The demo lead leads two agencies: one email for each.
    const theirs = (await world.mailTo(OTHER_LEAD)).filter((m) =>
      m.subject.startsWith('Your agency’s quarter'),
    )
    expect(theirs).toHaveLength(2)
    expect(sent).toBe(3)
    // Claimed: the next pass, and the next day's, send nothing again.
    expect(await t.services.agencyDigestMail.send(world.partnership)).toBe(0)
    t.clock.set('2026-11-25T08:00:00Z')
    expect(await t.services.agencyDigestMail.send(world.partnership)).toBe(0)
    expect((await world.mailTo(LEAD)).filter((m) => m.subject.includes('Report Health Trust'))).toHaveLength(
      1,
    )
  })
})

describe('the impact view for an agency lead', () => {
  it('shows their own agency’s staff only, without comments, and no other agency', async () => {
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const ids = await t.db.tenant(world.scope, (sql) =>
      sql.query<{ id: string }>(
        `SELECT unnest(agency_ids) AS id FROM memberships
          WHERE role = 'agency-lead' AND user_id = (SELECT id FROM users WHERE email = 'agency-lead@norfolk.example.org')`,
      ),
    )
    const own = ids[0]?.id as string
    const response = await lead.get('/impact')
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    const choices = $('#agency option')
      .toArray()
      .map((o) => $(o).attr('value'))
    expect(choices).not.toContain('')
    expect(choices).toContain(own)
    expect($('#agency option[selected]').attr('value')).toBe(own)
    expect(response.body).toContain('Comments are shown only to the partnership’s admins')
    // Another agency asked for is their own instead: never another's figures.
    const other = await t.db.tenant(world.scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies WHERE NOT (id = ANY ($1)) LIMIT 1', [
        ids.map((i) => i.id),
      ]),
    )
    const asked = page((await lead.get(`/impact?agency=${other.id}`)).body)
    expect(asked('#agency option[selected]').attr('value')).toBe(own)
    expect((await lead.get('/impact.csv')).statusCode).toBe(200)
    expect((await (await t.signIn('practitioner@norfolk.example.org')).get('/impact')).statusCode).toBe(403)
  })
})
