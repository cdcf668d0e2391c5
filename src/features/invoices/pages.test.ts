import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let agency: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  agency = await w.agency('Careful Homes Ltd', 'adult_social_care', 'private')
  const people = [await w.person(agency, { first: 'Ann' }), await w.person(agency, { first: 'Ben' })]
  const session = await w.session(await w.course('Charged on screen'), '2027-01-19T09:30:00Z', {
    capacity: 5,
  })
  for (const p of people) await w.apply(session, p)
  await t.services.booking.shortlistNow(w.admin, session)
  t.clock.set('2027-01-19T13:00:00Z')
  await t.services.register.mark(
    w.admin,
    session,
    people.map((personId) => ({ personId, part: 1, mark: 'attended' as const })),
  )
})
afterAll(() => t?.close())

describe('charging on screen', () => {
  it('lists charges, waives one with a reason, invoices the rest and credits a line', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const list = page((await admin.get(`/charges?agencyId=${agency}`)).body)
    expect(list('caption').text()).toContain('2 charges, £200.00 not waived')
    const waiveUrl = list('a:contains("Waive")').first().attr('href') ?? ''
    expect((await admin.submit(waiveUrl, { reason: '' })).statusCode).toBe(400)
    expect((await admin.submit(waiveUrl, { reason: 'First time at our training' })).statusCode).toBe(303)
    expect(page((await admin.get(`/charges?agencyId=${agency}`)).body)('main').text()).toContain(
      'Waived: First time',
    )

    // A date that names no day is refused on its first box, and nothing is issued.
    const unreal = await admin.submit('/invoices/new', {
      agencyId: agency,
      'from-day': '30',
      'from-month': '2',
      'from-year': '2027',
      'to-day': '31',
      'to-month': '3',
      'to-year': '2027',
    })
    expect(unreal.statusCode).toBe(400)
    const unrealPage = page(unreal.body)
    expect(unrealPage('.govuk-error-summary a').first().attr('href')).toBe('#from-day')
    expect(unrealPage('#from-day').attr('value')).toBe('30')
    expect(unrealPage('input[type="date"]')).toHaveLength(0)

    // The charges are filtered by dates typed in the same way.
    const filtered = page(
      (await admin.get(`/charges?agencyId=${agency}&from-day=1&from-month=2&from-year=2027`)).body,
    )
    expect(filtered('main').text()).toContain('No charges')
    expect(filtered('#from-month').attr('value')).toBe('2')

    const none = await admin.submit('/invoices/new', {
      agencyId: agency,
      'from-day': '1',
      'from-month': '2',
      'from-year': '2027',
      'to-day': '28',
      'to-month': '2',
      'to-year': '2027',
    })
    expect(none.statusCode).toBe(400)
    expect(page(none.body)('.govuk-error-summary').text()).toContain(
      'has no charges to invoice for that period',
    )
    const issued = await admin.submit('/invoices/new', {
      agencyId: agency,
      'from-day': '1',
      'from-month': '1',
      'from-year': '2027',
      'to-day': '31',
      'to-month': '1',
      'to-year': '2027',
    })
    expect(issued.statusCode).toBe(303)
    const invoiceUrl = String(issued.headers.location)
    const invoice = page((await admin.get(invoiceUrl)).body)
    expect(invoice('h1').text()).toBe('Invoice 1')
    expect(invoice('tbody tr').length).toBe(1)
    const pdf = await admin.get(`${invoiceUrl}/pdf`)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')

    const creditUrl = invoice('a:contains("Credit")').attr('href') ?? ''
    const credited = await admin.submit(creditUrl, { reason: 'Left at the break, unwell' })
    expect(credited.statusCode).toBe(303)
    expect(page((await admin.get(String(credited.headers.location))).body)('h1').text()).toBe('Credit note 2')
  })
})
