import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '#platform/auth/passwords.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let norfolkId: string
let tara: string
let pat: string
let quin: string
let observationId: string
let delivered: string

const scope = () => ({ partnershipId: norfolkId, userId: null })
const tenant = <T>(fn: Parameters<TestApp['db']['tenant']>[1]) => t.db.tenant(scope(), fn) as Promise<T>

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  const world = await t.db.tenant(scope(), async (sql) => {
    const demo = await sql.one<{ person: string; course: string; session: string; version: string }>(
      `SELECT p.id AS person, s.course_id AS course, s.id AS session,
              (SELECT id FROM qa_standard_versions ORDER BY version DESC LIMIT 1) AS version
         FROM people p JOIN users u ON u.id = p.user_id
         JOIN session_trainers st ON st.person_id = p.id JOIN sessions s ON s.id = st.session_id
        WHERE u.email = 'trainer@norfolk.example.org' AND s.ends_at < cascade_now()`,
    )
    const [patRow, quinRow] = await sql.query<{ id: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
       SELECT $1, name, 'Trainer', lower(name) || '.trainer@example.org', (SELECT id FROM agencies ORDER BY name LIMIT 1)
         FROM unnest(ARRAY['Pat', 'Quin']) WITH ORDINALITY AS n(name, i) ORDER BY i
       RETURNING id`,
      [norfolk.id],
    )
    for (const person of [patRow?.id, quinRow?.id])
      await sql.query(
        `INSERT INTO trainer_approvals (partnership_id, person_id, course_id, trained_on) VALUES ($1, $2, $3, '2026-06-01')`,
        [norfolk.id, person, demo.course],
      )
    // Quin trained a session in 2024, observed then: more than the policy's two years ago.
    const old = await sql.one<{ id: string }>(
      `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
       VALUES ($1, $2, 'online', 'https://meet.example.org/old', 20, 'delivered', '2024-06-01T09:00Z', '2024-06-01T12:00Z')
       RETURNING id`,
      [norfolk.id, demo.course],
    )
    await sql.query(
      'INSERT INTO session_trainers (partnership_id, session_id, person_id) VALUES ($1, $2, $3)',
      [norfolk.id, old.id, quinRow?.id],
    )
    const observe = (session: string, on: string, grade: string, response: string | null) =>
      sql.one<{ id: string }>(
        `INSERT INTO observations (partnership_id, session_id, version_id, observer_name, observed_on, strengths,
                                   areas_to_develop, grade, response, responded_at)
         VALUES ($1, $2, $3, 'Olive Observer', $4, 'Clear structure', 'More time for questions', $5, $6::text,
                 CASE WHEN $6::text IS NULL THEN NULL ELSE cascade_now() END)
         RETURNING id`,
        [norfolk.id, session, demo.version, on, grade, response],
      )
    await observe(old.id, '2024-06-01', 'requires_improvement', 'I have added a break')
    const observed = await observe(demo.session, '2026-11-23', 'good', null)
    // Evaluation answers for the demo session Tara delivered yesterday.
    const versions = await sql.query<{ id: string; stage: string }>(
      `SELECT v.id, CASE WHEN v.questions @> '[{"id": "useful"}]' THEN 'after_course' ELSE 'at_booking' END AS stage
         FROM questionnaire_versions v
        WHERE v.questions @> '[{"id": "useful"}]' OR v.questions = '[]'::jsonb
           OR (jsonb_array_length(v.questions) = 1 AND v.questions @> '[{"id": "confidence"}]')`,
    )
    const after = versions.find((v) => v.stage === 'after_course')?.id
    const booking = versions.find((v) => v.stage === 'at_booking')?.id
    const applications = await sql.query<{ id: string }>(
      `SELECT id FROM applications WHERE session_id = $1 AND status = 'confirmed' ORDER BY id`,
      [demo.session],
    )
    const answer = (
      application: string | undefined,
      version: string | undefined,
      stage: string,
      answers: object,
    ) =>
      sql.query(
        `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers) VALUES ($1, $2, $3, $4, $5)`,
        [norfolk.id, version, application, stage, JSON.stringify(answers)],
      )
    await answer(applications[0]?.id, after, 'after_course', { confidence: [6, 8], useful: 4 })
    await answer(applications[1]?.id, after, 'after_course', { confidence: [8, 10], useful: 5 })
    await answer(applications[0]?.id, booking, 'at_booking', { confidence: [4, 6] })
    return {
      tara: demo.person,
      pat: patRow?.id ?? '',
      quin: quinRow?.id ?? '',
      observed: observed.id,
      session: demo.session,
    }
  })
  tara = world.tara
  pat = world.pat
  quin = world.quin
  observationId = world.observed
  delivered = world.session
  // Pat signs in as a trainer too.
  const user = await ensureUser(t.db, {
    email: 'pat.trainer@example.org',
    displayName: 'Pat Trainer',
    passwordHash: await hashPassword(DEMO_PASSWORD),
  })
  await grantRole(t.db, { partnershipId: norfolk.id, userId: user.id, role: 'trainer', actor: 'test' })
})
afterAll(() => t?.close())

describe('a trainer’s record', () => {
  it('shows their approvals, CPD questionnaires, observations, sessions and evaluation scores', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const recorded = await admin.submit(`/trainers/people/${tara}/cpd`, {
      'completedOn-day': '20',
      'completedOn-month': '11',
      'completedOn-year': '2026',
      activities: 'Attended the adolescent exploitation conference',
      hours: '6.5',
      deliveryUpdates: 'Added the new multi-agency escalation route',
    })
    expect(recorded.statusCode).toBe(303)
    const response = await admin.get(`/trainers/people/${tara}`)
    expect(response.statusCode).toBe(200)
    const $ = page(response.body)
    const text = (selector: string) => $(selector).text().replace(/\s+/g, ' ')
    expect($('h1').text()).toBe('Tara Trainer')
    // Approved for the demo course, renewed by the return of 20 November 2026.
    expect(text('main')).toMatch(/Working together to safeguard children and adults/)
    expect(text('main')).toMatch(/Approved until 20 November 2027/)
    expect(text('.cpd-return')).toMatch(/Hours of CPD 6\.5/)
    expect(text('.cpd-return')).toMatch(/Attended the adolescent exploitation conference/)
    expect(text('.cpd-return')).toMatch(/Recorded by/)
    // The observation of her session, with its grade in words and no response yet.
    const observation = $(`a[href="/quality/observations/${observationId}"]`)
    expect(observation.length).toBe(1)
    const row = text(`tr:has(a[href="/quality/observations/${observationId}"])`)
    expect(row).toMatch(/23 November 2026/)
    expect(row).toMatch(/Good/)
    expect(row).toMatch(/Not yet responded/)
    // Quin's observation is not on Tara's record.
    expect(text('main')).not.toMatch(/Requires improvement/)
    // Sessions delivered: the one yesterday, not the two to come, with averages per session and overall.
    const sessionRows = $(`#sessions ~ table tbody tr`)
    expect(sessionRows.length).toBe(1)
    const cells = $(`tr:has(a[href="/sessions/${delivered}"]) td`)
      .map((_, td) => $(td).text().trim())
      .get()
    expect(cells.slice(2)).toEqual(['2', '4.5', '5', '8'])
    const overall = $('#overall-scores td')
      .map((_, td) => $(td).text().trim())
      .get()
    expect(overall).toEqual(['2', '4.5', '5', '8'])
    // The observation is recent: not due.
    expect(text('main')).toMatch(/Observed 23 November 2026; next by 23 November 2028/)
  })

  it('shows observations of older sessions and their response, and whether the trainer is due', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get(`/trainers/people/${quin}`)).body)
    const main = $('main').text().replace(/\s+/g, ' ')
    expect(main).toMatch(/Requires improvement/)
    expect(main).toMatch(/Responded/)
    expect(main).toMatch(/Observation due last observed 1 June 2024/)
    expect(main).toMatch(/They have not delivered a session yet|1 June 2024/)
  })
})

describe('the trainer pool', () => {
  it('shows each trainer’s CPD and who is due to be observed, with a filter', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get('/trainers')).body)
    expect($('#observation-due').text().trim()).toBe('2 trainers due to be observed')
    expect($(`#trainer-${tara} a[href="/trainers/people/${tara}"]`).text()).toBe('Tara Trainer')
    expect($(`#trainer-${pat}`).text()).toMatch(/Observation due\s+never observed/)
    expect($(`#trainer-${quin}`).text()).toMatch(/Observation due\s+last observed 1 June 2024/)
    expect($(`#trainer-${tara}`).text()).toMatch(/CPD current/)
    const due = page((await admin.get('/trainers?due=observation')).body)
    const names = due('tbody tr td:first-child')
      .map((_, td) => due(td).text().trim())
      .get()
    expect(names.sort()).toEqual(['Pat Trainer', 'Quin Trainer'])
    // A trainer reads the pool, without links to records they may not read.
    const trainer = page((await (await t.signIn('trainer@norfolk.example.org')).get('/trainers')).body)
    expect(trainer(`#trainer-${pat}`).text()).toMatch(/Pat Trainer/)
    expect(trainer('a[href^="/trainers/people/"]').length).toBe(0)
  })

  it('follows the policy’s years between observations', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const ctx = {
      partnership: await t.partnership('norfolk'),
      actor: { userId: null, label: 'test', roles: ['admin' as const], agencyIds: [] },
    }
    const before = await t.services.trainerCpd.trainers(ctx)
    expect(before.find((m) => m.personId === quin)?.observation).toMatchObject({ due: true, years: 2 })
    const policy = await t.services.policy.rulesOn(ctx, '2026-11-24')
    await tenant((sql) =>
      sql.query(
        `INSERT INTO policies (partnership_id, effective_from, rules, reason) VALUES ($1, '2026-11-24', $2, 'Every three years')
         ON CONFLICT (partnership_id, effective_from) DO UPDATE SET rules = EXCLUDED.rules`,
        [norfolkId, JSON.stringify({ ...policy, trainerObservationYears: 3 })],
      ),
    )
    const after = await t.services.trainerCpd.trainers(ctx)
    expect(after.find((m) => m.personId === quin)?.observation).toMatchObject({
      due: false,
      dueOn: '2027-06-01',
    })
    const $ = page((await admin.get('/trainers')).body)
    expect($('#observation-due').text().trim()).toBe('1 trainer due to be observed')
  })
})

describe('who may see a trainer’s record and record CPD', () => {
  const status = async (email: string, url: string) => (await (await t.signIn(email)).get(url)).statusCode

  it('lets overseers and the trainer themself read the record, and no one else', async () => {
    for (const role of ['admin', 'subgroup', 'executive', 'trainer'])
      expect(await status(`${role}@norfolk.example.org`, `/trainers/people/${tara}`), role).toBe(200)
    for (const role of ['agency-lead', 'practitioner'])
      expect(await status(`${role}@norfolk.example.org`, `/trainers/people/${tara}`), role).toBe(403)
    // Another trainer sees their own record, not Tara's.
    expect(await status('pat.trainer@example.org', `/trainers/people/${tara}`)).toBe(403)
    expect(await status('pat.trainer@example.org', `/trainers/people/${pat}`)).toBe(200)
    expect(await status('trainer@norfolk.example.org', `/trainers/people/${pat}`)).toBe(403)
    // Another partnership's admin does not find it.
    expect(await status('admin@jersey.example.org', `/trainers/people/${tara}`)).toBe(404)
  })

  it('lets only an admin record a questionnaire for someone, and a trainer return only their own', async () => {
    expect(await status('admin@norfolk.example.org', `/trainers/people/${pat}/cpd`)).toBe(200)
    for (const role of ['subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'])
      expect(await status(`${role}@norfolk.example.org`, `/trainers/people/${pat}/cpd`), role).toBe(403)
    expect(await status('pat.trainer@example.org', `/trainers/people/${pat}/cpd`)).toBe(403)
    for (const who of ['trainer@norfolk.example.org', 'pat.trainer@example.org'])
      expect(await status(who, '/trainers/cpd'), who).toBe(200)
    for (const role of ['admin', 'subgroup', 'executive', 'agency-lead', 'practitioner'])
      expect(await status(`${role}@norfolk.example.org`, '/trainers/cpd'), role).toBe(403)
    // Pat's own form renews Pat, whoever else is in the pool.
    const patBrowser = await t.signIn('pat.trainer@example.org')
    await patBrowser.get('/trainers/cpd')
    const done = await patBrowser.post('/trainers/cpd', {
      activities: 'Read the new procedures',
      hours: '2',
      deliveryUpdates: 'Updated the slides',
    })
    expect(done.headers.location).toBe(`/trainers/people/${pat}?returned=1`)
  })

  it('tells an admin what is wrong with a questionnaire they record, and changes nothing', async () => {
    const returns = () =>
      tenant<{ n: number }[]>((sql) => sql.query('SELECT count(*)::int AS n FROM trainer_cpd_returns'))
    const before = await returns()
    const admin = await t.signIn('admin@norfolk.example.org')
    for (const [day, month, year, message] of [
      ['31', '2', '2026', /real date/],
      ['1', '12', '2026', /today or in the last year/],
      ['1', '1', '2025', /today or in the last year/],
    ] as const) {
      const response = await admin.submit(`/trainers/people/${pat}/cpd`, {
        'completedOn-day': day,
        'completedOn-month': month,
        'completedOn-year': year,
        activities: 'Reading',
        hours: '2',
        deliveryUpdates: 'Slides',
      })
      expect(response.statusCode).toBe(400)
      const $ = page(response.body)
      expect($('.govuk-error-summary a[href="#completedOn-day"]').text()).toMatch(message)
      expect($('textarea[name="activities"]').text()).toBe('Reading')
    }
    expect(await returns()).toEqual(before)
  })

  it('lets only an admin’s token record a questionnaire through the API', async () => {
    const tokenOf = async (email: string) => {
      const user = await t.db.anonymous({}, (sql) =>
        sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
      )
      return t.services.tokens.create({ partnershipId: norfolkId, userId: user.id, name: 'test' })
    }
    const body = { activities: 'Reading', hours: 1, deliveryUpdates: 'Slides', completedOn: '2026-11-21' }
    for (const role of ['subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/trainers/${quin}/cpd`,
        headers: { authorization: `Bearer ${await tokenOf(`${role}@norfolk.example.org`)}` },
        payload: body,
      })
      expect(response.statusCode, role).toBe(403)
    }
    const admin = await t.app.inject({
      method: 'POST',
      url: `/api/v1/trainers/${quin}/cpd`,
      headers: { authorization: `Bearer ${await tokenOf('admin@norfolk.example.org')}` },
      payload: body,
    })
    expect(admin.statusCode).toBe(201)
    expect(admin.json().approvals[0]).toMatchObject({ cpdCompletedOn: '2026-11-21', expiresOn: '2027-11-21' })
  })
})
