import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '#platform/http/types.ts'
import { authentication } from '#platform/http/authentication.ts'
import type { TestApp } from '../support/app.ts'
import { testApp } from '../support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('route access', () => {
  it('refuses to start with a route that does not declare who may use it', async () => {
    const app = Fastify()
    await app.register(authentication, {
      sessions: t.services.sessions,
      tokens: t.services.tokens,
      production: false,
      maxHours: 1,
    })
    expect(() => app.get('/undeclared', () => 'hello')).toThrow(/does not declare who may use it/)
    await app.close()
  })

  it('has every route declare its access', () => {
    const routes = t.app.declaredRoutes
    expect(routes.length).toBeGreaterThan(10)
    for (const route of routes) expect(route.access, `${route.method} ${route.url}`).toBeDefined()
  })

  it('keeps the admin pages to admins', () => {
    const access = (url: string, method = 'GET') =>
      t.app.declaredRoutes.find((r) => r.url === url && r.method === method)?.access
    expect(access('/audit')).toEqual(['admin'])
    expect(access('/policy/change', 'POST')).toEqual(['admin'])
    expect(access('/api/v1/policy', 'PATCH')).toEqual(['admin'])
    expect(access('/courses/:id/interest')).toEqual(['admin'])
    for (const [url, method] of [
      ['/contracts', 'GET'],
      ['/contracts/new', 'POST'],
      ['/contracts/:id/edit', 'POST'],
      ['/api/v1/contracts', 'GET'],
      ['/api/v1/contracts/:id', 'PATCH'],
      ['/api-tokens', 'GET'],
      ['/api-tokens/:id/revoke', 'GET'],
      ['/api-tokens/:id/revoke', 'POST'],
    ] as const)
      expect({ url, method, access: access(url, method) }).toEqual({ url, method, access: ['admin'] })
  })

  it('keeps each move of a training need to the roles that make it, on pages and the API', () => {
    const access = (url: string, method = 'POST') =>
      t.app.declaredRoutes.find((r) => r.url === url && r.method === method)?.access
    for (const prefix of ['', '/api/v1']) {
      expect(access(`${prefix}/needs/:id/proposal`)).toEqual(['subgroup', 'admin'])
      expect(access(`${prefix}/needs/:id/decision`)).toEqual(['executive', 'admin'])
    }
    // Anyone confirmed may ask for learning; a registrant may not.
    for (const [url, method] of [
      ['/needs', 'GET'],
      ['/needs/new', 'POST'],
      ['/api/v1/needs', 'POST'],
    ] as const) {
      expect(access(url, method)).toContain('practitioner')
      expect(access(url, method)).not.toContain('registrant')
    }
  })

  it('sends someone who is not signed in to sign in, from every page that needs it', async () => {
    for (const url of [
      '/dashboard',
      '/policy',
      '/policy/change',
      '/audit',
      '/account',
      '/needs',
      '/needs/new',
      '/api-tokens',
    ]) {
      const response = await t.app.inject({ method: 'GET', url })
      expect({ url, status: response.statusCode }).toEqual({ url, status: 303 })
      expect(response.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(url)}`)
      // Refused or not, an answer names its request, to find it in the logs.
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('forbids a practitioner the admin pages', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    for (const url of ['/policy', '/policy/change', '/audit', '/api-tokens']) {
      const response = await practitioner.get(url)
      expect({ url, status: response.statusCode }).toEqual({ url, status: 403 })
    }
  })

  it('lets an executive read the policy but not change it', async () => {
    const executive = await t.signIn('executive@norfolk.example.org')
    expect((await executive.get('/policy')).statusCode).toBe(200)
    expect((await executive.get('/policy/change')).statusCode).toBe(403)
  })

  it('answers an API request without a token with 401 and a problem document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/policy' })
    expect(response.statusCode).toBe(401)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('does not accept a session cookie on the API, so the API needs no CSRF defence', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { cookie: admin.cookieHeader },
    })
    expect(response.statusCode).toBe(401)
  })
})
