import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let course: string
let police: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  course = await w.course('Booking on screen')
  police = await w.agency('Shire Constabulary', 'police')
})
afterAll(() => t?.close())

const statusOf = (id: string) =>
  t.db.tenant(
    w.scope,
    async (sql) =>
      (await sql.one<{ status: string }>('SELECT status FROM applications WHERE id = $1', [id])).status,
  )

describe('applying on screen', () => {
  it('lets a practitioner apply for themselves, shows what is wrong, and lists the application', async () => {
    const session = await w.session(course, '2027-03-08T09:30:00Z')
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const form = page((await practitioner.get(`/sessions/${session}/apply`)).body)
    expect(form('main').text()).toContain('Applying for: Pat Practitioner')
    // The line manager on the person's record is filled in for them.
    await t.db.tenant(w.scope, (sql) =>
      sql.query(
        `UPDATE people SET manager_name = 'Morgan Manager', manager_email = 'morgan@example.org' WHERE email = $1`,
        ['practitioner@norfolk.example.org'],
      ),
    )
    const filled = page((await practitioner.get(`/sessions/${session}/apply`)).body)
    expect(filled('#managerName').val()).toBe('Morgan Manager')
    expect(filled('#managerEmail').val()).toBe('morgan@example.org')

    const wrong = await practitioner.post(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'not an email',
    })
    expect(wrong.statusCode).toBe(400)
    const errors = page(wrong.body)('.govuk-error-summary').text()
    expect(errors).toContain('Say whether another date of the course would do')
    // Every problem at once: the dates choice and the manager's email together.
    expect(errors).toContain('line manager’s email address in the correct format')

    const applied = await practitioner.post(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'yes',
    })
    expect(applied.statusCode).toBe(303)
    expect(applied.headers.location).toMatch(/^\/bookings\/[0-9a-f-]+\?done=applied$/)
    const bookingUrl = String(applied.headers.location).split('?')[0] ?? ''
    const confirmation = page((await practitioner.get(String(applied.headers.location))).body)
    const banner = confirmation('.govuk-notification-banner--success[role="alert"]')
    expect(banner.find('h3').text()).toBe('You applied for Booking on screen on 8 March 2027')
    expect(banner.text()).toContain('You and your line manager are told the result by email')
    const placePage = page((await practitioner.get(bookingUrl)).body)
    expect(placePage('.govuk-notification-banner').length).toBe(0)
    expect(placePage('main').text()).toContain('Applied')
    expect(placePage('.govuk-back-link').attr('href')).toBe('/bookings')
    expect(page((await practitioner.get(`${bookingUrl}/cancel`)).body)('.govuk-back-link').attr('href')).toBe(
      bookingUrl,
    )
    const mine = page((await practitioner.get('/bookings')).body)
    expect(mine('main a').text()).toContain('Booking on screen')
    // A second application for the same session is refused on the page.
    const twice = await practitioner.post(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    expect(twice.statusCode).toBe(400)
  })

  it('lets an agency lead apply for their staff by email, and no one else', async () => {
    const session = await w.session(course, '2027-03-09T09:30:00Z')
    const lead = await t.signIn('agency-lead@norfolk.example.org')
    const outsider = await w.person(police)
    const refused = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personEmail: await w.emailOf(outsider),
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain('is in your agencies’ staff')
    const applied = await lead.submit(`/sessions/${session}/apply`, {
      forWhom: 'other',
      personEmail: 'practitioner@norfolk.example.org',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    expect(applied.statusCode).toBe(303)
    const shown = page((await lead.get(String(applied.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe(
      'You applied for Pat Practitioner to go on Booking on screen on 9 March 2027',
    )
    expect(shown('.govuk-notification-banner--success').text()).toContain(
      'Pat Practitioner and their line manager are told the result by email',
    )
  })
})

describe('the banner after a change to a place', () => {
  it('shows only for a word the page knows, that the place still bears out', async () => {
    const session = await w.session(course, '2027-03-17T09:30:00Z')
    const id = await w.apply(session, await w.person(police))
    const admin = await t.signIn('admin@norfolk.example.org')
    for (const done of ['sideways', 'constructor', 'withdrawn', ''])
      expect(
        page((await admin.get(`/bookings/${id}?done=${done}`)).body)('.govuk-notification-banner').length,
      ).toBe(0)
  })

  it('says an application was withdrawn, naming whose when a lead or admin withdrew it', async () => {
    const session = await w.session(course, '2027-03-18T09:30:00Z')
    const id = await w.apply(session, await w.person(police, { first: 'Wren' }))
    const admin = await t.signIn('admin@norfolk.example.org')
    const withdrawn = await admin.submit(`/bookings/${id}/cancel`, { note: '' })
    expect(withdrawn.headers.location).toBe(`/bookings/${id}?done=withdrawn`)
    const shown = page((await admin.get(String(withdrawn.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe(
      'You withdrew the application of Wren Tester',
    )
    expect(await statusOf(id)).toBe('withdrawn')
  })

  it('says a practitioner withdrew their own application in their words', async () => {
    const session = await w.session(course, '2027-03-19T09:30:00Z')
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const applied = await practitioner.submit(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    const id = String(applied.headers.location).split('?')[0]?.split('/').at(-1) ?? ''
    const withdrawn = await practitioner.submit(`/bookings/${id}/cancel`, { note: '' })
    expect(withdrawn.headers.location).toBe(`/bookings/${id}?done=withdrawn`)
    const shown = page((await practitioner.get(String(withdrawn.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe('You withdrew your application')
    expect(shown('.govuk-notification-banner--success').text()).toContain(
      'We have emailed you and your line manager to confirm it.',
    )
  })

  it('says to whom a place was passed, on the new holder’s page', async () => {
    const session = await w.session(course, '2027-03-23T09:30:00Z')
    const id = await w.apply(session, await w.person(police))
    await t.services.booking.shortlistNow(w.admin, session)
    const colleague = await w.person(police, { first: 'Kit' })
    const admin = await t.signIn('admin@norfolk.example.org')
    const passed = await admin.submit(`/bookings/${id}/substitute`, {
      personEmail: await w.emailOf(colleague),
    })
    expect(passed.headers.location).toMatch(/^\/bookings\/[0-9a-f-]+\?done=passed$/)
    const shown = page((await admin.get(String(passed.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe('You passed the place to Kit Tester')
    expect(await statusOf(id)).toBe('cancelled')
  })

  it('says to which date an application was moved', async () => {
    const [from, to] = [
      await w.session(course, '2027-03-24T09:30:00Z'),
      await w.session(course, '2027-03-25T09:30:00Z'),
    ]
    const id = await w.apply(from, await w.person(police, { first: 'Lee' }))
    const admin = await t.signIn('admin@norfolk.example.org')
    const moved = await admin.submit(`/bookings/${id}/move`, { sessionId: to })
    expect(moved.headers.location).toBe(`/bookings/${id}?done=moved`)
    const shown = page((await admin.get(String(moved.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe(
      'You moved the application of Lee Tester to Booking on screen on 25 March 2027',
    )
  })

  it('says whose application an agency lead approved', async () => {
    const session = await w.session(course, '2027-03-26T09:30:00Z')
    const id = await w.apply(session, await w.person(police, { first: 'Ash' }))
    await t.db.tenant(w.scope, (sql) =>
      sql.query(`UPDATE applications SET approval_needed_at = '2026-11-20T10:00:00Z' WHERE id = $1`, [id]),
    )
    const admin = await t.signIn('admin@norfolk.example.org')
    const before = page((await admin.get(`/bookings/${id}?done=approved`)).body)
    expect(before('.govuk-notification-banner').length).toBe(0)
    const approved = await admin.submit(`/bookings/${id}/approve`, {})
    expect(approved.headers.location).toBe(`/bookings/${id}?done=approved`)
    const shown = page((await admin.get(String(approved.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe(
      'You approved the application of Ash Tester',
    )
  })

  it('says a place offered was accepted', async () => {
    const session = await w.session(course, '2027-03-22T09:30:00Z')
    const id = await w.apply(session, await w.person(police, { first: 'Olu' }))
    await t.db.tenant(w.scope, (sql) =>
      sql.query(
        `UPDATE applications SET status = 'offered', offer_expires_at = '2026-11-26T10:00:00Z' WHERE id = $1`,
        [id],
      ),
    )
    const admin = await t.signIn('admin@norfolk.example.org')
    const accepted = await admin.submit(`/bookings/${id}/accept`, {})
    expect(accepted.headers.location).toBe(`/bookings/${id}?done=accepted`)
    const shown = page((await admin.get(String(accepted.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe(
      'You accepted the place of Olu Tester',
    )
    expect(await statusOf(id)).toBe('confirmed')
  })
})

describe('ways on from a dead end', () => {
  it('links someone with no applications to the catalogue, and a closed date to the course’s other dates', async () => {
    const trainer = await t.signIn('trainer@norfolk.example.org')
    const mine = page((await trainer.get('/bookings')).body)
    expect(mine('main a[href="/p/norfolk/courses"]').text()).toContain('catalogue')

    // Applications close weeks before a session; one starting in two days is closed.
    const soon = new Date(t.clock.now().getTime() + 2 * 24 * 3600 * 1000).toISOString()
    const session = await w.session(course, soon)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const closed = page((await practitioner.get(`/sessions/${session}/apply`)).body)
    expect(closed('.govuk-inset-text').text()).toContain('closed')
    expect(closed(`main a[href="/p/norfolk/courses/${course}"]`).text()).toBe(
      'See the other dates of this course',
    )
  })
})

describe('an admin’s places page', () => {
  it('allocates, shows reasons, moves someone with a reason and confirms', async () => {
    const session = await w.session(course, '2027-03-10T09:30:00Z', { capacity: 1 })
    const [a, b] = [
      await w.apply(session, await w.person(police)),
      await w.apply(session, await w.person(police)),
    ]
    const admin = await t.signIn('admin@norfolk.example.org')
    const url = `/sessions/${session}/places`
    expect(page((await admin.get(url)).body)('main').text()).toContain('No places have been allocated yet')
    // Applications close on 27 January: allocating before then asks to be confirmed.
    expect((await admin.submit(`${url}/propose`, {}, { from: url })).statusCode).toBe(200)
    expect((await admin.submit(`${url}/propose`, { early: 'confirmed' }, { from: url })).statusCode).toBe(303)
    const proposed = page((await admin.get(url)).body)
    expect(proposed('main').text()).toContain('place 1 of 1: first applicant from the police')
    expect(proposed('button:contains("Confirm and tell everyone")').length).toBe(1)
    const home = page((await admin.get('/dashboard')).body)
    expect(home(`a[href="${url}"]`).text()).toContain('Booking on screen')

    const placed = (await statusOf(a)) === 'allocated' ? a : b
    const other = placed === a ? b : a
    const noReason = await admin.submit(
      `${url}/move`,
      { applicationId: placed, to: 'waiting', reason: '' },
      { from: url },
    )
    expect(noReason.statusCode).toBe(400)
    const moved = await admin.submit(
      `${url}/move`,
      { applicationId: placed, to: 'waiting', reason: 'Came last time' },
      { from: url },
    )
    expect(moved.headers.location).toBe(`${url}?done=moved&application=${placed}`)
    expect(
      page((await admin.get(String(moved.headers.location))).body)('.govuk-notification-banner h3').text(),
    ).toMatch(/^You moved \S+ Tester to the waiting list, number \d$/)
    await admin.submit(
      `${url}/move`,
      { applicationId: other, to: 'allocated', reason: 'New in post' },
      { from: url },
    )
    const confirmed = await admin.submit(`${url}/confirm`, { early: 'confirmed' }, { from: url })
    expect(confirmed.headers.location).toBe(`${url}?done=confirmed`)
    expect(await statusOf(other)).toBe('confirmed')
    // Only the page's own words show a banner: not one typed, nor one read off an object.
    for (const done of ['toString', 'constructor', 'shouted'])
      expect(page((await admin.get(`${url}?done=${done}`)).body)('.govuk-notification-banner').length).toBe(0)
    expect(await statusOf(placed)).toBe('waiting')
    expect(page((await admin.get(url)).body)('main').text()).toContain('Reorder the waiting list')
  })
})

describe('the home page', () => {
  it('shows a practitioner a place offered to them, with the time to accept it by', async () => {
    const session = await w.session(course, '2027-03-15T09:30:00Z')
    await t.db.tenant(w.scope, (sql) =>
      sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, offer_expires_at)
         SELECT $1, $2, id, agency_id, 'manager@example.org', 'offered', '2026-11-26T10:00:00Z' FROM people
          WHERE email = 'practitioner@norfolk.example.org'`,
        [w.partnership.id, session],
      ),
    )
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const home = page((await practitioner.get('/dashboard')).body)
    expect(home('#offers-title').text()).toBe('A place is waiting for you')
    expect(home('main').text()).toContain('accept by 10am on 26 November 2026')
  })
})

describe('changing a place on screen', () => {
  it('lets the person cancel their place in writing', async () => {
    const session = await w.session(course, '2027-03-11T09:30:00Z')
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const applied = await practitioner.submit(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    const id = String(applied.headers.location).split('?')[0]?.split('/').at(-1) ?? ''
    await t.services.booking.shortlistNow(w.admin, session)
    expect(await statusOf(id)).toBe('confirmed')
    const cancelled = await practitioner.submit(`/bookings/${id}/cancel`, { note: 'Court date clash' })
    expect(cancelled.statusCode).toBe(303)
    expect(cancelled.headers.location).toBe(`/bookings/${id}?done=cancelled`)
    expect(await statusOf(id)).toBe('cancelled')
    const shown = page((await practitioner.get(String(cancelled.headers.location))).body)
    expect(shown('.govuk-notification-banner--success h3').text()).toBe('You cancelled your place')
  })

  it('refuses a colleague from another agency as a substitute, with a clear message', async () => {
    const session = await w.session(course, '2027-03-12T09:30:00Z')
    const holder = await w.person(police)
    const id = await w.apply(session, holder)
    await t.services.booking.shortlistNow(w.admin, session)
    const admin = await t.signIn('admin@norfolk.example.org')
    const refused = await admin.submit(`/bookings/${id}/substitute`, {
      personEmail: 'practitioner@norfolk.example.org',
    })
    expect(refused.statusCode).toBe(400)
    expect(page(refused.body)('.govuk-error-summary').text()).toContain(
      'works at the agency the place was booked for',
    )
    expect(await statusOf(id)).toBe('confirmed')
  })
})
