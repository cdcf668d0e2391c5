import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let session: string
let people: string[]

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  const agency = await w.agency('Shire Constabulary', 'police')
  people = [await w.person(agency, { first: 'Ada' }), await w.person(agency, { first: 'Bo' })]
  session = await w.session(await w.course('On the day'), '2027-02-01T09:30:00Z', { capacity: 5 })
  for (const p of people) await w.apply(session, p)
  await t.services.booking.shortlistNow(w.admin, session)
})
afterAll(() => t?.close())

const nameOf = (person: string) =>
  t.db.tenant(
    w.scope,
    async (sql) =>
      (
        await sql.one<{ name: string }>(
          `SELECT first_name || ' ' || last_name AS name FROM people WHERE id = $1`,
          [person],
        )
      ).name,
  )
afterEach(() => t.clock.set(TEST_NOW))

describe('the register page', () => {
  it('takes one tap per person, keeps each mark, and adds someone who came instead', async () => {
    const url = `/sessions/${session}/register`
    const early = await t.signIn('admin@norfolk.example.org')
    expect(page((await early.get(url)).body)('main').text()).toContain(
      'The register can be taken once the session starts.',
    )
    t.clock.set('2027-02-01T09:40:00Z')
    // Signed in again on the day: a sign-in does not last from November.
    const admin = await t.signIn('admin@norfolk.example.org')
    const sheet = page((await admin.get(url)).body)
    expect(sheet(`#person-${people[0]} button`).length).toBe(5)
    const tapped = await admin.post(url, { personId: people[0] ?? '', part: '1', mark: 'attended' })
    expect(tapped.statusCode).toBe(303)
    expect(tapped.headers.location).toBe(`${url}?done=marked&person=${people[0]}&part=1#person-${people[0]}`)
    const marked = page((await admin.get(String(tapped.headers.location))).body)
    // The banner sits with the person tapped, where the page opens, not at the top of a long register.
    expect(marked(`#person-${people[0]} .govuk-notification-banner--success h3`).text()).toBe(
      'You marked Ada Tester: Attended in full',
    )
    expect(marked('.govuk-notification-banner').length).toBe(1)
    expect(marked(`#person-${people[0]} strong`).text()).toBe('Attended in full')
    expect(marked(`#person-${people[0]} button[aria-pressed="true"]`).text()).toContain('Attended in full')

    const colleague = await w.person(
      (
        await t.db.tenant(w.scope, (sql) =>
          sql.one<{ agency_id: string }>('SELECT agency_id FROM people WHERE id = $1', [people[1]]),
        )
      ).agency_id,
    )
    const bookingOfBo = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM applications WHERE person_id = $1 AND session_id = $2', [
        people[1],
        session,
      ]),
    )
    const added = await admin.post(`${url}/walk-in`, {
      email: await w.emailOf(colleague),
      insteadOf: bookingOfBo.id,
    })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toMatch(new RegExp(`^${url}\\?done=walk-in&application=[0-9a-f-]+$`))
    const now = page((await admin.get(String(added.headers.location))).body)
    // Someone added is announced above the whole register, not within anyone's part of it.
    expect(now('.govuk-notification-banner--success h3').text()).toBe(
      `You added ${await nameOf(colleague)} to the register`,
    )
    expect(now('section .govuk-notification-banner').length).toBe(0)
    expect(now('section h2').length).toBe(2)
    expect(now('main').text()).not.toContain('Bo Tester')
    const unknown = await admin.post(`${url}/walk-in`, { email: 'nobody@example.org', insteadOf: '' })
    expect(unknown.statusCode).toBe(400)
    expect(page(unknown.body)('.govuk-error-summary').text()).toContain('No one with that email address')
    // Only the page's own words, about someone on this register, show a banner.
    for (const query of [
      `done=marked&person=${people[1]}&part=1`,
      `done=marked&person=${people[0]}&part=2`,
      `done=walk-in&application=${bookingOfBo.id}`,
      `done=valueOf&person=${people[0]}&part=1`,
    ])
      expect(page((await admin.get(`${url}?${query}`)).body)('.govuk-notification-banner').length).toBe(0)
  })
})

describe('certificates on screen', () => {
  it('lets anyone check a code, and says plainly when it is not found', async () => {
    const visitor = t.browser()
    const missing = await visitor.get('/verify?code=AAAA-BBBB-CCCC')
    expect(missing.statusCode).toBe(404)
    expect(page(missing.body)('main').text()).toContain(
      'We could not find a certificate with the code AAAA-BBBB-CCCC',
    )
    expect((await visitor.get('/verify')).statusCode).toBe(200)
  })
})
