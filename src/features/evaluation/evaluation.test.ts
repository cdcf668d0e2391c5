import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aCourse } from '#test/support/builders.ts'
import type { Question } from './questions.ts'
import { answerProblems } from './questions.ts'

const questions: Question[] = [
  { id: 'useful', kind: 'agreement', prompt: 'The course was useful to my work', required: true },
  {
    id: 'confidence',
    kind: 'confidence',
    prompt: 'How confident are you to share information?',
    perObjective: false,
    required: true,
  },
  {
    id: 'format',
    kind: 'single_choice',
    prompt: 'Which format suits you?',
    options: ['In person', 'Online'],
    required: true,
  },
  {
    id: 'topics',
    kind: 'multiple_choice',
    prompt: 'Which topics?',
    options: ['Consent', 'Records', 'Referral'],
    required: false,
  },
  { id: 'comments', kind: 'free_text', prompt: 'Anything else?', required: false },
  { id: 'plan', kind: 'action_plan', prompt: 'What will you do differently?', required: true },
]

describe('answers, checked against their questions', () => {
  it('accepts answers that fit and names each that does not', () => {
    const good = {
      useful: 5,
      confidence: 0,
      format: 'Online',
      topics: ['Consent', 'Referral'],
      plan: { action: 'Check consent before sharing', by: '2027-06-30' },
    }
    expect(answerProblems(questions, good)).toEqual([])
    expect(
      answerProblems(questions, {
        useful: 6,
        confidence: 11,
        format: 'By post',
        topics: ['Consent', 'Consent'],
        comments: 'x'.repeat(5_001),
        plan: { action: 'Something', by: 'soon' },
        extra: 1,
      }).map((p) => p.field),
    ).toEqual([
      'answers.useful',
      'answers.confidence',
      'answers.format',
      'answers.topics',
      'answers.comments',
      'answers.plan',
      'answers.extra',
    ])
    expect(answerProblems(questions, {})[0]).toEqual({
      field: 'answers.useful',
      text: 'Answer this question',
    })
  })
})

let t: TestApp
let w: BookingWorld

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
})
afterAll(() => t?.close())

describe('answering the after-course evaluation', () => {
  it('takes an attendee’s answers once, on the published version, and releases their certificate', async () => {
    const admin = await w.token('admin@norfolk.example.org')
    const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

    const bad = await call(admin, 'POST', '/api/v1/evaluations', {
      title: 'After the course',
      questions: [{ id: 'stars', kind: 'stars', prompt: 'Rate us' }],
    })
    expect(bad.statusCode).toBe(400)
    const created = await call(admin, 'POST', '/api/v1/evaluations', { title: 'After the course', questions })
    expect(created.statusCode).toBe(201)
    const id = created.json().id as string
    expect((await call(admin, 'GET', `/api/v1/evaluations/${id}`)).statusCode).toBe(404)
    expect((await call(admin, 'POST', `/api/v1/evaluations/${id}/publish`)).json()).toMatchObject({
      version: 1,
    })

    // The demo practitioner and a colleague who did not come, on a delivered session.
    const pat = await t.db.tenant(
      w.scope,
      async (sql) =>
        await sql.one<{ id: string; agencyId: string }>(
          `SELECT id, agency_id AS "agencyId" FROM people WHERE email = 'practitioner@norfolk.example.org'`,
        ),
    )
    const absent = await w.person(pat.agencyId)
    const course = await t.services.courses.create(
      w.admin,
      aCourse({ title: 'Evaluated', evaluationPlan: { afterCourse: id, impact: 'Confidence' } }),
    )
    const session = await w.session(course.id, '2027-01-27T09:30:00Z')
    for (const p of [pat.id, absent]) await w.apply(session, p)
    const { allocated } = await t.services.booking.shortlistNow(w.admin, session)
    t.clock.set('2027-01-27T13:00:00Z')
    await t.services.register.mark(w.admin, session, [
      { personId: pat.id, part: 1, mark: 'attended' },
      { personId: absent, part: 1, mark: 'absent' },
    ])
    const booking = allocated.find((a) => a.personId === pat.id)?.id ?? ''
    const missed = allocated.find((a) => a.personId === absent)?.id ?? ''
    const practitioner = await w.token('practitioner@norfolk.example.org')
    const answers = {
      useful: 4,
      confidence: 8,
      format: 'Online',
      plan: { action: 'Record consent', by: '2027-04-30' },
    }

    const outOfScale = await call(practitioner, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: booking,
      stage: 'after_course',
      answers: { ...answers, useful: 9 },
    })
    expect(outOfScale.statusCode).toBe(400)
    expect(outOfScale.json().errors).toEqual([
      { field: 'answers.useful', message: 'Choose from 1 (strongly disagree) to 5 (strongly agree)' },
    ])
    const other = (await call(admin, 'POST', '/api/v1/evaluations', { title: 'Another', questions })).json()
      .id
    await call(admin, 'POST', `/api/v1/evaluations/${other}/publish`)
    const wrongForm = await call(practitioner, 'POST', `/api/v1/evaluations/${other}/responses`, {
      bookingId: booking,
      stage: 'after_course',
      answers,
    })
    expect(wrongForm.json().errors).toEqual([
      { field: 'stage', message: 'This is not the questionnaire for after the course on this course' },
    ])
    const notMine = await call(practitioner, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: missed,
      stage: 'after_course',
      answers,
    })
    expect(notMine.statusCode).toBe(403)
    const notThere = await call(admin, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: missed,
      stage: 'after_course',
      answers,
    })
    expect(notThere.json().errors[0].message).toBe('The register does not show you at this session')

    const answered = await call(practitioner, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: booking,
      stage: 'after_course',
      answers,
    })
    expect(answered.statusCode).toBe(201)
    expect(answered.json().version).toBe(1)
    const again = await call(practitioner, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: booking,
      stage: 'after_course',
      answers,
    })
    expect(again.statusCode).toBe(409)
    const huge = await call(practitioner, 'POST', `/api/v1/evaluations/${id}/responses`, {
      bookingId: booking,
      stage: 'follow_up',
      answers: { ...answers, comments: 'x'.repeat(1_100_000) },
    })
    expect([400, 413]).toContain(huge.statusCode)

    // Attended in full and evaluated: Norfolk's certificate is released.
    const certificates = await t.services.certificates.ofPerson(w.admin, pat.id)
    expect(certificates.map((c) => c.applicationId)).toEqual([booking])

    // A new version does not change what earlier answers were given against.
    expect((await call(admin, 'POST', `/api/v1/evaluations/${id}/publish`)).json()).toMatchObject({
      version: 2,
    })
    const kept = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ version: number }>(
        `SELECT v.version FROM evaluation_responses r JOIN questionnaire_versions v ON v.id = r.version_id
          WHERE r.application_id = $1`,
        [booking],
      ),
    )
    expect(kept.version).toBe(1)
  })
})
