import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aQaRound } from '#features/quality/test-fixtures.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
let p: PartnershipRef
let scope: TenantScope
const users: Record<string, string> = {}
const tokens: Record<string, string> = {}
let standards: { id: string; title: string }[] = []
/** The lead's agency, another agency (no lead of it signs in here), and the sub-group member's own agency. */
const agency = { led: '', ledName: '', other: '', subgroups: '', admins: '' }
let roundId = ''
let returnId = ''
let otherReturnId = ''
let subgroupsReturnId = ''

const admin = 'admin@shropshire.example.org'
const subgroup = 'subgroup@shropshire.example.org'
const executive = 'executive@shropshire.example.org'
const lead = 'agency-lead@shropshire.example.org'
const trainer = 'trainer@shropshire.example.org'
const practitioner = 'practitioner@shropshire.example.org'

const pdf = Buffer.from('%PDF-1.7\n%%EOF\n')

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (
    await t.db.tenant(scope, (sql) =>
      sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values),
    )
  ).n
}

async function returnRow(id: string) {
  return t.db.tenant(scope, (sql) =>
    sql.one<{
      status: string
      carried_from: string | null
      submitted_at: Date | null
      outcome: string | null
    }>('SELECT status, carried_from, submitted_at, outcome FROM qa_returns WHERE id = $1', [id]),
  )
}

/** Everything a return holds, to show a refused change left it as it was. */
async function snapshot(id: string) {
  return t.db.tenant(scope, (sql) =>
    sql.one(
      `SELECT q.status, q.outcome, q.submitted_at, q.review_summary,
              (SELECT json_agg(c.title ORDER BY c.position) FROM qa_return_courses c WHERE c.return_id = q.id) AS courses,
              (SELECT count(*)::int FROM qa_ratings t JOIN qa_return_courses c ON c.id = t.course_id
                WHERE c.return_id = q.id AND t.rating IS NOT NULL) AS rated,
              (SELECT count(*)::int FROM qa_feedback f WHERE f.return_id = q.id) AS feedback,
              (SELECT count(*)::int FROM actions a WHERE a.qa_return_id = q.id) AS actions
         FROM qa_returns q WHERE q.id = $1`,
      [id],
    ),
  )
}

type Mail = { to: string; subject: string; text: string }
async function mail(subject: string): Promise<Mail[]> {
  return t.db.platform((sql) =>
    sql.query<Mail>(
      `SELECT to_address AS to, subject, text_body AS text FROM outbox
        WHERE partnership_id = $1 AND subject LIKE $2 ORDER BY created_at, id`,
      [p.id, `${subject}%`],
    ),
  )
}

const api = (as: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
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

/** Every standard rated the same way for a course, through its page. */
const allRated = (rating: string, except: string[] = []) =>
  Object.fromEntries(
    standards.flatMap((s) =>
      except.includes(s.id)
        ? []
        : [
            [`rating-${s.id}`, rating],
            [`narrative-${s.id}`, `How the course meets ${s.title}`],
          ],
    ),
  )

beforeAll(async () => {
  t = await testApp()
  p = await t.partnership('shropshire')
  scope = { partnershipId: p.id, userId: null, actor: 'test' }
  for (const email of [admin, subgroup, executive, lead, trainer, practitioner]) {
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
    const first = await sql.one<{ id: string; name: string }>(
      'SELECT id, name FROM agencies WHERE id = ANY($1::uuid[]) ORDER BY lower(name) LIMIT 1',
      [led.ids],
    )
    agency.led = first.id
    agency.ledName = first.name
    const subgroups = await sql.one<{ agency_id: string }>(
      'SELECT agency_id FROM people WHERE user_id = $1',
      [users[subgroup]],
    )
    agency.subgroups = subgroups.agency_id
    const admins = await sql.one<{ agency_id: string }>('SELECT agency_id FROM people WHERE user_id = $1', [
      users[admin],
    ])
    agency.admins = admins.agency_id
    const other = await sql.one<{ id: string }>(
      `SELECT id FROM agencies WHERE NOT archived AND NOT id = ANY($1::uuid[]) AND id <> $2 AND id <> $3
        ORDER BY lower(name) LIMIT 1`,
      [led.ids, agency.subgroups, agency.admins],
    )
    agency.other = other.id
    standards = await sql.query(
      `SELECT s.id, s.title FROM qa_standards s
        WHERE s.version_id = (SELECT id FROM qa_standard_versions ORDER BY version DESC LIMIT 1) ORDER BY s.position`,
    )
  })
  // Last round: the lead's agency assessed two courses.
  await aQaRound(t.db, p.id, {
    title: 'Self-assessment 2026',
    openedOn: '2026-05-01',
    dueOn: '2026-06-30',
    returns: [
      {
        agencyId: agency.led,
        courses: ['Safeguarding induction', 'Domestic abuse awareness'],
        rating: 'partly_met',
      },
    ],
  })
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe('a self-assessment round through its pages', () => {
  it('refuses a due date that is not after today, and opens nothing', async () => {
    const browser = await t.signIn(admin)
    const form = page((await browser.get('/quality/rounds/new')).body)
    // Every active agency is ticked to start with.
    expect(form('input[name="agencyIds"]').length).toBeGreaterThan(3)
    expect(form('input[name="agencyIds"]:not(:checked)').length).toBe(0)
    const before = await count('qa_rounds')
    const response = await postForm(browser, '/quality/rounds/new', '/quality/rounds/new', [
      ['title', 'Self-assessment 2027'],
      ['dueOn-day', '24'],
      ['dueOn-month', '11'],
      ['dueOn-year', '2026'],
      ['agencyIds', agency.led],
    ])
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('The due date must be after today')
    expect(await count('qa_rounds')).toBe(before)
  })

  it('opens a round: a return per agency asked, and an email to each agency’s leads', async () => {
    const browser = await t.signIn(admin)
    const response = await postForm(browser, '/quality/rounds/new', '/quality/rounds/new', [
      ['title', 'Self-assessment 2027'],
      ['dueOn-day', '18'],
      ['dueOn-month', '12'],
      ['dueOn-year', '2026'],
      ['agencyIds', agency.led],
      ['agencyIds', agency.other],
      ['agencyIds', agency.subgroups],
    ])
    expect(response.statusCode).toBe(303)
    roundId = String(response.headers.location).split('/').pop() as string
    const returns = await t.db.tenant(scope, (sql) =>
      sql.query<{ id: string; agency_id: string; status: string }>(
        'SELECT id, agency_id, status FROM qa_returns WHERE round_id = $1',
        [roundId],
      ),
    )
    expect(returns.map((r) => r.status)).toEqual(['not_started', 'not_started', 'not_started'])
    returnId = returns.find((r) => r.agency_id === agency.led)?.id as string
    otherReturnId = returns.find((r) => r.agency_id === agency.other)?.id as string
    subgroupsReturnId = returns.find((r) => r.agency_id === agency.subgroups)?.id as string
    const sent = await mail('Self-assessment of your single-agency training')
    expect(sent.map((m) => m.to)).toContain(lead)
    expect(sent.find((m) => m.to === lead)?.text).toContain(`/quality/returns/${returnId}`)

    const round = page((await browser.get(`/quality/rounds/${roundId}`)).body)
    expect(round('table').text()).toContain(agency.ledName)
    expect(round('.govuk-tag').first().text()).toBe('Not started')
    // No return is submitted yet, so the draw is not offered.
    expect(round(`a[href="/quality/rounds/${roundId}/draw"]`).length).toBe(0)
    const list = page((await browser.get('/quality/rounds')).body)
    expect(list('tbody tr').first().text()).toContain('Self-assessment 2027')

    // The lead's home page says a self-assessment waits for them.
    const home = page((await (await t.signIn(lead)).get('/dashboard')).body)
    expect(home('a[href="/quality/returns"]').text()).toMatch(/self-assessment/)
  })

  it('lets the lead start from last time, add a course, save blanks, and refuses a submission with anything unrated', async () => {
    const browser = await t.signIn(lead)
    const mine = page((await browser.get('/quality/returns')).body)
    expect(mine('tbody tr').first().text()).toContain('Self-assessment 2027')
    const start = page((await browser.get(`/quality/returns/${returnId}`)).body)
    expect(start('button:contains("Start from your last self-assessment")').length).toBe(1)

    expect((await browser.post(`/quality/returns/${returnId}/carry-forward`, {})).statusCode).toBe(303)
    const carried = await returnRow(returnId)
    expect(carried.status).toBe('in_progress')
    expect(carried.carried_from).not.toBeNull()
    expect(await count('qa_return_courses', 'return_id = $1', [returnId])).toBe(2)
    expect(
      await count(
        `qa_ratings t JOIN qa_return_courses c ON c.id = t.course_id`,
        `c.return_id = $1 AND t.rating = 'partly_met'`,
        [returnId],
      ),
    ).toBe(2 * standards.length)

    await browser.get(`/quality/returns/${returnId}`)
    expect(
      (await browser.post(`/quality/returns/${returnId}/courses`, { title: 'Neglect toolkit' })).statusCode,
    ).toBe(303)
    const course = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT id FROM qa_return_courses WHERE return_id = $1 AND title = 'Neglect toolkit'`,
        [returnId],
      ),
    )
    // A course's page: each standard with its guidance and the evidence expected beside it.
    const coursePage = page((await browser.get(`/quality/returns/${returnId}/courses/${course.id}`)).body)
    expect(coursePage('aside').length).toBe(standards.length)
    expect(coursePage('aside').first().text()).toContain('Evidence expected')

    // A rating outside the list: refused, nothing saved.
    const first = standards[0]?.id as string
    const bad = await browser.post(`/quality/returns/${returnId}/courses/${course.id}`, {
      [`rating-${first}`]: 'excellent',
    })
    expect(bad.statusCode).toBe(400)
    expect(await count('qa_ratings', 'course_id = $1', [course.id])).toBe(0)

    // Blanks are kept while saving.
    const saved = await browser.post(
      `/quality/returns/${returnId}/courses/${course.id}`,
      allRated('met', [first]),
    )
    expect(saved.statusCode).toBe(303)
    expect(await count('qa_ratings', 'course_id = $1 AND rating IS NULL', [course.id])).toBe(1)

    // A file as evidence, served back only as a download.
    await browser.get(`/quality/returns/${returnId}/courses/${course.id}`)
    const uploaded = await browser.upload(
      `/quality/returns/${returnId}/courses/${course.id}/files`,
      { field: 'file', filename: 'training-plan.pdf', content: pdf, type: 'application/pdf' },
      { standardId: standards[1]?.id as string },
    )
    expect(uploaded.statusCode).toBe(303)
    const file = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM qa_evidence_files WHERE course_id = $1', [course.id]),
    )
    const download = await browser.get(`/quality/returns/${returnId}/files/${file.id}`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-disposition']).toMatch(/^attachment;/)
    // A program is refused.
    const program = await browser.upload(
      `/quality/returns/${returnId}/courses/${course.id}/files`,
      { field: 'file', filename: 'run.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]) },
      { standardId: standards[1]?.id as string },
    )
    expect(program.statusCode).toBe(400)
    expect(await count('qa_evidence_files', 'course_id = $1', [course.id])).toBe(1)

    const before = await snapshot(returnId)
    await browser.get(`/quality/returns/${returnId}/check`)
    const refused = await browser.post(`/quality/returns/${returnId}/submit`, {})
    expect(refused.statusCode).toBe(400)
    const summary = page(refused.body)('.govuk-error-summary').text()
    expect(summary).toContain(`Neglect toolkit: 1. ${standards[0]?.title}`)
    expect(summary).not.toContain('Safeguarding induction')
    expect(await snapshot(returnId)).toEqual(before)
    expect((await returnRow(returnId)).submitted_at).toBeNull()
  })

  it('submits once every course is rated on every standard; a submitted return no longer changes', async () => {
    const browser = await t.signIn(lead)
    const course = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT id FROM qa_return_courses WHERE return_id = $1 AND title = 'Neglect toolkit'`,
        [returnId],
      ),
    )
    await browser.get(`/quality/returns/${returnId}/courses/${course.id}`)
    expect(
      (await browser.post(`/quality/returns/${returnId}/courses/${course.id}`, allRated('met'))).statusCode,
    ).toBe(303)
    const check = page((await browser.get(`/quality/returns/${returnId}/check`)).body)
    expect(check('#unrated').length).toBe(0)
    expect((await browser.post(`/quality/returns/${returnId}/submit`, {})).statusCode).toBe(303)
    expect((await returnRow(returnId)).status).toBe('submitted')
    const reviewersHome = page((await (await t.signIn(subgroup)).get('/dashboard')).body)
    expect(reviewersHome('a[href="/quality/rounds"]').text()).toMatch(/self-assessments? to review/)

    const before = await snapshot(returnId)
    await browser.get(`/quality/returns/${returnId}`)
    const late = await browser.post(`/quality/returns/${returnId}/courses`, { title: 'Late course' })
    expect(late.statusCode).toBe(409)
    expect((await browser.post(`/quality/returns/${returnId}/submit`, {})).statusCode).toBe(409)
    expect(await snapshot(returnId)).toEqual(before)
  })

  it('never lets a reviewer from the agency under review review it', async () => {
    // The sub-group member's directory record is at this agency: refused, nothing changed.
    await aSubmitted(subgroupsReturnId)
    const browser = await t.signIn(subgroup)
    expect((await browser.get(`/quality/returns/${subgroupsReturnId}/review`)).statusCode).toBe(403)
    const before = await snapshot(subgroupsReturnId)
    const posted = await api(subgroup, 'POST', `/api/v1/qa/returns/${subgroupsReturnId}/review`, {
      outcome: 'assured',
      summary: 'Looks good',
    })
    expect(posted.statusCode).toBe(403)
    expect(await snapshot(subgroupsReturnId)).toEqual(before)
    // Someone not from the agency may review it.
    const other = await (await t.signIn(admin)).get(`/quality/returns/${subgroupsReturnId}/review`)
    expect(other.statusCode).toBe(200)
  })

  it('counts a membership naming the agency as being from it', async () => {
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `UPDATE memberships SET agency_ids = ARRAY[$2::uuid] WHERE user_id = $1 AND role = 'subgroup'`,
        [users[subgroup], agency.other],
      )
    })
    await aSubmitted(otherReturnId)
    const before = await snapshot(otherReturnId)
    const browser = await t.signIn(subgroup)
    expect((await browser.get(`/quality/returns/${otherReturnId}/review`)).statusCode).toBe(403)
    expect(
      (
        await api(subgroup, 'POST', `/api/v1/qa/returns/${otherReturnId}/review`, {
          outcome: 'assured',
          summary: 'Fine',
        })
      ).statusCode,
    ).toBe(403)
    expect(await snapshot(otherReturnId)).toEqual(before)
    await t.db.tenant(scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(`UPDATE memberships SET agency_ids = '{}' WHERE user_id = $1 AND role = 'subgroup'`, [
        users[subgroup],
      ])
    })
  })

  it('reviews a submitted return with feedback and actions, once; the actions are the agency’s to track', async () => {
    const browser = await t.signIn(subgroup)
    const review = page((await browser.get(`/quality/returns/${returnId}/review`)).body)
    expect(review('textarea[name^="feedback-"]').length).toBe(standards.length)

    const before = await snapshot(returnId)
    await browser.get(`/quality/returns/${returnId}/review`)
    const noActions = await browser.post(`/quality/returns/${returnId}/review`, {
      outcome: 'assured_with_actions',
      summary: 'Good training, attendance records need work',
    })
    expect(noActions.statusCode).toBe(400)
    expect(page(noActions.body)('.govuk-error-summary').text()).toContain('needs at least one action')
    expect(await snapshot(returnId)).toEqual(before)

    const reviewed = await browser.post(`/quality/returns/${returnId}/review`, {
      outcome: 'assured_with_actions',
      summary: 'Good training, attendance records need work',
      [`feedback-${standards[3]?.id}`]: 'Registers are kept on paper and not collated',
      'action-1-description': 'Collate course registers in the learning system',
      'action-1-dueOn-day': '31',
      'action-1-dueOn-month': '3',
      'action-1-dueOn-year': '2027',
      'action-1-successMeasure': 'A quarterly attendance report from the system',
      'action-1-standardId': standards[3]?.id as string,
    })
    expect(reviewed.statusCode).toBe(303)
    const row = await returnRow(returnId)
    expect(row).toMatchObject({ status: 'reviewed', outcome: 'assured_with_actions' })
    const action = await t.db.tenant(scope, (sql) =>
      sql.one<{
        id: string
        source: string
        owning_agency_id: string
        owner_user_id: string
        qa_standard_id: string
      }>(
        'SELECT id, source, owning_agency_id, owner_user_id, qa_standard_id FROM actions WHERE qa_return_id = $1',
        [returnId],
      ),
    )
    expect(action).toMatchObject({
      source: 'self_assessment',
      owning_agency_id: agency.led,
      owner_user_id: users[lead],
      qa_standard_id: standards[3]?.id,
    })
    const feedback = await mail('Feedback on your self-assessment')
    expect(feedback.map((m) => m.to)).toContain(lead)
    expect(feedback[0]?.text).toContain('Assured with actions')

    // Reviewed once: a second review is refused and changes nothing.
    const after = await snapshot(returnId)
    const again = await api(subgroup, 'POST', `/api/v1/qa/returns/${returnId}/review`, {
      outcome: 'assured',
      summary: 'Again',
    })
    expect(again.statusCode).toBe(409)
    expect(await snapshot(returnId)).toEqual(after)

    // The tracker, the CSV and the action's page name the self-assessment.
    const adminBrowser = await t.signIn(admin)
    const tracker = page((await adminBrowser.get('/actions')).body)
    expect(tracker(`a[href="/quality/returns/${returnId}"]`).text()).toContain(
      `Self-assessment: ${agency.ledName}, Self-assessment 2027`,
    )
    const csv = await adminBrowser.get('/actions.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.body).toContain(`Self-assessment: ${agency.ledName}, Self-assessment 2027`)
    const actionPage = page((await adminBrowser.get(`/actions/${action.id}`)).body)
    expect(actionPage(`a[href="/quality/returns/${returnId}"]`).length).toBeGreaterThan(0)

    // The lead sees it among their actions, and the feedback on the return.
    const leadBrowser = await t.signIn(lead)
    const ours = page((await leadBrowser.get('/actions/ours')).body)
    expect(ours('table').text()).toContain('Collate course registers')
    const mineNow = page((await leadBrowser.get(`/quality/returns/${returnId}`)).body)
    expect(mineNow('body').text()).toContain('Registers are kept on paper')
    expect((await leadBrowser.get(`/actions/${action.id}`)).statusCode).toBe(200)

    // With a submitted return, the round links to the draw.
    const round = page((await adminBrowser.get(`/quality/rounds/${roundId}`)).body)
    expect(round(`a[href="/quality/rounds/${roundId}/draw"]`).length).toBe(1)
  })
})

/** Submits a return straight in the tables: one course, every standard met. */
async function aSubmitted(id: string) {
  await t.db.tenant(scope, async (sql) => {
    await sql.auditAs('test')
    const course = await sql.one<{ id: string }>(
      `INSERT INTO qa_return_courses (partnership_id, return_id, position, title) VALUES ($1, $2, 1, 'Safeguarding basics') RETURNING id`,
      [p.id, id],
    )
    await sql.query(
      `INSERT INTO qa_ratings (partnership_id, course_id, standard_id, rating, narrative)
       SELECT $1, $2, id, 'met', 'As shown' FROM qa_standards WHERE id = ANY($3::uuid[])`,
      [p.id, course.id, standards.map((s) => s.id)],
    )
    await sql.query(
      `UPDATE qa_returns SET status = 'submitted', submitted_at = cascade_now() WHERE id = $1`,
      [id],
    )
  })
}

describe('who may see and do what', () => {
  const cases: [string, Record<string, number>][] = [
    [admin, { rounds: 200, round: 200, mine: 403, own: 200, other: 200, newRound: 200 }],
    [subgroup, { rounds: 200, round: 200, mine: 403, own: 200, other: 200, newRound: 403 }],
    [executive, { rounds: 200, round: 200, mine: 403, own: 200, other: 200, newRound: 403 }],
    [lead, { rounds: 403, round: 403, mine: 200, own: 200, other: 404, newRound: 403 }],
    [trainer, { rounds: 403, round: 403, mine: 403, own: 403, other: 403, newRound: 403 }],
    [practitioner, { rounds: 403, round: 403, mine: 403, own: 403, other: 403, newRound: 403 }],
  ]
  it.each(cases)('%s', async (email, expected) => {
    const browser = await t.signIn(email)
    const got = {
      rounds: (await browser.get('/quality/rounds')).statusCode,
      round: (await browser.get(`/quality/rounds/${roundId}`)).statusCode,
      mine: (await browser.get('/quality/returns')).statusCode,
      own: (await browser.get(`/quality/returns/${returnId}`)).statusCode,
      other: (await browser.get(`/quality/returns/${otherReturnId}`)).statusCode,
      newRound: (await browser.get('/quality/rounds/new')).statusCode,
    }
    expect(got).toEqual(expected)
  })

  it('lets only the agency’s lead change its return, and only reviewers review', async () => {
    const before = await snapshot(otherReturnId)
    // A lead of another agency: not found, nothing changed.
    const leadBrowser = await t.signIn(lead)
    await leadBrowser.get('/quality/returns')
    expect(
      (await leadBrowser.post(`/quality/returns/${otherReturnId}/courses`, { title: 'Not ours' })).statusCode,
    ).toBe(404)
    expect(
      (
        await api(lead, 'PUT', `/api/v1/qa/returns/${otherReturnId}`, {
          courses: [{ title: 'Not ours', ratings: [] }],
        })
      ).statusCode,
    ).toBe(404)
    for (const email of [admin, subgroup, executive, trainer, practitioner])
      expect(
        (await api(email, 'PUT', `/api/v1/qa/returns/${otherReturnId}`, { courses: [] })).statusCode,
        email,
      ).toBe(403)
    for (const email of [executive, lead, trainer, practitioner])
      expect(
        (
          await api(email, 'POST', `/api/v1/qa/returns/${otherReturnId}/review`, {
            outcome: 'assured',
            summary: 'x',
          })
        ).statusCode,
        email,
      ).toBe(403)
    for (const email of [subgroup, executive, lead, trainer, practitioner])
      expect(
        (await api(email, 'POST', '/api/v1/qa/rounds', { title: 'Not allowed', dueOn: '2027-01-31' }))
          .statusCode,
        email,
      ).toBe(403)
    expect(await snapshot(otherReturnId)).toEqual(before)
  })
})

describe('the API', () => {
  let apiRound = ''
  let apiReturn = ''

  it('opens a round with the current standards and lists its returns', async () => {
    const opened = await api(admin, 'POST', '/api/v1/qa/rounds', {
      title: 'Spring check',
      dueOn: '2027-02-26',
      agencyIds: [agency.led, agency.other],
    })
    expect(opened.statusCode).toBe(201)
    apiRound = opened.json().id
    expect(opened.json()).toMatchObject({ title: 'Spring check', returns: { total: 2, notStarted: 2 } })
    const list = await api(executive, 'GET', '/api/v1/qa/rounds')
    expect(list.json().items.map((r: { title: string }) => r.title)).toContain('Spring check')
    const returns = await api(subgroup, 'GET', `/api/v1/qa/rounds/${apiRound}/returns`)
    expect(returns.statusCode).toBe(200)
    apiReturn = returns.json().items.find((r: { agencyId: string }) => r.agencyId === agency.led).id
    const past = await api(admin, 'POST', '/api/v1/qa/rounds', { title: 'Too late', dueOn: '2026-11-01' })
    expect(past.statusCode).toBe(400)
  })

  it('saves, refuses bad ratings and incomplete submissions with nothing changed, and submits', async () => {
    const partial = {
      courses: [
        {
          title: 'Safeguarding adults level 2',
          ratings: standards.slice(1).map((s) => ({ standardId: s.id, rating: 'met', narrative: 'Covered' })),
        },
      ],
    }
    const saved = await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, partial)
    expect(saved.statusCode).toBe(200)
    expect(saved.json().status).toBe('in_progress')
    expect(saved.json().unrated).toHaveLength(1)

    const before = await snapshot(apiReturn)
    const outside = await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, {
      courses: [
        { title: 'X', ratings: [{ standardId: standards[0]?.id, rating: 'excellent', narrative: '' }] },
      ],
    })
    expect(outside.statusCode).toBe(400)
    const foreign = await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, {
      courses: [
        {
          title: 'X',
          ratings: [{ standardId: '00000000-0000-4000-8000-000000000000', rating: 'met', narrative: '' }],
        },
      ],
    })
    expect(foreign.statusCode).toBe(400)
    expect(foreign.json().errors[0].field).toBe('courses.0.ratings.0.standardId')
    const incomplete = await api(lead, 'POST', `/api/v1/qa/returns/${apiReturn}/submit`)
    expect(incomplete.statusCode).toBe(422)
    expect(incomplete.json().errors[0].message).toContain(
      `Safeguarding adults level 2: 1. ${standards[0]?.title}`,
    )
    expect(await snapshot(apiReturn)).toEqual(before)

    const whole = {
      courses: [
        {
          title: 'Safeguarding adults level 2',
          ratings: standards.map((s) => ({
            standardId: s.id,
            rating: 'not_met',
            narrative: 'Not yet',
            evidenceUrl: 'https://example.org/plan.pdf',
          })),
        },
      ],
    }
    // Evidence uploaded on screen stays when a whole-return save lists its course again, in any
    // case and place, and goes with a course left out.
    const listed = await t.db.tenant(scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM qa_return_courses WHERE return_id = $1', [apiReturn]),
    )
    const browser = await t.signIn(lead)
    await browser.get(`/quality/returns/${apiReturn}/courses/${listed.id}`)
    const uploaded = await browser.upload(
      `/quality/returns/${apiReturn}/courses/${listed.id}/files`,
      { field: 'file', filename: 'plan.pdf', content: pdf, type: 'application/pdf' },
      { standardId: standards[0]?.id as string },
    )
    expect(uploaded.statusCode).toBe(303)
    const twoCourses = {
      courses: [
        { title: 'Domestic abuse awareness', ratings: [] },
        { title: 'SAFEGUARDING ADULTS LEVEL 2', ratings: [] },
      ],
    }
    const reordered = await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, twoCourses)
    expect(reordered.statusCode, reordered.body).toBe(200)
    const kept = reordered.json().courses[1]
    expect(kept.id).toBe(listed.id)
    expect(kept.title).toBe('SAFEGUARDING ADULTS LEVEL 2')
    // Ratings not given are cleared; the file stays on its row.
    expect(kept.ratings.every((r: { rating: string | null }) => r.rating === null)).toBe(true)
    expect(await count('qa_evidence_files', 'course_id = $1', [listed.id])).toBe(1)
    const dropped = await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, {
      courses: [{ title: 'Domestic abuse awareness', ratings: [] }],
    })
    expect(dropped.statusCode).toBe(200)
    expect(await count('qa_evidence_files', 'course_id = $1', [listed.id])).toBe(0)

    expect((await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, whole)).statusCode).toBe(200)
    const submitted = await api(lead, 'POST', `/api/v1/qa/returns/${apiReturn}/submit`)
    expect(submitted.statusCode).toBe(200)
    expect(submitted.json().status).toBe('submitted')
    const locked = await snapshot(apiReturn)
    expect((await api(lead, 'PUT', `/api/v1/qa/returns/${apiReturn}`, whole)).statusCode).toBe(409)
    expect((await api(lead, 'POST', `/api/v1/qa/returns/${apiReturn}/submit`)).statusCode).toBe(409)
    expect(await snapshot(apiReturn)).toEqual(locked)
  })

  it('refuses actions for an agency with no lead who can sign in, with nothing changed', async () => {
    const before = await snapshot(otherReturnId)
    const refused = await api(admin, 'POST', `/api/v1/qa/returns/${otherReturnId}/review`, {
      outcome: 'assured_with_actions',
      summary: 'Needs work',
      actions: [{ description: 'Keep registers', dueOn: '2027-03-31', successMeasure: 'Registers kept' }],
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().detail).toContain('has no lead who can sign in')
    expect(await snapshot(otherReturnId)).toEqual(before)
  })

  it('reviews with actions raised for the agency', async () => {
    const before = await snapshot(apiReturn)
    const foreign = await api(admin, 'POST', `/api/v1/qa/returns/${apiReturn}/review`, {
      outcome: 'not_assured',
      summary: 'Not enough',
      feedback: [{ standardId: '00000000-0000-4000-8000-000000000000', feedback: 'x' }],
    })
    expect(foreign.statusCode).toBe(400)
    const badOutcome = await api(admin, 'POST', `/api/v1/qa/returns/${apiReturn}/review`, {
      outcome: 'excellent',
      summary: 'x',
    })
    expect(badOutcome.statusCode).toBe(400)
    expect(await snapshot(apiReturn)).toEqual(before)

    const reviewed = await api(admin, 'POST', `/api/v1/qa/returns/${apiReturn}/review`, {
      outcome: 'assured_with_actions',
      summary: 'Plans in place',
      feedback: [{ standardId: standards[0]?.id, feedback: 'Align content with procedures' }],
      actions: [
        {
          description: 'Update content to the new procedures',
          dueOn: '2027-04-30',
          successMeasure: 'Course content reviewed by the sub-group',
          standardId: standards[0]?.id,
        },
        { description: 'Record attendance', dueOn: '2027-05-31', successMeasure: 'Registers collated' },
      ],
    })
    expect(reviewed.statusCode).toBe(200)
    expect(reviewed.json()).toMatchObject({ status: 'reviewed', outcome: 'assured_with_actions' })
    expect(reviewed.json().actions).toHaveLength(2)
    expect(reviewed.json().actions[0].ownerEmail).toBe(lead)
    const actions = await api(lead, 'GET', '/api/v1/actions')
    expect(actions.statusCode).toBe(200)
    const raised = JSON.stringify(actions.json())
    expect(raised).toContain('Update content to the new procedures')
    expect(raised).toContain('"source":"self_assessment"')
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    for (const path of [
      '/api/v1/qa/rounds',
      '/api/v1/qa/rounds/{id}/returns',
      '/api/v1/qa/returns/{id}',
      '/api/v1/qa/returns/{id}/submit',
      '/api/v1/qa/returns/{id}/review',
    ])
      expect(Object.keys(doc.paths)).toContain(path)
  })
})

describe('without standards', () => {
  it('refuses to open a round, with a clear message', async () => {
    const jersey = await t.partnership('jersey')
    // A partnership that has not set its standards yet: the demo's are taken away, as its owner.
    await t.db.platform(async (sql) => {
      await sql.query('ALTER TABLE qa_standards DISABLE TRIGGER frozen')
      await sql.query('DELETE FROM qa_standards WHERE partnership_id = $1', [jersey.id])
      await sql.query('ALTER TABLE qa_standards ENABLE TRIGGER frozen')
      await sql.query('DELETE FROM qa_standard_versions WHERE partnership_id = $1', [jersey.id])
    })
    const browser = await t.signIn('admin@jersey.example.org')
    const form = page((await browser.get('/quality/rounds/new')).body)
    expect(form('.govuk-inset-text').text()).toContain('no training standards yet')
    const response = await browser.post('/quality/rounds/new', {
      title: 'Too soon',
      'dueOn-day': '31',
      'dueOn-month': '1',
      'dueOn-year': '2027',
      agencyIds: '00000000-0000-4000-8000-000000000000',
    })
    expect(response.statusCode).toBe(400)
    expect(page(response.body)('.govuk-error-summary').text()).toContain('no training standards yet')
    expect(
      (
        await t.db.tenant({ partnershipId: jersey.id, userId: null, actor: 'test' }, (sql) =>
          sql.one<{ n: number }>('SELECT count(*)::int AS n FROM qa_rounds'),
        )
      ).n,
    ).toBe(0)
  })
})
