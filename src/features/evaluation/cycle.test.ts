import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import type { Jobs } from '#platform/jobs.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aCourse } from '#test/support/builders.ts'
import { scopeFrom } from './impact.ts'
import { defineEvaluationJobs, EVALUATION_JOB, TELEPHONE_JOB } from './jobs.ts'
import { drawSample } from './sample.ts'

let t: TestApp
let w: BookingWorld
const handlers = new Map<string, (data: Record<string, unknown>) => Promise<void>>()
const runJob = async (name: string) => handlers.get(name)?.({})

const confidence = {
  id: 'confidence',
  kind: 'confidence',
  prompt: 'How confident are you about each objective?',
  perObjective: true,
}

async function published(admin: Context, title: string, questions: object[]) {
  const created = await t.services.questionnaires.create(admin, { title, questions })
  await t.services.questionnaires.publish(admin, created.id)
  return created.id
}

const linkIn = (text = '') =>
  /https?:\/\/\S+\/evaluate\/\S+/.exec(text)?.[0]?.replace(/^https?:\/\/[^/]+/, '') ?? ''

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t, 'north-somerset')
  // The scheduled jobs as the worker defines them, run here on the test's clock.
  const jobs = { define: (name: string, handler: never) => handlers.set(name, handler) } as unknown as Jobs
  defineEvaluationJobs(jobs, t.services.partnerships, t.services.evaluationCycle, t.services.telephone)
})
afterAll(() => t?.close())

describe('the evaluation cycle of a delivered session, on the scheduled jobs', () => {
  it('asks at booking, after the course with reminders, and at the follow-up; tells the manager; draws the telephone sample; and reports the impact', async () => {
    const plan = {
      atBooking: await published(w.admin, 'When applying', [confidence]),
      afterCourse: await published(w.admin, 'After the course', [
        confidence,
        { id: 'useful', kind: 'agreement', prompt: 'The course was relevant to my work' },
        { id: 'plan', kind: 'action_plan', prompt: 'What will you do differently?', required: true },
        { id: 'comments', kind: 'free_text', prompt: 'Anything else?' },
      ]),
      followUp: await published(w.admin, 'Four months on', [
        confidence,
        { id: 'changed', kind: 'agreement', prompt: 'The course has changed how I work' },
      ]),
      impact: 'Confidence at follow-up against at booking',
    }
    const course = await t.services.courses.create(
      w.admin,
      aCourse({
        title: 'Sharing information',
        objectives: ['Share information lawfully', 'Make a good referral'],
        evaluationPlan: plan,
      }),
    )
    const session = await w.session(course.id, '2027-02-01T09:30:00Z')

    // At booking: the practitioner's own confidence is part of applying.
    const pat = await t.signIn('practitioner@north-somerset.example.org')
    const form = page((await pat.get(`/sessions/${session}/apply`)).body)
    expect(form('main').text()).toContain('Make a good referral')
    const fields = { forWhom: 'self', managerEmail: 'pats.manager@example.org', acceptsOtherDates: 'no' }
    const unanswered = await pat.post(`/sessions/${session}/apply`, fields)
    expect(unanswered.statusCode).toBe(400)
    expect(page(unanswered.body)('.govuk-error-summary').text()).toContain('for each objective')
    const applied = await pat.post(`/sessions/${session}/apply`, {
      ...fields,
      'answers.confidence.0': '3',
      'answers.confidence.1': '4',
    })
    expect(applied.statusCode).toBe(303)
    const patBooking =
      new URL(String(applied.headers.location), 'http://cascade').pathname.split('/').pop() ?? ''

    // Someone applied for by an admin is asked for their own answers, by email.
    const agency = await w.agency('Weston Family Support', 'voluntary', 'voluntary')
    const sam = await w.person(agency, { first: 'Sam' })
    const samBooking = await w.apply(session, sam)
    const samEmail = await w.emailOf(sam)
    const before = await w.mailAbout(samEmail, 'Before the course')
    const visitor = t.browser()
    const bookingLink = linkIn(before?.text_body)
    expect((await visitor.get(bookingLink)).statusCode).toBe(200)
    expect(
      (await visitor.post(bookingLink, { 'answers.confidence.0': '5', 'answers.confidence.1': '5' }))
        .statusCode,
    ).toBe(200)

    await t.services.booking.shortlistNow(w.admin, session)
    t.clock.set('2027-02-01T12:00:00Z')
    const patPerson = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ id: string }>(
        `SELECT id FROM people WHERE email = 'practitioner@north-somerset.example.org'`,
      ),
    )
    await t.services.register.mark(w.admin, session, [
      { personId: patPerson.id, part: 1, mark: 'attended' },
      { personId: sam, part: 1, mark: 'attended' },
    ])
    const patEmail = 'practitioner@north-somerset.example.org'
    const asked = async (address: string, subject: string) =>
      (await w.mailTo(address)).filter((m) => m.subject.startsWith(subject)).length

    // After the course: nothing while it runs, one invitation once it has ended, however often the job runs.
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'Tell us about')).toBe(0)
    t.clock.set('2027-02-01T13:00:00Z')
    await runJob(EVALUATION_JOB)
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'Tell us about')).toBe(1)
    expect(await asked(samEmail, 'Tell us about')).toBe(1)
    expect(await asked(patEmail, 'Your certificate')).toBe(0)

    // Reminders 3 and 10 days on, to those who have not answered.
    t.clock.set('2027-02-03T13:30:00Z')
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'Reminder: tell us')).toBe(0)
    t.clock.set('2027-02-04T13:30:00Z')
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'Reminder: tell us')).toBe(1)
    const samLink = linkIn((await w.mailAbout(samEmail, 'Tell us about'))?.text_body)
    const samAnswered = await t.browser().submit(samLink, {
      'answers.confidence.0': '8',
      'answers.confidence.1': '9',
      'answers.useful': '5',
      'answers.plan.action': 'Use the information-sharing flowchart',
      'answers.plan.by-day': '30',
      'answers.plan.by-month': '4',
      'answers.plan.by-year': '2027',
      'answers.comments': 'Clear and practical',
    })
    expect(samAnswered.statusCode).toBe(200)
    expect(await asked(samEmail, 'Your certificate')).toBe(1)
    t.clock.set('2027-02-11T13:30:00Z')
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'Reminder: tell us')).toBe(2)
    expect(await asked(samEmail, 'Reminder: tell us')).toBe(1)

    // The practitioner answers from the emailed link: the certificate is released.
    const patLink = linkIn((await w.mailAbout(patEmail, 'Tell us about'))?.text_body)
    const altered = `${patLink.slice(0, -3)}abc`
    expect((await t.browser().get(altered)).statusCode).toBe(404)
    const browser = t.browser()
    const missing = await browser.submit(patLink, { 'answers.useful': '9' })
    expect(missing.statusCode).toBe(400)
    expect(page(missing.body)('.govuk-error-summary').text()).toContain('Say what you will do differently')
    const patAnswered = await browser.submit(patLink, {
      'answers.confidence.0': '6',
      'answers.confidence.1': '7',
      'answers.useful': '4',
      'answers.plan.action': 'Ask for consent in writing',
      'answers.plan.by-day': '31',
      'answers.plan.by-month': '3',
      'answers.plan.by-year': '2027',
    })
    expect(patAnswered.statusCode).toBe(200)
    expect(await asked(patEmail, 'Your certificate')).toBe(1)
    expect(page((await browser.get(patLink)).body)('main').text()).toContain('already answered')
    const twice = await browser.post(patLink, { 'answers.useful': '4' })
    expect(twice.statusCode).toBe(409)
    expect(page(twice.body)('main').text()).toContain('already answered')

    // On the first of the month the telephone sample: those whose follow-up falls due now.
    t.clock.set('2027-06-01T05:00:00Z')
    await runJob(TELEPHONE_JOB)
    await runJob(TELEPHONE_JOB)
    const [sample, ...others] = await t.services.telephone.samples(w.admin)
    expect(others).toEqual([])
    expect(sample).toMatchObject({ month: '2027-06-01', population: 2, size: 2 })
    const { calls } = await t.services.telephone.sample(w.admin, sample?.id ?? '')
    expect(calls.map((c) => c.applicationId)).toEqual(
      drawSample(sample?.seed ?? '', [samBooking, patBooking], 10),
    )

    // The follow-up at North Somerset's four months, showing the action plan back.
    t.clock.set('2027-06-01T11:00:00Z')
    await runJob(EVALUATION_JOB)
    expect(await asked(patEmail, 'What difference')).toBe(0)
    t.clock.set('2027-06-01T12:45:00Z')
    await runJob(EVALUATION_JOB)
    const followUp = await w.mailAbout(patEmail, 'What difference')
    expect(followUp?.text_body).toContain('Ask for consent in writing')
    const samFollowUp = linkIn((await w.mailAbout(samEmail, 'What difference'))?.text_body)
    const shown = page((await t.browser().get(samFollowUp)).body)
    expect(shown('main').text()).toContain('Use the information-sharing flowchart')
    expect(shown('main').text()).toContain('By 30 April 2027')
    const noOutcome = await t.browser().submit(samFollowUp, {
      'answers.confidence.0': '9',
      'answers.confidence.1': '9',
      'answers.changed': '5',
    })
    expect(page(noOutcome.body)('.govuk-error-summary').text()).toContain(
      'whether you have done what you planned',
    )
    expect(
      (
        await t.browser().submit(samFollowUp, {
          'answers.confidence.0': '9',
          'answers.confidence.1': '9',
          'answers.changed': '5',
          planOutcome: 'done',
        })
      ).statusCode,
    ).toBe(200)

    // Not returned in three weeks: the line manager is told, once.
    t.clock.set('2027-06-21T13:00:00Z')
    await runJob(EVALUATION_JOB)
    expect(await asked('pats.manager@example.org', 'Follow-up evaluation not returned')).toBe(0)
    t.clock.set('2027-06-22T13:00:00Z')
    await runJob(EVALUATION_JOB)
    await runJob(EVALUATION_JOB)
    expect(await asked('pats.manager@example.org', 'Follow-up evaluation not returned')).toBe(1)
    expect(await asked('manager@example.org', 'Follow-up evaluation not returned')).toBe(0)

    // Links end: the practitioner's follow-up link, 60 days on.
    t.clock.set('2027-08-01T13:00:00Z')
    const patFollowUp = linkIn(followUp?.text_body)
    expect((await t.browser().get(patFollowUp)).statusCode).toBe(410)

    // The impact of the course: confidence per objective at each stage, rates, plans, comments.
    const impact = await t.services.impact.impact(w.admin, scopeFrom({ course: course.id }))
    expect(impact.confidence).toEqual([
      {
        label: 'Share information lawfully',
        scores: {
          at_booking: { average: 4, n: 2 },
          after_course: { average: 7, n: 2 },
          follow_up: { average: 9, n: 1 },
        },
        change: 5,
      },
      {
        label: 'Make a good referral',
        scores: {
          at_booking: { average: 4.5, n: 2 },
          after_course: { average: 8, n: 2 },
          follow_up: { average: 9, n: 1 },
        },
        change: 4.5,
      },
    ])
    expect(impact.headline).toEqual({ before: 4.3, after: 9, change: 4.8, stage: 'follow_up' })
    expect(impact.rates.map((r) => [r.stage, r.responded, r.eligible])).toEqual([
      ['at_booking', 2, 2],
      ['after_course', 2, 2],
      ['follow_up', 1, 2],
    ])
    expect(impact.plans).toEqual([{ outcome: 'done', n: 1 }])
    expect(impact.comments.map((c) => c.text)).toEqual(['Clear and practical'])

    // On screen: the impact view draws each chart beside a table of the same figures, and a CSV.
    const admin = await t.signIn('admin@north-somerset.example.org')
    const view = page((await admin.get(`/impact?course=${course.id}`)).body)
    expect(view('svg[role="img"]').length).toBe(3)
    expect(view('svg title').first().text()).toBe('Response rate at each stage')
    expect(view('table').text()).toContain('Make a good referral')
    expect(view('.govuk-panel__title').text()).toContain('Confidence rose by 4.8')
    const csv = await admin.get(`/impact.csv?course=${course.id}`)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('confidence,Share information lawfully,follow_up,9,1,')
    expect(csv.body).toContain('comment,Anything else?,after_course,Clear and practical')
    const badFilter = await admin.get('/impact?from=last+year')
    expect(badFilter.statusCode).toBe(400)
    // Dates typed in boxes: one naming no day is refused on its first box; a real one filters
    // and is carried to the download as YYYY-MM-DD.
    const unreal = await admin.get(`/impact?course=${course.id}&from-day=31&from-month=4&from-year=2027`)
    expect(unreal.statusCode).toBe(400)
    expect(page(unreal.body)('.govuk-error-summary a[href="#from-day"]').text()).toContain('like 31 3 2027')
    const typed = page(
      (await admin.get(`/impact?course=${course.id}&from-day=1&from-month=1&from-year=2027`)).body,
    )
    expect(typed('#from-year').attr('value')).toBe('2027')
    expect(typed('a[href^="/impact.csv"]').attr('href')).toContain('from=2027-01-01')
    const token = await w.token('admin@north-somerset.example.org')
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/courses/${course.id}/impact?from=2027-01-01&to=2027-12-31`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.statusCode).toBe(200)
    expect(api.json().headline).toEqual(impact.headline)
    const outside = await t.app.inject({
      method: 'GET',
      url: `/api/v1/courses/${course.id}/impact?from=2028-01-01`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(outside.json().confidence).toEqual([])

    // The telephone calls are recorded against the person and course.
    const callPage = `/telephone/${sample?.id}`
    const firstCall = calls[0]?.id
    const callWithout = await admin.submit(
      `${callPage}/calls/${firstCall}`,
      { notes: 'Rang twice' },
      { from: callPage },
    )
    expect(callWithout.statusCode).toBe(400)
    expect(page(callWithout.body)('.govuk-error-summary').text()).toContain('Select how the call went')
    const recorded = await admin.submit(
      `${callPage}/calls/${firstCall}`,
      { outcome: 'spoke', notes: 'Now checks consent before every referral' },
      { from: callPage },
    )
    expect(recorded.statusCode).toBe(303)
    expect(page((await admin.get(callPage)).body)('main').text()).toContain(
      'Now checks consent before every referral',
    )
  })
})
