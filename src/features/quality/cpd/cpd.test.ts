import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { publishedReviewHeadlines } from '#features/reviews/headlines.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import { CPD_CHASING_JOB, defineCpdJobs } from './jobs.ts'
import {
  addDays,
  chaseStage,
  cpdStateOf,
  earliestLapse,
  hoursText,
  observationDue,
  tenthsOf,
} from './rules.ts'

let t: TestApp
let token: string
let norfolkId: string
let courseId: string
let otherCourseId: string
let reviewId: string
const people: Record<string, { id: string; email: string }> = {}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}
const scope = () => ({ partnershipId: norfolkId, userId: null })
const approve = async (person: string, trainedOn: string, course = courseId) => {
  const response = await call('POST', '/api/v1/trainers', {
    personId: people[person]?.id,
    courseId: course,
    trainedOn,
  })
  expect(response.statusCode).toBe(201)
  return response.json().id as string
}
const questionnaire = {
  activities: 'Attended the county’s exploitation conference',
  hours: 7.5,
  deliveryUpdates: 'Added the new escalation procedure',
}
const counts = () =>
  t.db.tenant(scope(), (sql) =>
    sql.one<{ returns: number; approvals: string }>(
      `SELECT (SELECT count(*)::int FROM trainer_cpd_returns) AS returns,
              (SELECT string_agg(id || ':' || coalesce(cpd_completed_on::text, '-'), ',' ORDER BY id) FROM trainer_approvals) AS approvals`,
    ),
  )
const online = (startsAt: string, endsAt: string, trainers: string[]) => ({
  courseId,
  startsAt,
  endsAt,
  capacity: 20,
  format: 'online',
  joiningUrl: 'https://meet.example.org/cpd',
  trainers,
})

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  norfolkId = norfolk.id
  const admin = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({ partnershipId: norfolk.id, userId: admin.id, name: 'test' })
  const course = (title: string) =>
    call('POST', '/api/v1/courses', {
      title,
      deliveryMethod: 'multi_agency_training',
      objectives: ['Act on concerns'],
      evaluationPlan: { impact: 'Confidence at follow-up' },
      status: 'published',
    }).then((r) => r.json().id as string)
  courseId = await course('Neglect in practice')
  otherCourseId = await course('Exploitation in practice')
  const rows = await t.db.tenant(scope(), (sql) =>
    sql.query<{ id: string; email: string; name: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
       SELECT $1, name, 'Pooled', lower(name) || '.pooled@example.org', (SELECT id FROM agencies ORDER BY name LIMIT 1)
         FROM unnest(ARRAY['Asha', 'Ben', 'Cara', 'Dee', 'Eve', 'Hal', 'Ivy']) AS name
       RETURNING id, email, first_name AS name`,
      [norfolk.id],
    ),
  )
  for (const r of rows) people[r.name] = { id: r.id, email: r.email }
  const [review] = await t.db.tenant(scope(), publishedReviewHeadlines)
  if (!review) throw new Error('The demo has no published review')
  reviewId = review.id
})
afterAll(() => t?.close())
afterEach(() => t.clock.set(TEST_NOW))

describe('the CPD rules', () => {
  it('reads hours to one decimal place, in tenths', () => {
    expect(tenthsOf('7.5')).toBe(75)
    expect(tenthsOf(7.5)).toBe(75)
    expect(tenthsOf('12')).toBe(120)
    expect(tenthsOf('0.1')).toBe(1)
    for (const bad of ['7.25', '0', '-1', 'seven', '', '100001', 'NaN', '1e3'])
      expect(tenthsOf(bad)).toBeNull()
    expect(hoursText(75)).toBe('7.5')
    expect(hoursText(80)).toBe('8')
  })

  it('asks 30 days before the earliest live lapse, and reminds at 7', () => {
    const approvals = [
      { trainedOn: '2026-01-20', cpdCompletedOn: null, withdrawnAt: null },
      { trainedOn: '2026-03-01', cpdCompletedOn: null, withdrawnAt: null },
      { trainedOn: '2025-06-01', cpdCompletedOn: null, withdrawnAt: new Date() },
    ]
    expect(earliestLapse(approvals, '2026-12-01')).toBe('2027-01-20')
    expect(chaseStage('2027-01-20', addDays('2027-01-20', -31))).toBeNull()
    expect(chaseStage('2027-01-20', addDays('2027-01-20', -30))).toBe('request')
    expect(chaseStage('2027-01-20', addDays('2027-01-20', -8))).toBe('request')
    expect(chaseStage('2027-01-20', addDays('2027-01-20', -7))).toBe('reminder')
    expect(chaseStage('2027-01-20', '2027-01-20')).toBe('reminder')
    expect(chaseStage('2027-01-20', '2027-01-21')).toBeNull()
    expect(cpdStateOf(approvals, '2026-12-01')).toBe('current')
    expect(cpdStateOf(approvals, '2026-12-21')).toBe('due')
    expect(cpdStateOf(approvals, '2027-01-21')).toBe('lapsed')
    expect(cpdStateOf([approvals[2] as (typeof approvals)[number]], '2027-01-21')).toBe('withdrawn')
  })

  it('is due to be observed when never observed or last observed longer ago than the policy says', () => {
    expect(observationDue(null, 2, '2026-11-24')).toEqual({ due: true, dueOn: null })
    expect(observationDue('2024-11-24', 2, '2026-11-24')).toEqual({ due: false, dueOn: '2026-11-24' })
    expect(observationDue('2024-11-23', 2, '2026-11-24')).toEqual({ due: true, dueOn: '2026-11-23' })
  })
})

describe('the CPD cycle on a fixed clock', () => {
  it('lapses an approval a year on, then the questionnaire renews it for a year from the day it is returned', async () => {
    const approvalId = await approve('Asha', '2026-01-10')
    t.clock.set('2027-01-11T10:00:00Z')
    const lapsed = (await call('GET', `/api/v1/trainers/${approvalId}`)).json()
    expect(lapsed).toMatchObject({ approved: false, expiresOn: '2027-01-10' })
    const refused = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-02-02T09:30:00Z', '2027-02-02T12:30:00Z', [people.Asha?.id ?? '']),
    )
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors[0].message).toContain('lapsed on 2027-01-10')

    // A late return renews from today, through the approval's id.
    const returned = await call('POST', `/api/v1/trainers/${approvalId}/cpd`, {
      ...questionnaire,
      reviewIds: [reviewId],
    })
    expect(returned.statusCode).toBe(201)
    expect(returned.json()).toMatchObject({
      personId: people.Asha?.id,
      completedOn: '2027-01-11',
      hours: 7.5,
      reviewIds: [reviewId],
      approvals: [{ id: approvalId, cpdCompletedOn: '2027-01-11', expiresOn: '2028-01-11', approved: true }],
    })
    const stored = await t.db.tenant(scope(), (sql) =>
      sql.one<{ tenths: number }>('SELECT tenths_of_hours AS tenths FROM trainer_cpd_returns WHERE id = $1', [
        returned.json().id,
      ]),
    )
    expect(stored.tenths).toBe(75)
    const scheduled = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-02-02T09:30:00Z', '2027-02-02T12:30:00Z', [people.Asha?.id ?? '']),
    )
    expect(scheduled.statusCode).toBe(201)
    // A year and a day after the return it lapses again.
    t.clock.set('2028-01-12T10:00:00Z')
    const admin = await t.signIn('admin@norfolk.example.org')
    const pool = page((await admin.get('/trainers')).body)
    expect(pool(`#trainer-${people.Asha?.id}`).text()).toMatch(/Lapsed\s+on 11 January 2028/)
    expect(pool(`#trainer-${people.Asha?.id}`).text()).toMatch(/CPD lapsed/)
  })

  it('renews every approval of the person that is not withdrawn, from the date given, by person id', async () => {
    const first = await approve('Ben', '2026-02-01')
    const second = await approve('Ben', '2026-03-01', otherCourseId)
    await call('PATCH', `/api/v1/trainers/${second}`, { withdrawnReason: 'No longer delivers it' })
    const returned = await call('POST', `/api/v1/trainers/${people.Ben?.id}/cpd`, {
      ...questionnaire,
      completedOn: '2026-11-20',
    })
    expect(returned.statusCode).toBe(201)
    expect(returned.json().approvals).toEqual([
      expect.objectContaining({ id: first, cpdCompletedOn: '2026-11-20', expiresOn: '2027-11-20' }),
    ])
    const withdrawn = (await call('GET', `/api/v1/trainers/${second}`)).json()
    expect(withdrawn).toMatchObject({ cpdCompletedOn: null, approved: false })
    // The same day twice is one return.
    const twice = await call('POST', `/api/v1/trainers/${first}/cpd`, {
      ...questionnaire,
      completedOn: '2026-11-20',
    })
    expect(twice.statusCode).toBe(409)
  })

  it('refuses bad answers, changing nothing', async () => {
    await approve('Dee', '2026-04-01')
    const id = people.Dee?.id
    const before = await counts()
    for (const [body, field] of [
      [{ ...questionnaire, hours: 7.25 }, 'hours'],
      [{ ...questionnaire, hours: 0 }, 'hours'],
      [{ ...questionnaire, activities: '  ' }, 'activities'],
      [{ ...questionnaire, completedOn: '2026-11-25' }, 'completedOn'],
      [{ ...questionnaire, completedOn: '2025-11-01' }, 'completedOn'],
      [{ ...questionnaire, reviewIds: ['00000000-0000-4000-8000-000000000000'] }, 'reviewIds'],
    ] as const) {
      const response = await call('POST', `/api/v1/trainers/${id}/cpd`, body)
      expect(response.statusCode, JSON.stringify(body)).toBe(400)
      expect(response.json().errors[0].field).toBe(field)
    }
    expect(await counts()).toEqual(before)
  })
})

describe('someone who is not in the pool', () => {
  it('is refused through the API with a clear error, and nothing changes', async () => {
    const approvalId = await approve('Cara', '2026-05-01')
    await call('PATCH', `/api/v1/trainers/${approvalId}`, { withdrawnReason: 'Moved away' })
    const before = await counts()
    for (const id of [people.Cara?.id, approvalId, people.Eve?.id]) {
      const response = await call('POST', `/api/v1/trainers/${id}/cpd`, questionnaire)
      expect(response.statusCode).toBe(409)
      expect(response.json().detail).toMatch(/is not in the trainer pool/)
    }
    const unknown = await call(
      'POST',
      '/api/v1/trainers/00000000-0000-4000-8000-000000000000/cpd',
      questionnaire,
    )
    expect(unknown.statusCode).toBe(404)
    expect(await counts()).toEqual(before)
  })

  it('is refused on the admin’s page, and a signed-in person outside the pool cannot return one', async () => {
    const before = await counts()
    const admin = await t.signIn('admin@norfolk.example.org')
    const form = await admin.get(`/trainers/people/${people.Cara?.id}/cpd`)
    expect(form.statusCode).toBe(409)
    expect(page(form.body)('.govuk-error-summary').text()).toMatch(/Cara Pooled is not in the trainer pool/)
    expect(page(form.body)('form[action$="/cpd"]').length).toBe(0)
    const posted = await admin.post(`/trainers/people/${people.Cara?.id}/cpd`, {
      activities: 'Reading',
      hours: '2',
      deliveryUpdates: 'Nothing',
    })
    expect(posted.statusCode).toBe(409)
    expect(page(posted.body)('.govuk-error-summary').text()).toMatch(/not in the trainer pool/)
    for (const email of ['practitioner@norfolk.example.org', 'admin@norfolk.example.org']) {
      const someone = await t.signIn(email)
      const own = await someone.get('/trainers/cpd')
      expect(own.statusCode, email).toBe(403)
      expect(page(own.body)('main').text()).toMatch(
        /Only trainers in the pool return the annual CPD questionnaire/,
      )
      const tried = await someone.post('/trainers/cpd', {
        activities: 'Reading',
        hours: '2',
        deliveryUpdates: 'No',
      })
      expect(tried.statusCode).toBe(403)
    }
    expect(await counts()).toEqual(before)
  })
})

describe('a trainer returns their own questionnaire', () => {
  it('says what is wrong, then renews every approval they hold from today', async () => {
    const trainer = await t.signIn('trainer@norfolk.example.org')
    const form = await trainer.get('/trainers/cpd')
    expect(form.statusCode).toBe(200)
    // Not yet due: the demo trainer's approval runs to September 2027.
    expect(page((await trainer.get('/dashboard')).body)('#to-do-own-cpd').length).toBe(0)
    t.clock.set('2027-09-01T09:00:00Z')
    const dueHome = page((await (await t.signIn('trainer@norfolk.example.org')).get('/dashboard')).body)
    expect(dueHome('#to-do-own-cpd a').attr('href')).toBe('/trainers/cpd')
    expect(dueHome('#to-do-own-cpd').text()).toMatch(
      /Your annual CPD questionnaire is due by \d+ September 2027/,
    )
    t.clock.set(TEST_NOW)
    const $ = page(form.body)
    expect($('input[name="reviewIds"]').length).toBeGreaterThan(0)
    expect($('input[name="completedOn-day"]').length).toBe(0)
    const before = await counts()
    const wrong = await trainer.post('/trainers/cpd', { activities: '', hours: '7.25', deliveryUpdates: '' })
    expect(wrong.statusCode).toBe(400)
    const summary = page(wrong.body)('.govuk-error-summary').text()
    expect(summary).toMatch(/Enter the CPD you did this year/)
    expect(summary).toMatch(/Enter what you updated in your delivery/)
    const hours = await trainer.post('/trainers/cpd', {
      activities: 'Reading',
      hours: 'seven',
      deliveryUpdates: 'Slides',
    })
    expect(page(hours.body)('#hours-error').text()).toMatch(/one decimal place/)
    expect(await counts()).toEqual(before)

    t.clock.set('2026-11-30T10:00:00Z')
    const again = await t.signIn('trainer@norfolk.example.org')
    await again.get('/trainers/cpd')
    const done = await again.post('/trainers/cpd', {
      activities: 'Shadowed a strategy meeting',
      hours: '3.5',
      deliveryUpdates: 'Updated the case study',
      reviewIds: reviewId,
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toMatch(/^\/trainers\/people\/[0-9a-f-]+\?returned=1$/)
    const rows = await t.db.tenant(scope(), (sql) =>
      sql.query<{ cpd: string; tenths: number; byUser: string; reviews: string[] }>(
        `SELECT to_char(a.cpd_completed_on, 'YYYY-MM-DD') AS cpd, r.tenths_of_hours AS tenths, u.email AS "byUser", r.reviews_read AS reviews
           FROM trainer_cpd_returns r JOIN people p ON p.id = r.person_id JOIN trainer_approvals a ON a.person_id = p.id
           JOIN users u ON u.id = r.by_user WHERE u.email = 'trainer@norfolk.example.org'`,
      ),
    )
    expect(rows).toEqual([
      { cpd: '2026-11-30', tenths: 35, byUser: 'trainer@norfolk.example.org', reviews: [reviewId] },
    ])
    const home = page((await again.get('/dashboard')).body)
    expect(home('#to-do-own-cpd').length).toBe(0)
    const record = page((await again.get(done.headers.location as string)).body)
    expect(record('.govuk-notification-banner').text()).toMatch(/renewed for a year/)
    expect(record('.cpd-return').text()).toMatch(/3\.5/)
  })
})

describe('the API document', () => {
  it('describes the questionnaire, naming either id', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    const operation = doc.paths['/api/v1/trainers/{id}/cpd'].post
    expect(operation.parameters.find((p: { name: string }) => p.name === 'id').description).toMatch(
      /person id, or the id of any of their approvals/,
    )
    const body = operation.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['completedOn', 'activities', 'hours', 'deliveryUpdates', 'reviewIds']),
    )
    expect(body.required).toEqual(expect.arrayContaining(['activities', 'hours', 'deliveryUpdates']))
  })
})

describe('the CPD emails', () => {
  const mailTo = (email: string) =>
    t.db.platform((sql) =>
      sql.query<{ subject: string; text_body: string }>(
        'SELECT subject, text_body FROM outbox WHERE to_address = $1 ORDER BY created_at, subject',
        [email],
      ),
    )

  it('asks 30 days before the approval lapses and reminds at 7 days, each once', async () => {
    await approve('Eve', '2026-01-20')
    const norfolk = await t.partnership('norfolk')
    const email = people.Eve?.email ?? ''
    t.clock.set('2026-12-20T08:00:00Z')
    await t.services.trainerCpd.chase(norfolk)
    expect(await mailTo(email)).toEqual([])
    t.clock.set('2026-12-21T08:00:00Z')
    // Twice at once, as two workers might: one email.
    await Promise.all([t.services.trainerCpd.chase(norfolk), t.services.trainerCpd.chase(norfolk)])
    await t.services.trainerCpd.chase(norfolk)
    t.clock.set('2026-12-22T08:00:00Z')
    await t.services.trainerCpd.chase(norfolk)
    const requested = await mailTo(email)
    expect(requested).toHaveLength(1)
    expect(requested[0]?.subject).toBe('Your annual CPD questionnaire: please return it by 20 January 2027')
    expect(requested[0]?.text_body).toContain('/trainers/cpd')
    expect(requested[0]?.text_body).toContain('Neglect in practice')
    t.clock.set('2027-01-12T08:00:00Z')
    await t.services.trainerCpd.chase(norfolk)
    expect(await mailTo(email)).toHaveLength(1)
    // At 7 days, through the daily job, run twice.
    const handlers = new Map<string, () => Promise<void>>()
    const jobs = { define: (name: string, handler: () => Promise<void>) => handlers.set(name, handler) }
    defineCpdJobs(jobs as unknown as Jobs, t.services.partnerships, t.services.trainerCpd)
    t.clock.set('2027-01-13T08:00:00Z')
    await handlers.get(CPD_CHASING_JOB)?.()
    await handlers.get(CPD_CHASING_JOB)?.()
    t.clock.set('2027-01-14T08:00:00Z')
    await t.services.trainerCpd.chase(norfolk)
    const all = await mailTo(email)
    expect(all.map((m) => m.subject)).toEqual([
      'Your annual CPD questionnaire: please return it by 20 January 2027',
      'Reminder: your CPD questionnaire is due by 20 January 2027',
    ])
    // Once lapsed, nothing more; a withdrawn trainer is never asked.
    t.clock.set('2027-01-25T08:00:00Z')
    await t.services.trainerCpd.chase(norfolk)
    expect(await mailTo(email)).toHaveLength(2)
    expect(await mailTo(people.Cara?.email ?? '')).toEqual([])
  })
})

describe('the admin’s home page', () => {
  const toDo = async (email: string) => {
    const $ = page((await (await t.signIn(email)).get('/dashboard')).body)
    return {
      text: (id: string) => $(`#to-do-${id}`).text().replace(/\s+/g, ' ').trim(),
      links: (id: string) =>
        $(`#to-do-${id} li a`)
          .map((_, a) => $(a).attr('href'))
          .get(),
      has: (id: string) => $(`#to-do-${id}`).length > 0,
    }
  }

  it('lists approvals lapsing in the next 60 days with their trainer, course and date, linked to the record', async () => {
    await approve('Hal', '2026-01-05')
    await approve('Ivy', '2026-02-10')
    // On 24 November 2026: Hal's lapses on 5 January 2027 (42 days), Ivy's on 10 February (78 days).
    const home = await toDo('admin@norfolk.example.org')
    expect(home.text('cpd')).toContain('Hal Pooled: Neglect in practice, lapses on 5 January 2027')
    expect(home.text('cpd')).not.toContain('Ivy Pooled')
    expect(home.links('cpd')).toContain(`/trainers/people/${people.Hal?.id}`)
    t.clock.set('2027-01-06T09:00:00Z')
    const later = await toDo('admin@norfolk.example.org')
    expect(later.text('cpd')).toContain('Ivy Pooled: Neglect in practice, lapses on 10 February 2027')
    expect(later.text('cpd')).not.toContain('Hal Pooled')
    expect(later.text('cpd-lapsed')).toMatch(/lapsed without a CPD questionnaire/)
    // Only an admin's list has it.
    const subgroup = await toDo('subgroup@norfolk.example.org')
    expect(subgroup.has('cpd')).toBe(false)
  })
})
