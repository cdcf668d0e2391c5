import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
})
afterAll(() => t?.close())
afterEach(() => t.clock.set(TEST_NOW))

describe('a concern about a delegate’s conduct', () => {
  it('is recorded by an admin or the session’s trainer, and told to the line manager and the admins', async () => {
    const agency = await w.agency('Shire Constabulary', 'police')
    const delegate = await w.person(agency, { first: 'Dee' })
    const session = await w.session(await w.course('Conduct'), '2027-02-03T09:30:00Z')
    await w.apply(session, delegate)
    await t.services.booking.shortlistNow(w.admin, session)
    const outsider = await w.person(agency)
    const refused = await t.services.concerns
      .raiseConcern(w.admin, session, { personId: outsider, concern: 'Was rude' })
      .catch((e) => e.errors)
    expect(refused).toEqual([{ field: 'personId', text: 'Select a delegate with a place on this session' }])
    expect(
      await t.services.concerns
        .raiseConcern(w.admin, session, { personId: delegate, concern: ' ' })
        .catch((e) => e.errors),
    ).toEqual([{ field: 'concern', text: 'Enter what happened' }])

    const trainer = await t.signIn('trainer@norfolk.example.org')
    expect((await trainer.get(`/sessions/${session}/concerns/new`)).statusCode).toBe(403)
    const admin = await t.signIn('admin@norfolk.example.org')
    const recorded = await admin.submit(`/sessions/${session}/concerns/new`, {
      personId: delegate,
      concern: 'Shouted at another delegate during the case discussion.',
    })
    expect(recorded.statusCode).toBe(303)
    const toManager = await w.mailAbout('manager@example.org', 'A concern about Dee Tester at training')
    expect(toManager?.text_body).toContain('Shouted at another delegate')
    expect(
      await w.mailAbout('admin@norfolk.example.org', 'Conduct concern: Dee Tester, Conduct'),
    ).toBeDefined()
  })
})

describe('a complaint about training', () => {
  it('is logged from anyone confirmed and tracked to an admin’s response', async () => {
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const blank = await practitioner.submit('/complaints/new', {
      courseId: '',
      name: '',
      email: 'nope',
      details: '',
    })
    expect(blank.statusCode).toBe(400)
    expect(page(blank.body)('.govuk-error-summary li').length).toBe(3)
    const sent = await practitioner.submit('/complaints/new', {
      courseId: '',
      name: 'Pat Practitioner',
      email: 'practitioner@norfolk.example.org',
      details: 'The room was too small for the number of delegates.',
    })
    expect(sent.statusCode).toBe(200)
    expect(page(sent.body)('h1').text().trim()).toBe('We have your complaint')

    const admin = await t.signIn('admin@norfolk.example.org')
    const list = page((await admin.get('/complaints')).body)
    const link = list('a:contains("Pat Practitioner")').attr('href') ?? ''
    expect(list('main').text()).toContain('Waiting for a response')
    expect((await admin.submit(link, { response: '' })).statusCode).toBe(400)
    expect(
      (await admin.submit(link, { response: 'We have moved the course to a larger room.' })).statusCode,
    ).toBe(303)
    expect(page((await admin.get(link)).body)('main').text()).toContain(
      'We have moved the course to a larger room.',
    )
    const reply = await w.mailAbout('practitioner@norfolk.example.org', 'Our response to your complaint')
    expect(reply?.text_body).toContain('larger room')
    expect((await admin.get('/complaints/new')).statusCode).toBe(200)
  })
})
