import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aCourse } from '#test/support/builders.ts'
import { calendarDate, isCalendarDate } from './forms.ts'

describe('a calendar date', () => {
  it('is a day that exists, from 1 January of year 1', () => {
    for (const date of ['2024-02-29', '2000-02-29', '0001-01-01', '2026-04-30', '9999-12-31'])
      expect(isCalendarDate(date), date).toBe(true)
    for (const date of [
      '2020-02-30',
      '2023-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-00-00',
      '0000-01-01',
      '2026-4-1',
      '20260401',
      '',
    ])
      expect(isCalendarDate(date), date).toBe(false)
  })

  it('is checked by the shared schema with the message given', () => {
    const schema = calendarDate('Enter a real date, like 2027-04-01')
    expect(schema.safeParse('2027-04-01')).toMatchObject({ success: true, data: '2027-04-01' })
    expect(schema.safeParse('2020-02-30').error?.issues[0]?.message).toBe(
      'Enter a real date, like 2027-04-01',
    )
  })
})

let t: TestApp
let norfolk: Context
let admin: Browser
let token: string
let courseId: string
let personId: string

beforeAll(async () => {
  t = await testApp()
  norfolk = systemContext(await t.partnership('norfolk'), 'test')
  admin = await t.signIn('admin@norfolk.example.org')
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({
    partnershipId: norfolk.partnership.id,
    userId: user.id,
    name: 'test',
  })
  courseId = (await t.services.courses.create(norfolk, aCourse({ title: 'Dated', status: 'published' }))).id
  personId = (
    await scoped((sql) =>
      sql.one<{ id: string }>(
        `SELECT id FROM people WHERE merged_into IS NULL AND status = 'active' ORDER BY email LIMIT 1`,
      ),
    )
  ).id
})
afterAll(() => t?.close())

function scoped<T>(fn: (sql: Sql) => Promise<T>) {
  return t.db.tenant({ partnershipId: norfolk.partnership.id, userId: null }, fn)
}

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })

/** What a refused request must leave as it was. */
async function counts() {
  return scoped(async (sql) => ({
    policies: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM policies')).n,
    approvals: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM trainer_approvals')).n,
    sessions: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM sessions')).n,
  }))
}

function expectProblem(response: Awaited<ReturnType<typeof api>>, field: string) {
  expect(response.statusCode).toBe(400)
  expect(String(response.headers['content-type'])).toContain('application/problem+json')
  expect(response.json().errors).toEqual([expect.objectContaining({ field })])
}

/** The values a page's form would send as it stands. */
function formValues(html: string): Record<string, string> {
  const $ = page(html)
  const values: Record<string, string> = {}
  $('main form input, main form select, main form textarea').each((_, element) => {
    const field = $(element)
    const name = field.attr('name')
    const type = field.attr('type')
    if (!name || name === '_csrf' || ((type === 'radio' || type === 'checkbox') && !field.is(':checked')))
      return
    values[name] = field.is('select')
      ? String(field.find('option:selected').val() ?? '')
      : String(field.val() ?? '')
  })
  return values
}

describe('an impossible date', () => {
  it('re-renders a page’s form with a message, and changes nothing', async () => {
    const before = await counts()
    const email = (
      await scoped((sql) => sql.one<{ email: string }>('SELECT email FROM people WHERE id = $1', [personId]))
    ).email
    for (const [day, month, year] of [
      ['30', '2', '2026'],
      ['0', '0', '0000'],
      ['1', '1', '0'],
    ] as const) {
      await admin.get('/trainers/new')
      const response = await admin.post('/trainers/new', {
        email,
        courseId,
        'trainedOn-day': day,
        'trainedOn-month': month,
        'trainedOn-year': year,
      })
      expect(response.statusCode, `${day} ${month} ${year}`).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toMatch(/real date/)
    }
    for (const [day, month, year] of [
      ['30', '2', '2030'],
      ['31', '4', '2031'],
    ] as const) {
      const form = formValues((await admin.get('/policy/change')).body)
      const response = await admin.post('/policy/change', {
        ...form,
        'effectiveFrom-day': day,
        'effectiveFrom-month': month,
        'effectiveFrom-year': year,
        reason: 'Board decision',
      })
      expect(response.statusCode, `${day} ${month} ${year}`).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toMatch(/real date/)
    }
    expect(await counts()).toEqual(before)
  })

  it('is refused in a page’s filter with a message', async () => {
    for (const date of ['2020-02-30', '0000-00-00', '0000-01-01']) {
      const response = await admin.get(`/audit?from=${date}`)
      expect(response.statusCode, date).toBe(400)
      expect(page(response.body)('.govuk-error-summary').text()).toMatch(/date/)
    }
  })

  it('gets a problem document from the API, and changes nothing', async () => {
    const before = await counts()
    for (const date of ['2020-02-30', '0000-00-00', '0000-01-01']) {
      expectProblem(await api('GET', `/api/v1/policy?date=${date}`), 'date')
      expectProblem(
        await api('PATCH', '/api/v1/policy', { effectiveFrom: date, cancellationNoticeDays: 9 }),
        'effectiveFrom',
      )
      expectProblem(
        await api('POST', '/api/v1/trainers', { personId, courseId, trainedOn: date }),
        'trainedOn',
      )
      expectProblem(await api('GET', `/api/v1/courses/${courseId}/impact?from=${date}`), 'from')
      expectProblem(
        await api('POST', '/api/v1/sessions', {
          courseId,
          startsAt: `${date}T09:00:00Z`,
          endsAt: '2027-01-12T12:00:00Z',
          capacity: 20,
          format: 'online',
          joiningUrl: 'https://meet.example.org/abc',
        }),
        'startsAt',
      )
    }
    expect(await counts()).toEqual(before)
  })

  it('leaves real dates as they were', async () => {
    expect((await api('GET', '/api/v1/policy?date=2028-02-29')).statusCode).toBe(200)
    expect((await admin.get('/audit?from=2024-02-29')).statusCode).toBe(200)
    expect((await api('GET', `/api/v1/courses/${courseId}/impact?from=2024-02-29`)).statusCode).toBe(200)
  })
})
