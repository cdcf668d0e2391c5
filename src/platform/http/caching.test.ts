import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp
let admin: Browser
let token: string

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
  const norfolk = await t.partnership('norfolk')
  const user = await t.db.anonymous({}, (sql) =>
    sql.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@norfolk.example.org'`),
  )
  token = await t.services.tokens.create({ partnershipId: norfolk.id, userId: user.id, name: 'test' })
})
afterAll(() => t?.close())

describe('what a browser or proxy may keep', () => {
  it('is nothing of a signed-in page', async () => {
    const response = await admin.get('/dashboard')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('is nothing of a download', async () => {
    for (const url of ['/agencies.csv', '/impact.csv']) {
      const response = await admin.get(url)
      expect(response.statusCode, url).toBe(200)
      expect(String(response.headers['content-disposition']), url).toMatch(/attachment/)
      expect(response.headers['cache-control'], url).toBe('no-store')
    }
  })

  it('is nothing of an API response, or an API refusal', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const refused = await t.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { authorization: 'Bearer not-a-token' },
    })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['cache-control']).toBe('no-store')
  })

  it('is nothing of a response that signs in or out', async () => {
    const visitor = t.browser()
    const signedIn = await visitor.submit('/sign-in', {
      email: 'admin@norfolk.example.org',
      password: (await import('#src/demo/partnerships.ts')).DEMO_PASSWORD,
    })
    expect(signedIn.statusCode).toBe(303)
    expect(String(signedIn.headers['set-cookie'])).toMatch(/cascade_session=/)
    expect(signedIn.headers['cache-control']).toBe('no-store')
    const signedOut = await visitor.post('/sign-out', {})
    expect(String(signedOut.headers['set-cookie'])).toMatch(/cascade_session=;/)
    expect(signedOut.headers['cache-control']).toBe('no-store')
  })

  it('is unchanged for a public page to a visitor, and for the stylesheet', async () => {
    const visitor = await t.browser().get('/p/norfolk/courses')
    expect(visitor.statusCode).toBe(200)
    expect(visitor.headers['cache-control']).toBeUndefined()
    const css = await t.app.inject({
      method: 'GET',
      url: '/assets/govuk-frontend.min.css',
      headers: { cookie: admin.cookieHeader },
    })
    expect(css.headers['cache-control']).toMatch(/max-age=86400/)
  })
})
