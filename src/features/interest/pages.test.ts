import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import { systemContext } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import { aCourse } from '#test/support/builders.ts'

let t: TestApp
let norfolk: Context
const ids = { waiting: '', dated: '', draft: '', jersey: '' }

const course = (ctx: Context, title: string, status: 'draft' | 'published') =>
  t.services.courses.create(ctx, aCourse({ title, status }))

beforeAll(async () => {
  t = await testApp()
  norfolk = systemContext(await t.partnership('norfolk'), 'test')
  const jersey = systemContext(await t.partnership('jersey'), 'test')
  ids.waiting = (await course(norfolk, 'Neglect <b>matters</b>', 'published')).id
  ids.dated = (await course(norfolk, 'Dated course', 'published')).id
  ids.draft = (await course(norfolk, 'Secret draft', 'draft')).id
  ids.jersey = (await course(jersey, 'Jersey only', 'published')).id
  await t.services.courseSessions.create(norfolk, {
    courseId: ids.dated,
    startsAt: '2027-03-10T09:00:00Z',
    endsAt: '2027-03-10T12:00:00Z',
    capacity: 20,
    minimumPlaces: null,
    format: 'online',
    venue: null,
    joiningUrl: 'https://meet.example.org/x',
  })
})
afterAll(() => t?.close())

async function requests(courseId: string) {
  return t.db.tenant({ partnershipId: norfolk.partnership.id, userId: null }, (sql) =>
    sql.query<{ name: string; email: string; person_id: string | null; invited_at: Date | null }>(
      'SELECT name, email, person_id, invited_at FROM course_interests WHERE course_id = $1 ORDER BY created_at, id',
      [courseId],
    ),
  )
}

describe('registering interest from the public catalogue', () => {
  it('offers the form on a course with no date open for applications, and not on one with a date', async () => {
    const waiting = page((await t.browser().get(`/p/norfolk/courses/${ids.waiting}`)).body)
    const form = waiting(`form[action="/p/norfolk/courses/${ids.waiting}/interest"]`)
    expect(form.length).toBe(1)
    expect(waiting('h2:contains("Register your interest")').length).toBe(1)
    expect(form.find('label[for="name"]').text().trim()).toBe('Your name')
    expect(form.find('label[for="email"]').text().trim()).toBe('Work email address')
    expect(form.find('input[name="_csrf"]').val()).toBeTruthy()

    const dated = page((await t.browser().get(`/p/norfolk/courses/${ids.dated}`)).body)
    expect(dated('form[action$="/interest"]').length).toBe(0)
  })

  it('confirms a request, and answers the same when the address asks again, keeping one request', async () => {
    const visitor = t.browser()
    const from = `/p/norfolk/courses/${ids.waiting}`
    const first = await visitor.submit(
      `${from}/interest`,
      { name: 'Priya Sharma', email: 'priya.sharma@example.org' },
      { from },
    )
    expect(first.statusCode).toBe(200)
    t.clock.advance(60_000)
    const again = await t
      .browser()
      .submit(`${from}/interest`, { name: 'P. Sharma', email: 'Priya.Sharma@Example.org' }, { from })
    expect(again.statusCode).toBe(200)
    const text = (body: string) =>
      page(body)('main')
        .text()
        .replace(/\s+/g, ' ')
        .replace(/\S+@\S+/g, '')
    expect(text(again.body)).toBe(text(first.body))
    expect(page(first.body)('h1').text()).toBe('We will email you when there is a date')
    expect(await requests(ids.waiting)).toEqual([
      expect.objectContaining({ name: 'Priya Sharma', email: 'priya.sharma@example.org', person_id: null }),
    ])
    // Nothing is sent until there is a date.
    const mail = await t.db.platform((sql) =>
      sql.query(`SELECT 1 FROM outbox WHERE lower(to_address) = 'priya.sharma@example.org'`),
    )
    expect(mail).toEqual([])
  })

  it('says what is wrong, keeps what was typed (escaped), and records nothing', async () => {
    const from = `/p/norfolk/courses/${ids.waiting}`
    const before = (await requests(ids.waiting)).length
    for (const fields of [
      { name: '', email: 'not-an-email' },
      { name: 'x'.repeat(100_000), email: 'y'.repeat(100_000) },
      { name: '<script>alert(1)</script>', email: '<b>@example' },
    ]) {
      const response = await t.browser().submit(`${from}/interest`, fields, { from })
      expect(response.statusCode).toBe(400)
      const html = page(response.body)
      const links = html('.govuk-error-summary a')
        .toArray()
        .map((a) => html(a).attr('href'))
      expect(links).toEqual(
        fields.name.length > 0 && fields.name.length < 200 ? ['#email'] : ['#name', '#email'],
      )
      expect(html('title').text()).toMatch(/^Error: /)
      expect(response.body).not.toContain('<script>alert(1)</script>')
      expect(response.body).not.toContain('<b>@example')
    }
    const escaped = await t
      .browser()
      .submit(`${from}/interest`, { name: '<script>alert(1)</script>', email: 'bad' }, { from })
    expect(page(escaped.body)('#name').val()).toBe('<script>alert(1)</script>')
    expect((await requests(ids.waiting)).length).toBe(before)
  })

  it('refuses a post without the form’s token', async () => {
    const visitor = t.browser()
    await visitor.get(`/p/norfolk/courses/${ids.waiting}`)
    const forged = await visitor.post(
      `/p/norfolk/courses/${ids.waiting}/interest`,
      { name: 'Forged', email: 'forged@example.org' },
      { csrf: 'forged' },
    )
    expect(forged.statusCode).toBe(403)
  })

  it('answers 404 for a course that is a draft, another partnership’s, or not there', async () => {
    const from = `/p/norfolk/courses/${ids.waiting}`
    for (const url of [
      `/p/norfolk/courses/${ids.draft}/interest`,
      `/p/norfolk/courses/${ids.jersey}/interest`,
      `/p/jersey/courses/${ids.waiting}/interest`,
      '/p/norfolk/courses/not-an-id/interest',
      '/p/nowhere/courses/00000000-0000-4000-8000-000000000000/interest',
    ]) {
      const visitor = t.browser()
      expect({ url, status: (await visitor.get(url)).statusCode }).toEqual({ url, status: 404 })
      const posted = await visitor.submit(url, { name: 'Jo', email: 'jo@example.org' }, { from })
      expect({ url, status: posted.statusCode }).toEqual({ url, status: 404 })
    }
    expect(
      await t.db.tenant({ partnershipId: (await t.partnership('jersey')).id, userId: null }, (sql) =>
        sql.query('SELECT 1 FROM course_interests'),
      ),
    ).toEqual([])
  })

  it('links the request to the directory’s record of someone signed in', async () => {
    // The demo registrant has a record in the directory, waiting for their lead to confirm it.
    t.clock.advance(60_000)
    const registrant = await t.signIn('registrant@norfolk.example.org')
    const [person] = await t.db.tenant({ partnershipId: norfolk.partnership.id, userId: null }, (sql) =>
      sql.query<{ id: string }>(`SELECT id FROM people WHERE email = 'registrant@norfolk.example.org'`),
    )
    const from = `/p/norfolk/courses/${ids.waiting}`
    const response = await registrant.submit(
      `${from}/interest`,
      { name: 'New Practitioner', email: 'registrant@norfolk.example.org' },
      { from },
    )
    expect(response.statusCode).toBe(200)
    const mine = (await requests(ids.waiting)).find((r) => r.email === 'registrant@norfolk.example.org')
    expect(mine?.person_id).toBe(person?.id)
  })
})

describe('who is waiting for a date', () => {
  it('tells the partnership’s planners how many wait, and lets an admin see who', async () => {
    const trainer = await t.signIn('trainer@norfolk.example.org')
    const shown = page((await trainer.get(`/courses/${ids.waiting}`)).body)
    expect(shown('#waiting').text()).toMatch(/^2 people are waiting for a date for this course\.$/)
    expect(shown('#waiting a').length).toBe(0)
    expect((await trainer.get(`/courses/${ids.waiting}/interest`)).statusCode).toBe(403)

    const admin = await t.signIn('admin@norfolk.example.org')
    const course = page((await admin.get(`/courses/${ids.waiting}`)).body)
    expect(course('#waiting a').attr('href')).toBe(`/courses/${ids.waiting}/interest`)
    const list = await admin.get(`/courses/${ids.waiting}/interest`)
    expect(list.statusCode).toBe(200)
    const html = page(list.body)
    const rows = html('tbody tr')
      .toArray()
      .map((tr) =>
        html(tr)
          .find('td')
          .toArray()
          .slice(0, 2)
          .map((td) => html(td).text().trim()),
      )
    expect(rows).toEqual([
      ['Priya Sharma', 'priya.sharma@example.org'],
      ['New Practitioner', 'registrant@norfolk.example.org'],
    ])
    expect(page((await admin.get(`/courses/${ids.dated}`)).body)('#waiting').text()).toMatch(/^No one/)

    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    expect((await practitioner.get(`/courses/${ids.waiting}/interest`)).statusCode).toBe(403)
  })
})
