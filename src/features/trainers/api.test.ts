import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let token: string
let courseId: string
let otherCourseId: string
let people: { id: string; email: string }[]

function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const scope = { partnershipId: norfolk.id, userId: null }
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
  courseId = await course('Working with families')
  otherCourseId = await course('Exploitation')
  people = await t.db.tenant(scope, (sql) =>
    sql.query<{ id: string; email: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
       SELECT $1, name, 'Trainer', lower(name) || '.trainer@example.org', (SELECT id FROM agencies LIMIT 1)
         FROM unnest(ARRAY['Asha', 'Ben', 'Cara']) AS name
       RETURNING id, email`,
      [norfolk.id],
    ),
  )
})
afterAll(() => t?.close())

// The test clock stands at 2026-11-24T10:00Z.
const online = (startsAt: string, endsAt: string, trainers: string[]) => ({
  courseId,
  startsAt,
  endsAt,
  capacity: 20,
  format: 'online',
  joiningUrl: 'https://meet.example.org/families',
  trainers,
})

describe('the trainer pool', () => {
  it('approves a person for a course, once, from a date that has passed', async () => {
    const [first] = people
    const approved = await call('POST', '/api/v1/trainers', {
      personId: first?.id,
      courseId,
      trainedOn: '2026-02-01',
    })
    expect(approved.statusCode).toBe(201)
    expect(approved.json()).toMatchObject({ expiresOn: '2027-02-01', approved: true, cpdCompletedOn: null })
    const twice = await call('POST', '/api/v1/trainers', {
      personId: first?.id,
      courseId,
      trainedOn: '2026-03-01',
    })
    expect(twice.statusCode).toBe(409)
    const future = await call('POST', '/api/v1/trainers', {
      personId: people[1]?.id,
      courseId,
      trainedOn: '2027-01-01',
    })
    expect(future.statusCode).toBe(400)
    expect(future.json().errors[0].field).toBe('trainedOn')
  })

  it('puts only approved trainers on a session, and only while their approval stands', async () => {
    const [first, second] = people
    const unapproved = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-01-12T09:30:00Z', '2027-01-12T12:30:00Z', [second?.id ?? '']),
    )
    expect(unapproved.statusCode).toBe(400)
    expect(unapproved.json().errors[0]).toMatchObject({ field: 'trainers' })
    // Approved from 1 February 2026, so lapsed after 1 February 2027 without a CPD questionnaire.
    const lapsed = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-02-02T09:30:00Z', '2027-02-02T12:30:00Z', [first?.id ?? '']),
    )
    expect(lapsed.statusCode).toBe(400)
    expect(lapsed.json().errors[0].message).toContain('lapsed on 2027-02-01')
    const scheduled = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-01-12T09:30:00Z', '2027-01-12T12:30:00Z', [first?.id ?? '']),
    )
    expect(scheduled.statusCode).toBe(201)
    expect(scheduled.json().trainers).toEqual([{ personId: first?.id, name: expect.any(String) }])
  })

  it('renews an approval with the annual CPD questionnaire, and refuses once it is withdrawn', async () => {
    const [first] = people
    const [approval] = (await call('GET', `/api/v1/trainers?personId=${first?.id}`)).json().items
    const renewed = await call('PATCH', `/api/v1/trainers/${approval.id}`, { cpdCompletedOn: '2026-11-20' })
    expect(renewed.json()).toMatchObject({ expiresOn: '2027-11-20', approved: true })
    const later = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-02-02T09:30:00Z', '2027-02-02T12:30:00Z', [first?.id ?? '']),
    )
    expect(later.statusCode).toBe(201)
    const noReason = await call('PATCH', `/api/v1/trainers/${approval.id}`, { withdrawnReason: '  ' })
    expect(noReason.statusCode).toBe(400)
    const withdrawn = await call('PATCH', `/api/v1/trainers/${approval.id}`, {
      withdrawnReason: 'Left the partnership',
    })
    expect(withdrawn.json().approved).toBe(false)
    const refused = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-03-02T09:30:00Z', '2027-03-02T12:30:00Z', [first?.id ?? '']),
    )
    expect(refused.json().errors[0].message).toContain('withdrawn')
  })

  it('never books a trainer on two sessions at once, whatever the course', async () => {
    const [, second] = people
    for (const course of [courseId, otherCourseId])
      await call('POST', '/api/v1/trainers', {
        personId: second?.id,
        courseId: course,
        trainedOn: '2026-06-01',
      })
    const first = await call(
      'POST',
      '/api/v1/sessions',
      online('2027-04-06T09:30:00Z', '2027-04-06T12:30:00Z', [second?.id ?? '']),
    )
    expect(first.statusCode).toBe(201)
    const clash = await call('POST', '/api/v1/sessions', {
      ...online('2027-04-06T11:00:00Z', '2027-04-06T15:00:00Z', [second?.id ?? '']),
      courseId: otherCourseId,
    })
    expect(clash.statusCode).toBe(400)
    expect(clash.json().errors[0].message).toContain('already training then, on Working with families')
    const afterwards = await call('POST', '/api/v1/sessions', {
      ...online('2027-04-06T13:00:00Z', '2027-04-06T15:00:00Z', [second?.id ?? '']),
      courseId: otherCourseId,
    })
    expect(afterwards.statusCode).toBe(201)
    // Moving the first session onto the second's time is refused too.
    const moved = await call('PATCH', `/api/v1/sessions/${first.json().id}`, {
      startsAt: '2027-04-06T12:00:00Z',
      endsAt: '2027-04-06T14:00:00Z',
    })
    expect(moved.statusCode).toBe(400)
  })

  it('tells a session’s trainers when it is cancelled, with the reason, and frees them', async () => {
    const [, second] = people
    const { items } = (await call('GET', `/api/v1/sessions?courseId=${otherCourseId}`)).json()
    const session = items.find((s: { trainers: unknown[] }) => s.trainers.length)
    const noReason = await call('PATCH', `/api/v1/sessions/${session.id}`, { status: 'cancelled' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors[0].field).toBe('cancellationReason')
    const cancelled = await call('PATCH', `/api/v1/sessions/${session.id}`, {
      status: 'cancelled',
      cancellationReason: 'The trainer is unwell',
    })
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'The trainer is unwell',
    })
    const mail = await t.db.platform((sql) =>
      sql.query<{ subject: string; text_body: string }>(
        'SELECT subject, text_body FROM outbox WHERE to_address = $1',
        [second?.email],
      ),
    )
    expect(mail).toHaveLength(1)
    expect(mail[0]?.subject).toBe('Cancelled: Exploitation')
    expect(mail[0]?.text_body).toContain('The trainer is unwell')
    const again = await call('PATCH', `/api/v1/sessions/${session.id}`, { capacity: 5 })
    expect(again.statusCode).toBe(409)
  })
})
