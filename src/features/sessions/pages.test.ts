import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aCourse } from '#test/support/builders.ts'

let t: TestApp
let admin: Browser
let courseId: string
let trainerId: string

async function sessionCount(): Promise<number> {
  const norfolk = await t.partnership('norfolk')
  const row = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE course_id = $1', [courseId]),
  )
  return row.n
}

beforeAll(async () => {
  t = await testApp()
  const norfolk = await t.partnership('norfolk')
  const ctx = systemContext(norfolk, 'test')
  const course = await t.services.courses.create(
    ctx,
    aCourse({ title: 'Neglect: seeing the child', objectives: ['Recognise neglect early'] }),
  )
  courseId = course.id
  const person = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ id: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
       VALUES ($1, 'Dana', 'Trainer', 'dana.trainer@example.org', (SELECT id FROM agencies LIMIT 1)) RETURNING id`,
      [norfolk.id],
    ),
  )
  trainerId = person.id
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

const when = (day: string, month: string, year: string, start: string, end: string) => ({
  'part1-day': day,
  'part1-month': month,
  'part1-year': year,
  'part1-start': start,
  'part1-end': end,
})
const venue = {
  format: 'in_person',
  'venue-name': 'County Hall',
  'venue-address': 'Martineau Lane, Norwich',
  'venue-room': 'Room 2',
  capacity: '24',
  status: 'open',
}

describe('session pages', () => {
  it('adds a trainer to the pool on screen', async () => {
    const response = await admin.submit('/trainers/new', {
      email: 'DANA.trainer@example.org',
      courseId,
      'trainedOn-day': '1',
      'trainedOn-month': '9',
      'trainedOn-year': '2026',
    })
    expect(response.statusCode).toBe(303)
    const pool = page((await admin.get('/trainers')).body)
    expect(pool('main').text()).toContain('Dana Trainer')
    expect(pool('main').text()).toContain('Approved until 1 September 2027')
  })

  it('says what is wrong with a session, keeps what was typed, and adds nothing', async () => {
    const before = await sessionCount()
    const response = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...when('31', '2', '2027', '9am', '1pm'),
      format: 'online',
      joiningUrl: 'http://insecure.example.org',
      capacity: '0',
    })
    expect(response.statusCode).toBe(400)
    const html = page(response.body)
    expect(
      html('.govuk-error-summary a')
        .toArray()
        .map((a) => html(a).attr('href')),
    ).toEqual(['#part1-day', '#capacity', '#joiningUrl'])
    expect(html('#capacity').val()).toBe('0')
    expect(await sessionCount()).toBe(before)
  })

  it('refuses a session that ends before it starts, or in the past', async () => {
    const backwards = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...when('4', '3', '2027', '2pm', '9:30am'),
      ...venue,
    })
    expect(backwards.statusCode).toBe(400)
    expect(page(backwards.body)('.govuk-error-summary').text()).toContain(
      'Each part must end after it starts',
    )
    const past = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...when('4', '3', '2026', '9am', '1pm'),
      ...venue,
    })
    expect(page(past.body)('.govuk-error-summary').text()).toContain('cannot start in the past')
  })

  it('schedules a session on screen in UK time, with its trainer, and lists it on the course', async () => {
    const response = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...when('4', '6', '2027', '9:30am', '12:30pm'),
      ...venue,
      trainers: trainerId,
    })
    expect(response.statusCode).toBe(303)
    const sessionPage = page((await admin.get(String(response.headers.location))).body)
    expect(sessionPage('main').text()).toContain('4 June 2027, 9:30am to 12:30pm')
    expect(sessionPage('main').text()).toContain('Dana Trainer')
    const [session] = (
      await t.services.courseSessions.list(systemContext(await t.partnership('norfolk'), 'test'), {
        courseId,
        page: 1,
        pageSize: 10,
      })
    ).items
    // British Summer Time: 9:30am in London is 8:30 UTC.
    expect(session?.startsAt.toISOString()).toBe('2027-06-04T08:30:00.000Z')
    expect(session?.status).toBe('open')
    const coursePage = page((await admin.get(`/courses/${courseId}`)).body)
    expect(coursePage('table').text()).toContain('4 June 2027, 9:30am')
  })

  it('warns of a bank holiday and schedules only once the admin confirms it', async () => {
    const fields = { ...when('31', '5', '2027', '9am', '1pm'), ...venue, 'venue-room': 'Room 5' }
    const before = await sessionCount()
    const warned = await admin.submit(`/courses/${courseId}/sessions/new`, fields)
    expect(warned.statusCode).toBe(200)
    expect(page(warned.body)('.govuk-warning-text').text()).toContain(
      'Monday 31 May 2027 is a bank holiday (Spring bank holiday)',
    )
    expect(await sessionCount()).toBe(before)
    const confirmed = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...fields,
      bankHolidayConfirmed: 'yes',
    })
    expect(confirmed.statusCode).toBe(303)
    expect(await sessionCount()).toBe(before + 1)
  })

  it('offers another day for a course over several days, without scripts', async () => {
    const more = await admin.submit(`/courses/${courseId}/sessions/new`, {
      ...venue,
      partRows: '1',
      addPart: 'yes',
    })
    const html = page(more.body)
    expect(html('input[name="part2-day"]').length).toBe(1)
    expect(html('.govuk-error-summary').length).toBe(0)
  })

  it('changes a session, and cancels it only with a reason, escaping what it shows', async () => {
    const session = (
      await t.services.courseSessions.list(systemContext(await t.partnership('norfolk'), 'test'), {
        courseId,
        page: 1,
        pageSize: 10,
      })
    ).items.find((s) => s.startsAt.toISOString() === '2027-06-04T08:30:00.000Z')
    const edit = page((await admin.get(`/sessions/${session?.id}/edit`)).body)
    expect(edit('#part1-start').val()).toBe('09:30')
    const changed = await admin.submit(`/sessions/${session?.id}/edit`, {
      ...when('4', '6', '2027', '10am', '1pm'),
      ...venue,
      capacity: '30',
      trainers: trainerId,
    })
    expect(changed.statusCode).toBe(303)
    const unexplained = await admin.submit(`/sessions/${session?.id}/cancel`, { cancellationReason: ' ' })
    expect(unexplained.statusCode).toBe(400)
    expect(page(unexplained.body)('.govuk-error-summary').text()).toContain(
      'Enter why the session is cancelled',
    )
    const cancelled = await admin.submit(`/sessions/${session?.id}/cancel`, {
      cancellationReason: 'Venue closed <b>for repairs</b>',
    })
    expect(cancelled.statusCode).toBe(303)
    const shown = await admin.get(`/sessions/${session?.id}`)
    expect(shown.body).toContain('Venue closed &lt;b&gt;for repairs&lt;/b&gt;')
    expect(page(shown.body)('main').text()).toContain('Cancelled')
  })

  it('lets planners read sessions but only admins change them', async () => {
    const subgroup = await t.signIn('subgroup@norfolk.example.org')
    expect((await subgroup.get(`/courses/${courseId}/sessions/new`)).statusCode).toBe(403)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/trainers')).statusCode).toBe(403)
  })
})
