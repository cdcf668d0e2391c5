import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp({ env: { PUBLIC_PAGE_SECONDS: '10' } })
})
afterAll(() => t?.close())

const cookiesOf = (headers: Record<string, unknown>) => String(headers['set-cookie'] ?? '')

describe('the form-token cookie', () => {
  it('is not given by a page without a form, so a kept public page is the same for everyone', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/p/norfolk/courses' })
    const second = await t.app.inject({ method: 'GET', url: '/p/norfolk/courses' })
    expect(first.statusCode).toBe(200)
    expect(first.body).not.toContain('name="_csrf"')
    expect(cookiesOf(first.headers)).not.toMatch(/cascade_csrf=/)
    expect(cookiesOf(second.headers)).not.toMatch(/cascade_csrf=/)
    expect(second.body).toBe(first.body)
  })

  it('is given by a page with a form, whose token then signs in', async () => {
    const visitor = t.browser()
    const page = await visitor.get('/sign-in')
    expect(page.body).toContain('name="_csrf"')
    expect(cookiesOf(page.headers)).toMatch(/cascade_csrf=[^;]{32,}/)
    const signedIn = await visitor.post('/sign-in', {
      email: 'admin@norfolk.example.org',
      password: DEMO_PASSWORD,
    })
    expect(signedIn.statusCode).toBe(303)
  })

  it('is not given again to a visitor who has one, and their token stays the same', async () => {
    const visitor = t.browser()
    const first = await visitor.get('/sign-in')
    const token = /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1]
    const again = await visitor.get('/sign-in')
    expect(cookiesOf(again.headers)).not.toMatch(/cascade_csrf=/)
    expect(/name="_csrf" value="([^"]+)"/.exec(again.body)?.[1]).toBe(token)
  })

  it('refuses a form sent without the cookie, and changes nothing', async () => {
    const visitor = t.browser()
    await visitor.get('/sign-in')
    const forged = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: 'x'.repeat(43),
        email: 'admin@norfolk.example.org',
        password: DEMO_PASSWORD,
      }).toString(),
    })
    expect(forged.statusCode).toBe(403)
    expect(cookiesOf(forged.headers)).not.toMatch(/cascade_session=/)
  })
})
