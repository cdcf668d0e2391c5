import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aCourse } from '#test/support/builders.ts'

let t: TestApp
let norfolk: Context
let admin: Browser
let token: string
let courseId: string

beforeAll(async () => {
  t = await testApp()
  norfolk = systemContext(await t.partnership('norfolk'), 'test')
  admin = await t.signIn('admin@norfolk.example.org')
  const [user] = await t.db.anonymous({}, (sql) =>
    sql.query<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({
    partnershipId: norfolk.partnership.id,
    userId: user?.id ?? '',
    name: 'test',
  })
  courseId = (await t.services.courses.create(norfolk, aCourse({ title: 'Waiting', status: 'published' }))).id
})
afterAll(() => t?.close())

const api = (method: 'GET' | 'PATCH', url: string, payload?: object | string) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload,
  })

/** What a refused request must leave as it was: the policy's versions and the interest list. */
async function counts() {
  return t.db.tenant({ partnershipId: norfolk.partnership.id, userId: null }, async (sql) => ({
    policies: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM policies')).n,
    interest: (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM course_interests')).n,
  }))
}

function expectPage400(response: { statusCode: number; body: string }, message: RegExp) {
  expect(response.statusCode).toBe(400)
  expect(page(response.body)('main').text()).toMatch(message)
}

function expectProblem400(response: {
  statusCode: number
  headers: Record<string, unknown>
  json(): unknown
}) {
  expect(response.statusCode).toBe(400)
  expect(String(response.headers['content-type'])).toContain('application/problem+json')
  expect(response.json()).toMatchObject({
    status: 400,
    errors: [{ message: expect.stringMatching(/null character/) }],
  })
}

describe('a null character (U+0000) in what is sent', () => {
  it('is refused in a query string, on a page and through the API', async () => {
    expectPage400(await admin.get('/people?q=Asha%00'), /null character/)
    expectPage400(await t.browser().get('/verify?code=7KQX%00M2RD'), /null character/)
    expectProblem400(await api('GET', '/api/v1/policy?date=2026-01-01%00'))
  })

  it('is refused in a path segment, on a page and through the API', async () => {
    expectPage400(await t.browser().get('/verify/7KQX%00M2RD'), /null character/)
    expectProblem400(await api('GET', '/api/v1/certificates/7KQX%00M2RD'))
  })

  it('is refused in a form, public or signed in, and nothing is saved', async () => {
    const before = await counts()
    const visitor = t.browser()
    const interest = `/p/norfolk/courses/${courseId}/interest`
    expectPage400(
      await visitor.submit(interest, { name: 'Jane\u0000Smith', email: 'jane@example.org' }),
      /null character/,
    )
    await admin.get('/policy/change')
    expectPage400(
      await admin.post('/policy/change', { reason: 'Board decision\u0000', cancellationNoticeDays: '9' }),
      /null character/,
    )
    expect(await counts()).toEqual(before)
  })

  it('is refused in a JSON body, in a value or a name, and nothing is saved', async () => {
    const before = await counts()
    expectProblem400(
      await api('PATCH', '/api/v1/policy', { reason: 'Board\u0000', cancellationNoticeDays: 9 }),
    )
    expectProblem400(
      await api('PATCH', '/api/v1/policy', '{"reason\\u0000":"Board","cancellationNoticeDays":9}'),
    )
    expect(await counts()).toEqual(before)
  })

  it('is refused in a multipart form’s field, and nothing is saved', async () => {
    const before = await counts()
    const visitor = t.browser()
    const interest = `/p/norfolk/courses/${courseId}/interest`
    await visitor.get(interest)
    const response = await visitor.upload(
      interest,
      { field: 'attachment', filename: 'note.txt', content: 'hello', type: 'text/plain' },
      { name: 'Jane\u0000Smith', email: 'jane@example.org' },
    )
    expectPage400(response, /null character/)
    expect(await counts()).toEqual(before)
  })

  it('is refused in an uploaded file’s name', async () => {
    await admin.get('/people/import')
    const response = await admin.upload('/people/import', {
      field: 'file',
      filename: 'staff\u0000.csv',
      content: 'First name,Surname,Email,Agency\nJane,Smith,jane@example.org,Norfolk Police\n',
    })
    expectPage400(response, /null character/)
  })

  it('still accepts the same requests without one', async () => {
    expect((await admin.get('/people?q=Asha')).statusCode).toBe(200)
    expect((await api('GET', '/api/v1/policy?date=2026-01-01')).statusCode).toBe(200)
    const visitor = t.browser()
    const response = await visitor.submit(`/p/norfolk/courses/${courseId}/interest`, {
      name: 'Jane Smith',
      email: 'jane@example.org',
    })
    expect(response.statusCode).toBe(200)
  })
})
