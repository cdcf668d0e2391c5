import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import { systemContext } from '#platform/context.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

/**
 * Quality assurance end to end, as a partnership runs it: a round opened, an agency's
 * self-assessment answered and submitted, reviewed by someone from another agency with
 * actions, a recorded draw, observations of the picked course and of a multi-agency session
 * with the facilitators' responses, and the summary and the action tracker showing all of it.
 */
let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const tokens: Record<string, string> = {}
let standards: { id: string; title: string }[] = []
let ledAgency = ''
let otherAgency = ''
let roundId = ''
let returnId = ''
let pickId = ''
let pickObservationId = ''
let sessionObservationId = ''

const slug = 'south-gloucestershire'
const as = (role: string) => `${role}@${slug}.example.org`

const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, payload })

async function mailTo(email: string, subject: string): Promise<{ text: string }[]> {
  return t.db.platform((sql) =>
    sql.query<{ text: string }>(
      `SELECT text_body AS text FROM outbox WHERE partnership_id = $1 AND to_address = $2 AND subject LIKE $3`,
      [p.id, email, `%${subject}%`],
    ),
  )
}

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership(slug)
  scope = { partnershipId: p.id, userId: null }
  for (const role of ['admin', 'subgroup', 'agency-lead']) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [as(role)]),
    )
    tokens[role] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'journey' })
  }
  const led = await t.db.tenant(scope, (sql) =>
    sql.one<{ id: string }>(
      `SELECT unnest(m.agency_ids) AS id FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE u.email = $1 AND m.role = 'agency-lead' LIMIT 1`,
      [as('agency-lead')],
    ),
  )
  ledAgency = led.id
  otherAgency = (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM agencies WHERE id <> $1 ORDER BY name LIMIT 1', [ledAgency]),
    )
  ).id
  standards = (await t.services.qaStandards.current(systemContext(p, 'test')))?.standards ?? []
})
afterAll(() => t.close())

describe('a round of quality assurance, from opening to the board’s summary', () => {
  it('opens a round, and the agencies’ leads are told', async () => {
    const opened = await api('admin', 'POST', '/api/v1/qa/rounds', {
      title: 'Single-agency training 2026',
      dueOn: '2026-12-18',
      agencyIds: [ledAgency, otherAgency],
    })
    expect(opened.statusCode, opened.body).toBe(201)
    roundId = opened.json().id
    const returns = (await api('admin', 'GET', `/api/v1/qa/rounds/${roundId}/returns`)).json().items
    expect(returns.map((r: { status: string }) => r.status)).toEqual(['not_started', 'not_started'])
    returnId = returns.find((r: { agencyId: string }) => r.agencyId === ledAgency).id
    expect(await mailTo(as('agency-lead'), '')).not.toHaveLength(0)
  })

  it('the agency lead rates a course against every standard and submits', async () => {
    const incomplete = await api('agency-lead', 'PUT', `/api/v1/qa/returns/${returnId}`, {
      courses: [{ title: 'Safeguarding children level 3', ratings: [] }],
    })
    expect(incomplete.statusCode, incomplete.body).toBe(200)
    const refused = await api('agency-lead', 'POST', `/api/v1/qa/returns/${returnId}/submit`)
    expect(refused.statusCode).toBe(422)
    const saved = await api('agency-lead', 'PUT', `/api/v1/qa/returns/${returnId}`, {
      courses: [
        {
          title: 'Safeguarding children level 3',
          ratings: standards.map((s, i) => ({
            standardId: s.id,
            rating: i === 5 ? 'not_met' : 'met',
            narrative: i === 5 ? 'The course predates the last two local reviews' : 'See the course outline',
          })),
        },
      ],
    })
    expect(saved.statusCode, saved.body).toBe(200)
    const submitted = await api('agency-lead', 'POST', `/api/v1/qa/returns/${returnId}/submit`)
    expect(submitted.statusCode, submitted.body).toBe(200)
    expect(submitted.json().status).toBe('submitted')
  })

  it('a reviewer from another agency assures it with an action, which the agency then owns', async () => {
    const reviewed = await api('admin', 'POST', `/api/v1/qa/returns/${returnId}/review`, {
      outcome: 'assured_with_actions',
      summary: 'A sound course; bring in the learning from recent reviews.',
      feedback: [{ standardId: standards[5]?.id, feedback: 'Add the learning from Child H.' }],
      actions: [
        {
          description: 'Add the learning from Child H to the level 3 course',
          dueOn: '2027-03-31',
          successMeasure: 'The next self-assessment rates the standard met',
          standardId: standards[5]?.id,
        },
      ],
    })
    expect(reviewed.statusCode, reviewed.body).toBe(200)
    const [action] = reviewed.json().actions
    expect(action.description).toBe('Add the learning from Child H to the level 3 course')
    const lead = await t.signIn(as('agency-lead'))
    const ours = page((await lead.get('/actions/ours')).body)
    expect(ours('main').text()).toContain('Add the learning from Child H to the level 3 course')
    const shown = page((await lead.get(`/actions/${action.id}`)).body)
    expect(shown('main').text()).toContain('Self-assessment')
    expect(shown('main').text()).toContain('Single-agency training 2026')
  })

  it('draws the course to observe from a recorded seed, once', async () => {
    const drawn = await api('admin', 'POST', `/api/v1/qa/rounds/${roundId}/draw`, { seed: 'journey-2026' })
    expect(drawn.statusCode, drawn.body).toBe(201)
    const draw = drawn.json()
    expect(draw.seed).toBe('journey-2026')
    expect(draw.picks).toHaveLength(1)
    expect(draw.picks[0].courseTitle).toBe('Safeguarding children level 3')
    expect(draw.picks[0].reason).toMatch(/Drawn at random/)
    pickId = draw.picks[0].id
    const again = await api('admin', 'POST', `/api/v1/qa/rounds/${roundId}/draw`, { seed: 'another' })
    expect(again.statusCode).toBe(409)
    expect(again.json().draw.seed).toBe('journey-2026')
  })

  it('observes the picked course and a multi-agency session; each facilitator responds', async () => {
    const ratings = standards.map((s) => ({ standardId: s.id, rating: 'met' }))
    const ofPick = await api('subgroup', 'POST', '/api/v1/observations', {
      pickId,
      observedOn: '2026-11-23',
      ratings,
      strengths: 'Real cases, well used',
      areasToDevelop: 'More time for questions',
      grade: 'good',
    })
    expect(ofPick.statusCode, ofPick.body).toBe(201)
    pickObservationId = ofPick.json().id
    // The demo session that took place yesterday, trained by the demo trainer.
    const session = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT s.id FROM sessions s WHERE s.ends_at < cascade_now() AND s.status <> 'cancelled'
          ORDER BY s.ends_at DESC LIMIT 1`,
      ),
    )
    const ofSession = await api('admin', 'POST', '/api/v1/observations', {
      sessionId: session.id,
      observedOn: '2026-11-23',
      ratings,
      strengths: 'Every agency heard',
      areasToDevelop: 'Shorter slides',
      grade: 'outstanding',
    })
    expect(ofSession.statusCode, ofSession.body).toBe(201)
    sessionObservationId = ofSession.json().id
    expect(await mailTo(as('trainer'), '')).not.toHaveLength(0)

    const trainer = await t.signIn(as('trainer'))
    const answered = await trainer.submit(`/quality/observations/${sessionObservationId}/response`, {
      response: 'Thank you: I will cut the slides.',
    })
    expect(answered.statusCode).toBe(303)
    const lead = await t.signIn(as('agency-lead'))
    const leadAnswered = await lead.submit(`/quality/observations/${pickObservationId}/response`, {
      response: 'We will add time for questions.',
    })
    expect(leadAnswered.statusCode).toBe(303)
    const observed = (await api('admin', 'GET', `/api/v1/observations/${sessionObservationId}`)).json()
    expect(observed.response).toBe('Thank you: I will cut the slides.')
  })

  it('the summary shows the round’s completion, outcome, the standard not met and the grades', async () => {
    const admin = await t.signIn(as('admin'))
    const $ = page((await admin.get(`/quality/summary?round=${roundId}`)).body)
    expect($('#completion').text()).toContain(
      '1 of 2 self-assessments submitted (1 by the due date); 1 reviewed',
    )
    expect($('#standards tbody tr').first().find('th').text()).toBe(standards[5]?.title)
    expect($('#grades tbody tr').eq(1).text()).toMatch(/Good\s*1/)
    const year = page((await admin.get('/quality/summary?year=2026')).body)
    expect(
      year('#grades tbody tr')
        .eq(0)
        .find('td')
        .map((_, c) => year(c).text())
        .get(),
    ).toEqual(['1', '0'])
    // The trainer's record shows the observation of their session, its grade and their response.
    const trainerId = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM people WHERE email = $1', [as('trainer')]),
    )
    const record = page((await admin.get(`/trainers/people/${trainerId.id}`)).body)
    const observed = record(`a[href="/quality/observations/${sessionObservationId}"]`).closest('tr').text()
    expect(observed).toContain('Outstanding')
    expect(observed).toContain('Responded')
    const tracker = page((await admin.get('/actions')).body)
    expect(tracker('main').text()).toContain('Add the learning from Child H to the level 3 course')
  })
})
