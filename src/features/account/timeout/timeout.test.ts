import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '#platform/auth/secrets.ts'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { timeoutPlan } from './service.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
}, 120_000)
afterAll(() => t?.close())

const MINUTE = 60_000

/** The session cookie a browser holds. */
function sessionOf(browser: Browser): string {
  const token = /cascade_session=([^;]+)/.exec(browser.cookieHeader)?.[1]
  if (!token) throw new Error('Not signed in')
  return token
}

async function sessionRow(token: string) {
  const rows = await t.db.platform((sql) =>
    sql.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM user_sessions WHERE id_hash = $1', [
      hashToken(token),
    ]),
  )
  return rows[0] ?? null
}

const json = (body: string) => JSON.parse(body) as { remainingSeconds: number }

describe('the timeout warning’s plan', () => {
  it('warns two minutes before a 30-minute idle limit, and half way through a 1-minute one', () => {
    expect(timeoutPlan(30)).toMatchObject({ idleSeconds: 1800, warningSeconds: 120, firstCheckSeconds: 1620 })
    expect(timeoutPlan(1)).toMatchObject({ idleSeconds: 60, warningSeconds: 30, firstCheckSeconds: 15 })
  })
})

describe('signed-in pages carry the warning', () => {
  it('puts the dialog, with the idle time and the warning’s lead, on a signed-in page only', async () => {
    const browser = await t.signIn('trainer@norfolk.example.org')
    const home = page((await browser.get('/dashboard')).body)
    const dialog = home('dialog#cascade-timeout')
    expect(dialog.attr('data-idle-seconds')).toBe('1800')
    expect(dialog.attr('data-warning-seconds')).toBe('120')
    expect(dialog.find('h2').text()).toBe('You’re about to be signed out')
    expect(dialog.find('button[data-timeout-stay]').text()).toBe('Stay signed in')
    expect(home('script[src^="/assets/timeout.js?v="]').length).toBe(1)

    const signIn = page((await t.browser().get('/sign-in')).body)
    expect(signIn('dialog#cascade-timeout').length).toBe(0)
    expect(signIn('script[src^="/assets/timeout.js"]').length).toBe(0)
  })
})

describe('staying signed in', () => {
  it('tells how long is left without counting the asking as use', async () => {
    const browser = await t.signIn('practitioner@norfolk.example.org')
    const token = sessionOf(browser)
    const before = await sessionRow(token)
    t.clock.advance(20 * MINUTE)
    const status = await browser.get('/account/session-status')
    expect(status.statusCode).toBe(200)
    expect(status.headers['cache-control']).toBe('no-store')
    expect(json(status.body).remainingSeconds).toBe(600)
    expect((await sessionRow(token))?.last_seen_at).toEqual(before?.last_seen_at)
    // Asking again and again does not keep it alive.
    t.clock.advance(10 * MINUTE)
    expect(json((await browser.get('/account/session-status')).body).remainingSeconds).toBe(0)
    expect((await browser.get('/dashboard')).statusCode).toBe(303)
  })

  it('marks the sign-in as used at once when asked to stay signed in, and it lasts another full idle time', async () => {
    const browser = await t.signIn('agency-lead@norfolk.example.org')
    const token = sessionOf(browser)
    await browser.get('/dashboard')
    // Under a minute since the last mark: an ordinary page would not mark it again.
    t.clock.advance(28 * MINUTE)
    await browser.get('/account/session-status')
    t.clock.advance(30_000)
    const kept = await browser.post('/account/keep-alive', {})
    expect(kept.statusCode).toBe(200)
    expect(json(kept.body).remainingSeconds).toBe(1800)
    expect((await sessionRow(token))?.last_seen_at).toEqual(t.clock.now())
    t.clock.advance(29 * MINUTE)
    expect((await browser.get('/dashboard')).statusCode).toBe(200)
  })

  it('refuses to keep alive without the form token', async () => {
    const browser = await t.signIn('subgroup@norfolk.example.org')
    const refused = await browser.post('/account/keep-alive', {}, { csrf: 'forged' })
    expect(refused.statusCode).toBe(403)
  })
})

describe('a sign-in that ends while idle', () => {
  it('sends the next page to one that says why, with a way back, and keeps nothing of the sign-in', async () => {
    const browser = await t.signIn('executive@norfolk.example.org')
    const token = sessionOf(browser)
    expect((await browser.get('/account')).statusCode).toBe(200)
    t.clock.advance(31 * MINUTE)
    const refused = await browser.get('/account')
    expect(refused.statusCode).toBe(303)
    expect(refused.headers.location).toBe('/session-ended?returnTo=%2Faccount')

    const ended = await browser.get('/session-ended?returnTo=%2Faccount')
    expect(ended.statusCode).toBe(200)
    const shown = page(ended.body)
    expect(shown('h1').text()).toBe('You have been signed out')
    expect(shown('main').text()).toContain('because you did nothing in Cascade for 30 minutes')
    expect(shown('main').text()).toContain('We have not saved anything you had not sent')
    expect(shown('a[href="/sign-in?returnTo=%2Faccount"]').text()).toBe('Sign in again')
    expect(shown('dialog#cascade-timeout').length).toBe(0)
    expect(await sessionRow(token)).toBeNull()
    expect(browser.cookieHeader).not.toContain('cascade_session=')

    // Signing in again returns to where they were.
    const again = await browser.post('/sign-in', {
      email: 'executive@norfolk.example.org',
      password: 'cascade-demo',
      returnTo: '/account',
    })
    expect(again.headers.location).toBe('/account')
  })

  it('does not keep a form sent after the sign-in ended', async () => {
    const browser = await t.signIn('admin@north-somerset.example.org')
    await browser.get('/dashboard')
    t.clock.advance(31 * MINUTE)
    const sent = await browser.post('/account/sessions', {})
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe('/session-ended')
    const ended = await browser.get('/session-ended')
    expect(page(ended.body)('main').text()).toContain('did nothing in Cascade for 30 minutes')
  })

  it('says the same when the page’s warning ran out and sent the browser there', async () => {
    const browser = await t.signIn('trainer@north-somerset.example.org')
    await browser.get('/dashboard')
    t.clock.advance(31 * MINUTE)
    const ended = await browser.get('/session-ended?reason=idle&returnTo=%2Fdashboard')
    expect(ended.statusCode).toBe(200)
    expect(page(ended.body)('a[href="/sign-in?returnTo=%2Fdashboard"]').length).toBe(1)
    // Reloaded, with the sign-in gone, it still says why.
    const reloaded = await browser.get('/session-ended?reason=idle&returnTo=%2Fdashboard')
    expect(page(reloaded.body)('main').text()).toContain('did nothing in Cascade for 30 minutes')
  })

  it('ends nothing when the sign-in is still running: a link to the page cannot sign anyone out', async () => {
    const browser = await t.signIn('practitioner@north-somerset.example.org')
    const back = await browser.get('/session-ended?reason=idle&returnTo=%2Faccount')
    expect(back.statusCode).toBe(303)
    expect(back.headers.location).toBe('/account')
    expect((await browser.get('/account')).statusCode).toBe(200)
  })

  it('sends someone never signed in, or whose cookie names no sign-in, to sign in as before', async () => {
    const never = await t.app.inject({ method: 'GET', url: '/account' })
    expect(never.headers.location).toBe('/sign-in?returnTo=%2Faccount')
    const stale = await t.app.inject({
      method: 'GET',
      url: '/session-ended?returnTo=%2Faccount',
      headers: { cookie: 'cascade_session=nothing-like-it' },
    })
    expect(stale.statusCode).toBe(303)
    expect(stale.headers.location).toBe('/sign-in?returnTo=%2Faccount')
  })

  it('says why when the sign-in was ended elsewhere', async () => {
    const phone = await t.signIn('agency-lead@north-somerset.example.org')
    const desk = await t.signIn('agency-lead@north-somerset.example.org')
    await desk.get('/account')
    await desk.post('/account/sessions', {})
    const refused = await phone.get('/dashboard')
    expect(refused.headers.location).toBe('/session-ended?returnTo=%2Fdashboard')
    const ended = await phone.get('/session-ended?returnTo=%2Fdashboard')
    expect(page(ended.body)('main').text()).toContain('sign out everywhere else')
  })
})
