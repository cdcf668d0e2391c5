import { brotliDecompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionInput } from '#features/sessions/forms.ts'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aCourse, anOnlineSession } from '#test/support/builders.ts'

let t: TestApp
const ids = { published: '', draft: '', jersey: '' }

/** An online session of the course, whose joining link must never reach the public. */
const session = (ctx: Context, courseId: string, startsAt: string, extra: Partial<SessionInput> = {}) =>
  t.services.courseSessions.create(
    ctx,
    anOnlineSession(courseId, startsAt, { joiningUrl: 'https://meet.example.org/secret-link', ...extra }),
  )

beforeAll(async () => {
  t = await testApp()
  const norfolk = systemContext(await t.partnership('norfolk'), 'test')
  const jersey = systemContext(await t.partnership('jersey'), 'test')
  const course = async (ctx: typeof norfolk, title: string, status: 'draft' | 'published') =>
    (await t.services.courses.create(ctx, aCourse({ title, status }))).id
  ids.published = await course(norfolk, 'Neglect <b>matters</b>', 'published')
  ids.draft = await course(norfolk, 'Secret draft', 'draft')
  ids.jersey = await course(jersey, 'Jersey only', 'published')
  await session(norfolk, ids.published, '2027-03-10T09:00:00Z')
  await session(norfolk, ids.published, '2027-04-14T09:00:00Z', {
    format: 'in_person',
    venue: { name: 'County Hall', address: 'Norwich' },
    joiningUrl: null,
  })
  const cancelled = await session(norfolk, ids.published, '2027-05-12T09:00:00Z')
  await t.services.courseSessions.change(norfolk, cancelled.id, {
    status: 'cancelled',
    cancellationReason: 'Trainer unwell',
  })
})
afterAll(() => t?.close())

describe('the public catalogue', () => {
  it('lists published courses and their upcoming sessions to anyone, with when places are allocated', async () => {
    const visitor = t.browser()
    const response = await visitor.get('/p/norfolk/courses')
    expect(response.statusCode).toBe(200)
    const html = page(response.body)
    expect(html('h2').text()).toContain('Neglect <b>matters</b>')
    expect(response.body).not.toContain('<b>matters</b>')
    expect(response.body).not.toContain('Secret draft')
    expect(response.body).not.toContain('secret-link')
    expect(response.body).not.toContain('Jersey only')
    const sessions = html('li')
      .toArray()
      .map((li) => html(li).text())
      .filter((text) => /Online:|County Hall:/.test(text))
    // Six weeks before 10 March 2027 is 27 January; the cancelled May session is not shown.
    expect(sessions).toEqual([
      '10 March 2027, 9am to 12pm, Online: Applications close on 27 January 2027, and places are allocated then',
      '14 April 2027, 10am to 1pm, County Hall: Applications close on 3 March 2027, and places are allocated then',
    ])
  })

  it('filters by format and month', async () => {
    const online = page((await t.browser().get('/p/norfolk/courses?format=online')).body)
    expect(online('main').text()).toContain('10 March 2027')
    expect(online('main').text()).not.toContain('14 April 2027')
    const april = page((await t.browser().get('/p/norfolk/courses?month=2027-04')).body)
    expect(april('main').text()).toContain('14 April 2027')
    // The month is chosen from a list of the coming twelve, not typed.
    expect(april('select#month option:selected').text()).toBe('April 2027')
    expect(april('select#month option').length).toBe(13)
    expect(april('input[type="month"]').length).toBe(0)
    const none = page((await t.browser().get('/p/norfolk/courses?month=2030-01')).body)
    expect(none('h2 a').length).toBe(0)
    // A filter that makes no sense is ignored rather than refused.
    expect((await t.browser().get('/p/norfolk/courses?format=carrier-pigeon&month=soon')).statusCode).toBe(
      200,
    )
  })

  it('shows a published course’s page, and nothing unpublished or of another partnership', async () => {
    const course = await t.browser().get(`/p/norfolk/courses/${ids.published}`)
    expect(course.statusCode).toBe(200)
    expect(page(course.body)('.cascade-date').length).toBe(2)
    for (const url of [
      `/p/norfolk/courses/${ids.draft}`,
      `/p/norfolk/courses/${ids.jersey}`,
      `/p/jersey/courses/${ids.published}`,
      '/p/norfolk/courses/not-an-id',
      '/p/nowhere/courses',
    ]) {
      expect({ url, status: (await t.browser().get(url)).statusCode }).toEqual({ url, status: 404 })
    }
  })
})

describe('public pages kept for a few seconds', () => {
  let kept: TestApp
  let courseId = ''
  let ctx: ReturnType<typeof systemContext>
  beforeAll(async () => {
    kept = await testApp({ env: { PUBLIC_PAGE_SECONDS: '10' } })
    ctx = systemContext(await kept.partnership('norfolk'), 'test')
    courseId = (
      await kept.services.courses.create(ctx, aCourse({ title: 'Kept course', status: 'published' }))
    ).id
  })
  afterAll(() => kept?.close())

  const retitle = (title: string) => kept.services.courses.change(ctx, courseId, { title })

  it('serves everyone kept content, each with their own form token, and an admin’s change at once', async () => {
    const url = `/p/norfolk/courses/${courseId}`
    const first = kept.browser()
    const firstPage = await first.get(url)
    expect(page(firstPage.body)('h1').text()).toBe('Kept course')
    // A change made elsewhere (another process, or straight in the database) waits for the page to go stale.
    await retitle('Kept course, renamed')
    const second = kept.browser()
    const secondPage = await second.get(url)
    expect(page(secondPage.body)('h1').text()).toBe('Kept course')
    const token = (body: string) => page(body)('input[name="_csrf"]').val()
    expect(token(secondPage.body)).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(token(secondPage.body)).not.toBe(token(firstPage.body))
    // A signed-in user gets the kept content in a layout of their own, with their own token.
    const practitioner = await kept.signIn('practitioner@norfolk.example.org')
    const theirs = page((await practitioner.get(url)).body)
    expect(theirs('h1').text()).toBe('Kept course')
    expect(theirs('.cascade-partnership__user').text()).not.toBe('')
    const tokens = theirs('input[name="_csrf"]')
      .map((_i, input) => theirs(input).val())
      .get()
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).not.toBe(token(secondPage.body))
    // The second visitor's own token is accepted; registering interest does not change the page.
    const registered = await second.post(`${url}/interest`, { name: 'Sam Visitor', email: 'sam@example.org' })
    expect(registered.statusCode).toBe(200)
    expect(page((await kept.browser().get(url)).body)('h1').text()).toBe('Kept course')
    // Anything an admin does through the pages (here, no more than signing out) clears what is
    // kept, so the change they made shows at once.
    const admin = await kept.signIn('admin@norfolk.example.org')
    await retitle('Kept course, renamed again')
    expect((await admin.post('/sign-out', {})).statusCode).toBe(200)
    expect(page((await kept.browser().get(url)).body)('h1').text()).toBe('Kept course, renamed again')
  })

  it('sends the kept catalogue compressed to a browser that accepts it, the same page as sent plain', async () => {
    const visit = (accepts?: string) =>
      kept.app.inject({
        method: 'GET',
        url: '/p/norfolk/courses',
        headers: accepts ? { 'accept-encoding': accepts } : {},
      })
    const plain = await visit()
    for (let visitor = 0; visitor < 2; visitor++) {
      const compressed = await visit('gzip, deflate, br')
      expect(compressed.headers['content-encoding']).toBe('br')
      expect(brotliDecompressSync(compressed.rawPayload).toString()).toBe(plain.body)
    }
  })
})

describe('a long catalogue', () => {
  it('is paged, each course with its next three dates and a link to the rest', async () => {
    const shropshire = systemContext(await t.partnership('shropshire'), 'test')
    const busy = (
      await t.services.courses.create(shropshire, aCourse({ title: 'AAA busy course', status: 'published' }))
    ).id
    for (const day of ['10', '11', '12', '15', '16'])
      await session(shropshire, busy, `2027-03-${day}T09:00:00Z`)
    for (let n = 1; n <= 21; n++)
      await t.services.courses.create(
        shropshire,
        aCourse({ title: `Course ${String(n).padStart(2, '0')}`, status: 'published' }),
      )

    const first = page((await t.browser().get('/p/shropshire/courses')).body)
    const titles = first('main h2').toArray()
    expect(titles).toHaveLength(20)
    expect(first('main h2').first().text()).toContain('AAA busy course')
    expect(first('main h2').first().parent().find('li')).toHaveLength(3)
    expect(first(`a[href="/p/shropshire/courses/${busy}"]`).last().text()).toContain('2 more dates')
    expect(first('.govuk-pagination__next a').attr('href')).toBe('?page=2')

    const second = page((await t.browser().get('/p/shropshire/courses?page=2')).body)
    const rest = second('main h2').length
    expect(rest).toBeGreaterThanOrEqual(2)
    expect(second('main h2').text()).not.toContain('AAA busy course')
    expect(second('.govuk-pagination__prev a').attr('href')).toBe('?page=1')
    // A page past the end shows the last page, not an empty one.
    expect(page((await t.browser().get('/p/shropshire/courses?page=99')).body)('main h2').length).toBe(rest)
  })
})

describe('a course with many dates', () => {
  it('shows its dates twenty a page, each page linked, and asks for interest only when none is open', async () => {
    const jersey = systemContext(await t.partnership('jersey'), 'test')
    const often = (
      await t.services.courses.create(jersey, aCourse({ title: 'Run often', status: 'published' }))
    ).id
    for (let day = 1; day <= 45; day++)
      await session(jersey, often, new Date(Date.UTC(2027, 4, day, 9)).toISOString())
    // Only the last date is open for applications, and it is on the last page.
    await t.db.platform((sql) =>
      sql.query(
        `UPDATE sessions SET status = CASE WHEN starts_at = (SELECT max(starts_at) FROM sessions WHERE course_id = $1)
                                           THEN 'open' ELSE 'full' END
          WHERE course_id = $1`,
        [often],
      ),
    )
    const visit = async (query = '') =>
      page((await t.browser().get(`/p/jersey/courses/${often}${query}`)).body)
    const dateCards = (p: Awaited<ReturnType<typeof visit>>) =>
      p('.cascade-date h3')
        .toArray()
        .map((h) => p(h).text())

    const first = await visit()
    expect(dateCards(first)).toHaveLength(20)
    expect(dateCards(first)[0]).toContain('1 May 2027')
    expect(first('main').text()).toContain('45 dates, page 1 of 3.')
    expect(first('nav.govuk-pagination').attr('aria-label')).toBe('Pages of dates')
    expect(first('.govuk-pagination__next a').attr('href')).toBe('?page=2')
    expect(first('main').text()).not.toContain('Register your interest')

    const last = await visit('?page=3')
    expect(dateCards(last)).toHaveLength(5)
    expect(dateCards(last)[0]).toContain('10 June 2027')
    expect(last('.govuk-pagination__prev a').attr('href')).toBe('?page=2')
    // A page past the end, or not a number, shows the last or the first page, not an error.
    expect(dateCards(await visit('?page=99'))).toEqual(dateCards(last))
    expect(dateCards(await visit('?page=two'))).toEqual(dateCards(first))
  })
})
