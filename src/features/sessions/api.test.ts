import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let token: string
let publishedId: string
let draftId: string

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const admin = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({ partnershipId: norfolk.id, userId: admin.id, name: 'test' })
  const course = (body: object) => call('POST', '/api/v1/courses', body).then((r) => r.json().id as string)
  publishedId = await course({
    title: 'Neglect',
    deliveryMethod: 'multi_agency_training',
    objectives: ['Recognise neglect'],
    evaluationPlan: { impact: 'Confidence at follow-up' },
    status: 'published',
  })
  draftId = await course({ title: 'Draft course', deliveryMethod: 'briefing' })
})
afterAll(() => t?.close())

function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

// The test clock stands at 2026-11-24T10:00Z.
const venue = { name: 'County Hall', address: 'Martineau Lane, Norwich NR1 2DH', room: 'Room 3' }
const inPerson = (courseId: string, startsAt: string, endsAt: string) => ({
  courseId,
  startsAt,
  endsAt,
  capacity: 20,
  format: 'in_person',
  venue,
})

describe('the sessions API', () => {
  it('schedules a session of a published course open for applications, and of a draft course as a draft', async () => {
    const open = await call(
      'POST',
      '/api/v1/sessions',
      inPerson(publishedId, '2027-01-12T09:30:00Z', '2027-01-12T12:30:00Z'),
    )
    expect(open.statusCode).toBe(201)
    expect(open.json()).toMatchObject({ status: 'open', parts: [{ startsAt: '2027-01-12T09:30:00.000Z' }] })
    const drafted = await call('POST', '/api/v1/sessions', {
      courseId: draftId,
      startsAt: '2027-01-13T09:30:00Z',
      endsAt: '2027-01-13T10:30:00Z',
      capacity: 50,
      format: 'online',
      joiningUrl: 'https://meet.example.org/abc',
    })
    expect(drafted.json().status).toBe('draft')
    const refused = await call('POST', '/api/v1/sessions', {
      courseId: draftId,
      startsAt: '2027-01-14T09:30:00Z',
      endsAt: '2027-01-14T10:30:00Z',
      capacity: 50,
      format: 'online',
      joiningUrl: 'https://meet.example.org/abc',
      status: 'open',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors[0].field).toBe('status')
  })

  it('takes a course over several days as parts, in time order', async () => {
    const response = await call('POST', '/api/v1/sessions', {
      ...inPerson(publishedId, '2027-02-01T09:00:00Z', '2027-02-01T10:00:00Z'),
      venue: { ...venue, room: 'Room 9' },
      parts: [
        { startsAt: '2027-02-08T09:00:00Z', endsAt: '2027-02-08T16:00:00Z' },
        { startsAt: '2027-02-01T09:00:00Z', endsAt: '2027-02-01T16:00:00Z' },
      ],
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      startsAt: '2027-02-01T09:00:00.000Z',
      endsAt: '2027-02-08T16:00:00.000Z',
      parts: [{ startsAt: '2027-02-01T09:00:00.000Z' }, { startsAt: '2027-02-08T09:00:00.000Z' }],
    })
  })

  it('refuses bad times, places, places and links, naming each problem, and schedules nothing', async () => {
    const before = (await call('GET', '/api/v1/sessions')).json().total
    const cases: [object, string][] = [
      [
        inPerson(publishedId, '2027-01-20T12:00:00Z', '2027-01-20T09:00:00Z'),
        'Each part must end after it starts',
      ],
      [
        inPerson(publishedId, '2026-11-01T09:00:00Z', '2026-11-01T12:00:00Z'),
        'A session cannot start in the past',
      ],
      [
        { ...inPerson(publishedId, '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'), capacity: 0 },
        'at least 1 place',
      ],
      [
        { ...inPerson(publishedId, '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'), capacity: 10_001 },
        '10,000 places at most',
      ],
      [
        {
          ...inPerson(publishedId, '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'),
          parts: [
            { startsAt: '2027-01-20T09:00:00Z', endsAt: '2027-01-20T12:00:00Z' },
            { startsAt: '2027-01-20T11:00:00Z', endsAt: '2027-01-20T15:00:00Z' },
          ],
        },
        'cannot overlap',
      ],
      [
        inPerson(publishedId, '2027-01-12T11:00:00Z', '2027-01-12T13:00:00Z'),
        'County Hall, Room 3 is already booked then',
      ],
      [
        { ...inPerson(publishedId, '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'), venue: null },
        'Enter the venue',
      ],
      [
        {
          courseId: publishedId,
          startsAt: '2027-01-20T09:00:00Z',
          endsAt: '2027-01-20T12:00:00Z',
          capacity: 5,
          format: 'online',
          joiningUrl: 'javascript:alert(1)',
        },
        'https://',
      ],
      [
        {
          ...inPerson(publishedId, '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'),
          startsAt: 'next Tuesday',
        },
        'date and time',
      ],
      [
        inPerson('00000000-0000-4000-8000-000000000000', '2027-01-20T09:00:00Z', '2027-01-20T12:00:00Z'),
        'Select a course',
      ],
    ]
    for (const [body, message] of cases) {
      const response = await call('POST', '/api/v1/sessions', body)
      expect({ message, status: response.statusCode }).toEqual({ message, status: 400 })
      expect(JSON.stringify(response.json().errors)).toContain(message)
    }
    expect((await call('GET', '/api/v1/sessions')).json().total).toBe(before)
  })

  it('cancels a session, which frees its room', async () => {
    const { items } = (await call('GET', `/api/v1/sessions?courseId=${publishedId}`)).json()
    const first = items[0]
    const cancelled = await call('PATCH', `/api/v1/sessions/${first.id}`, {
      status: 'cancelled',
      cancellationReason: 'The venue flooded',
    })
    expect(cancelled.json().status).toBe('cancelled')
    const again = await call(
      'POST',
      '/api/v1/sessions',
      inPerson(publishedId, '2027-01-12T11:00:00Z', '2027-01-12T13:00:00Z'),
    )
    expect(again.statusCode).toBe(201)
  })
})
