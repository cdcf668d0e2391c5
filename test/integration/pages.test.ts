import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/app.ts'
import { page, testApp } from '../support/app.ts'

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ env: { METRICS_TOKEN } })
})
afterAll(() => t?.close())

describe('pages', () => {
  it('sends a strict Content Security Policy and the other security headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/sign-in' })
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).toMatch(/frame-ancestors 'none'/)
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
    // The page's one inline script is the one the policy allows by its hash, so browsers run it.
    const inline = page(response.body)('script:not([src])')
    expect(inline.length).toBe(1)
    const hash = createHash('sha256').update(inline.text()).digest('base64')
    expect(csp).toContain(`'sha256-${hash}'`)
  })

  it('answers an unknown page with a 404 page that leaks nothing', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/no/such/page?email=someone@example.org' })
    expect(response.statusCode).toBe(404)
    expect(page(response.body)('h1').text()).toBe('Page not found')
    expect(response.body).not.toContain('someone@example.org')
  })

  it('answers an unknown API path with a problem document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
  })

  it('shows the partnership, the user and navigation for their role', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get('/dashboard')).body)
    expect($('.cascade-partnership').text()).toMatch(/Norfolk Safeguarding Children Partnership/)
    const links = $('.govuk-service-navigation__list a')
      .map((_, a) => $(a).attr('href'))
      .get()
    // An admin's many pages are grouped on the menu page the header links to.
    expect(links).toEqual(expect.arrayContaining(['/dashboard', '/menu']))
    const menu = page((await admin.get('/menu')).body)
    const menuLinks = menu('main nav a')
      .map((_, a) => menu(a).attr('href'))
      .get()
    expect(menuLinks).toEqual(expect.arrayContaining(['/policy', '/audit', '/account']))

    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const theirs = page((await practitioner.get('/dashboard')).body)
    const theirLinks = theirs('.govuk-service-navigation__list a')
      .map((_, a) => theirs(a).attr('href'))
      .get()
    expect(theirLinks).not.toContain('/audit')
    expect(theirLinks).not.toContain('/policy')
  })

  it('serves the GOV.UK Frontend styles and fonts', async () => {
    const css = await t.app.inject({ method: 'GET', url: '/assets/govuk-frontend.min.css' })
    expect(css.statusCode).toBe(200)
    const font = css.body.match(/\/assets\/fonts\/[a-z0-9-]+\.woff2/)?.[0]
    expect(font).toBeTruthy()
    expect((await t.app.inject({ method: 'GET', url: font ?? '' })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/assets/../package.json' })).statusCode).toBe(404)
  })

  it('reports liveness, readiness and metrics', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({
      status: 'ok',
      database: 'ok',
    })
    const metrics = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    })
    expect(metrics.body).toMatch(/cascade_http_request_duration_seconds_bucket\{[^}]*route="\/health\/live"/)
  })

  it('pages and filters the audit trail for an admin', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const all = page((await admin.get('/audit')).body)
    // The demo load: one policy, fifteen agencies, seven memberships, seven demo users' records,
    // three published questionnaires, a course with three sessions of one part each, the demo
    // trainer's approval and place on all three, three places on yesterday's session, and a
    // training need with its first step: 52 changes; then the case-review register (sub-groups,
    // themes, three reviews with their steps, findings, recommendations, actions and updates):
    // 46 more; then the learning library (a briefing citing two findings on two themes, its first
    // version, the course it is read before, and a draft poster): 9 more; then the training
    // standards (a version and its six standards): 7 more; then the suggested audit templates (section
    // 11: a template, a version, 9 sections and 23 standards; section 175: a template, a version,
    // 10 sections and 25 standards): 71 more, 185 in all, the first 50 on the first page.
    expect(all('tbody tr').length).toBe(50)
    expect(all('main').text()).toMatch(/185 changes/)
    const policies = page((await admin.get('/audit?entityType=policies')).body)
    expect(policies('tbody tr').length).toBe(1)
    for (const url of ['/audit?from=yesterday', '/audit?from-day=30&from-month=2&from-year=2026']) {
      const bad = await admin.get(url)
      expect(bad.statusCode).toBe(400)
      expect(page(bad.body)('.govuk-error-summary a[href="#from-day"]').text()).toMatch(
        /real date, like 1 4 2026/,
      )
    }
    // Dates typed in boxes filter, and the boxes keep them.
    const typed = page((await admin.get('/audit?from-day=1&from-month=1&from-year=2090')).body)
    expect(typed('main').text()).toMatch(/0 changes/)
    expect(typed('#from-year').attr('value')).toBe('2090')
  })
})
