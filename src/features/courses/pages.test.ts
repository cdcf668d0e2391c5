import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { anOnlineSession } from '#test/support/builders.ts'

let t: TestApp
let admin: Browser

beforeAll(async () => {
  t = await testApp()
  admin = await t.signIn('admin@norfolk.example.org')
})
afterAll(() => t?.close())

async function courseCount(): Promise<number> {
  const norfolk = await t.partnership('norfolk')
  const row = await t.db.tenant({ partnershipId: norfolk.id, userId: null }, (sql) =>
    sql.one<{ n: number }>('SELECT count(*)::int AS n FROM courses'),
  )
  return row.n
}

describe('course pages', () => {
  it('adds themes, once each', async () => {
    expect(
      (await admin.submit('/themes', { name: 'Neglect', framework: 'Learning from reviews' })).statusCode,
    ).toBe(303)
    const again = await admin.submit('/themes', { name: 'neglect' })
    expect(again.statusCode).toBe(400)
    expect(page(again.body)('.govuk-error-summary').text()).toContain('already a theme')
  })

  it('says what is wrong with a course form, keeps what was typed, and adds nothing', async () => {
    const before = await courseCount()
    const response = await admin.submit('/courses/new', {
      title: '',
      durationMinutes: 'three hours',
      afterCourse: '00000000-0000-4000-8000-000000000000',
      objectives: 'Spot neglect',
    })
    expect(response.statusCode).toBe(400)
    const html = page(response.body)
    expect(
      html('.govuk-error-summary a')
        .toArray()
        .map((a) => html(a).attr('href')),
    ).toEqual(['#title', '#deliveryMethod', '#durationMinutes', '#impact'])
    expect(html('#objectives').text()).toBe('Spot neglect')
    expect(await courseCount()).toBe(before)
  })

  it('adds a draft, escapes what it shows, refuses to publish it until complete, and keeps its versions', async () => {
    const themes = page((await admin.get('/courses/new')).body)('input[name="themes"]')
    const themeId = String(themes.first().val())
    const added = await admin.submit('/courses/new', {
      title: 'Neglect <script>alert(1)</script>',
      deliveryMethod: 'multi_agency_training',
      durationMinutes: '180',
      themes: themeId,
    })
    expect(added.statusCode).toBe(303)
    const url = String(added.headers.location)
    const shown = await admin.get(url)
    expect(shown.body).not.toContain('<script>alert(1)</script>')
    expect(page(shown.body)('h1').text()).toBe('Neglect <script>alert(1)</script>')
    expect(page(shown.body)('main').text()).toContain('Neglect')

    const refused = await admin.submit(`${url}/publish`, {}, { from: url })
    expect(refused.statusCode).toBe(400)
    expect(
      page(refused.body)('.govuk-error-summary a')
        .toArray()
        .map((a) => page(refused.body)(a).attr('href')),
    ).toEqual([`${url}/edit#objectives`, `${url}/edit#impact`])

    const changed = await admin.submit(`${url}/edit`, {
      title: 'Recognising neglect',
      deliveryMethod: 'multi_agency_training',
      durationMinutes: '180',
      themes: themeId,
      objectives: 'Recognise the signs of neglect\nMake a referral with the evidence it needs',
      impact: 'Confidence at follow-up against at booking',
      reason: 'Learning from the Child A review',
    })
    expect(changed.statusCode).toBe(303)
    expect((await admin.submit(`${url}/publish`, {}, { from: url })).statusCode).toBe(303)
    const published = page((await admin.get(url)).body)
    expect(published('.govuk-caption-l').text()).toBe('Published, version 2')
    expect(published('main').text()).toContain('Learning from the Child A review')
    expect(published('ol li').length).toBe(2)
  })

  it('offers to open a draft course’s draft sessions with it, and opens only those chosen', async () => {
    const added = await admin.submit('/courses/new', {
      title: 'Neglect: the signs',
      deliveryMethod: 'multi_agency_training',
      durationMinutes: '180',
      objectives: 'Recognise the signs of neglect',
      impact: 'Confidence at follow-up against at booking',
    })
    const url = String(added.headers.location)
    const courseId = url.split('/').pop() ?? ''
    const norfolk = await t.partnership('norfolk')
    const ctx = {
      partnership: norfolk,
      actor: { userId: null, label: 'test', roles: ['admin' as const], agencyIds: [] },
    }
    const session = (startsAt: string) =>
      t.services.courseSessions.create(
        ctx,
        anOnlineSession(courseId, startsAt, { joiningUrl: 'https://meet.example.org/neglect' }),
      )
    const [first, second] = [await session('2027-05-10T09:00:00Z'), await session('2027-06-14T09:00:00Z')]
    expect([first.status, second.status]).toEqual(['draft', 'draft'])

    const offered = page((await admin.get(url)).body)
    expect(offered('input[name="sessions"]').length).toBe(2)
    expect(offered('input[name="sessions"]:checked').length).toBe(2)

    const published = await admin.submit(`${url}/publish`, { sessions: first.id }, { from: url })
    expect(published.statusCode).toBe(303)
    const shown = page((await admin.get(String(published.headers.location))).body)
    expect(shown('.govuk-notification-banner').text()).toContain('with 1 of its 1 draft session open')
    const status = (id: string) =>
      t.db.tenant(
        { partnershipId: norfolk.id, userId: null },
        async (sql) =>
          (await sql.one<{ status: string }>('SELECT status FROM sessions WHERE id = $1', [id])).status,
      )
    expect(await status(first.id)).toBe('open')
    expect(await status(second.id)).toBe('draft')
    // Nothing of the query is echoed: only numbers make a banner.
    expect(page((await admin.get(`${url}?published=<b>`)).body)('.govuk-notification-banner').length).toBe(0)
  })

  it('shows courses to the partnership’s planners, not to practitioners', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get('/courses')).statusCode).toBe(403)
    const trainer = await t.signIn('trainer@norfolk.example.org')
    const list = page((await trainer.get('/courses')).body)
    expect(list('tbody').text()).toContain('Recognising neglect')
    expect(list('a:contains("Add a course")').length).toBe(0)
  })
})
