import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let token: string
let privateFirm: string
let saferCharity: string
let chargeIds: string[] = []

function call(method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  token = await w.token('admin@norfolk.example.org')
  privateFirm = await w.agency('Careful Homes Ltd', 'adult_social_care', 'private')
  saferCharity = await w.agency('Safe Harbour', 'voluntary', 'voluntary', true)
  await t.db.tenant(w.scope, (sql) =>
    sql.query(`UPDATE agencies SET invoicing_contact_email = 'accounts@careful.example.org' WHERE id = $1`, [
      privateFirm,
    ]),
  )
  const people = [
    await w.person(privateFirm, { first: 'Ann' }),
    await w.person(privateFirm, { first: 'Ben' }),
  ]
  const absent = await w.person(saferCharity, { first: 'Cat' })
  const session = await w.session(await w.course('Charged course'), '2027-01-18T09:30:00Z', { capacity: 5 })
  for (const p of [...people, absent]) await w.apply(session, p)
  await t.services.booking.shortlistNow(w.admin, session)
  t.clock.set('2027-01-18T13:00:00Z')
  await t.services.register.mark(w.admin, session, [
    ...people.map((personId) => ({ personId, part: 1, mark: 'attended' as const })),
    { personId: absent, part: 1, mark: 'absent' as const },
  ])
  t.clock.set('2027-02-01T10:00:00Z')
  token = await w.token('admin@norfolk.example.org')
  chargeIds = (await call('GET', `/api/v1/charges?agencyId=${privateFirm}`))
    .json()
    .items.map((c: { id: string }) => c.id)
})
afterAll(() => t?.close())

describe('invoices', () => {
  it('invoices an agency’s charges for a period, numbered from 1, and sends the PDF and CSV to its contact', async () => {
    expect(chargeIds).toHaveLength(2)
    const issued = await call('POST', '/api/v1/invoices', {
      agencyId: privateFirm,
      from: '2027-01-01',
      to: '2027-01-31',
    })
    expect(issued.statusCode).toBe(201)
    expect(issued.json()).toMatchObject({ number: 1, kind: 'invoice', totalPence: 20_000 })
    expect(issued.json().lines.map((l: { personName: string }) => l.personName)).toEqual([
      'Ann Tester',
      'Ben Tester',
    ])
    const id = issued.json().id as string

    const mail = await w.mailAbout('accounts@careful.example.org', 'Invoice 1')
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['invoice-1.pdf', 'invoice-1.csv'])
    const pdf = Buffer.from(mail?.attachments[0]?.contentBase64 ?? '', 'base64')
    const text = (await new PDFParse({ data: pdf }).getText()).text
    for (const expected of [
      'Invoice 1',
      'Careful Homes Ltd',
      'Ann Tester',
      'Charged course',
      '18 January 2027',
      '£200.00',
    ])
      expect(text).toContain(expected)
    const csv = (await call('GET', `/api/v1/invoices/${id}/csv`)).body
    expect(csv.split('\r\n')[1]).toBe(
      '"1","Careful Homes Ltd","Ann Tester","Charged course","2027-01-18","Place","100.00"',
    )

    // Nothing left to invoice: refused, and no number used up.
    const again = await call('POST', '/api/v1/invoices', {
      agencyId: privateFirm,
      from: '2027-01-01',
      to: '2027-01-31',
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().errors[0].message).toBe('Careful Homes Ltd has no charges to invoice for that period')
    const next = await call('POST', '/api/v1/invoices', {
      agencyId: saferCharity,
      from: '2027-01-01',
      to: '2027-01-31',
    })
    expect(next.json()).toMatchObject({ number: 2, totalPence: 4_000 })
  })

  it('puts an invoiced charge right with a credit note, never by changing the invoice', async () => {
    const [charge] = chargeIds
    const waive = await call('POST', `/api/v1/charges/${charge}/waive`, { reason: 'Trainer was late' })
    expect(waive.statusCode).toBe(409)
    const credit = await call('POST', `/api/v1/charges/${charge}/credit`, { reason: 'Trainer was late' })
    expect(credit.statusCode).toBe(201)
    expect(credit.json()).toMatchObject({ kind: 'credit_note', number: 3, totalPence: -10_000 })
    expect((await call('POST', `/api/v1/charges/${charge}/credit`, { reason: 'Again' })).statusCode).toBe(409)
    const changed = await t.db
      .tenant(w.scope, (sql) => sql.query('UPDATE invoices SET total_pence = 0 WHERE number = 1'))
      .catch((e: Error) => e)
    expect(changed).toBeInstanceOf(Error)
    expect((changed as Error).message).toContain('never changed once issued')
  })

  it('waives a charge only with a reason, and refuses an impossible period', async () => {
    const late = await w.person(privateFirm)
    const session = await w.session(await w.course('Cancelled late'), '2027-04-14T09:30:00Z')
    await w.apply(session, late)
    const { allocated } = await t.services.booking.shortlistNow(w.admin, session)
    t.clock.set('2027-04-13T10:00:00Z')
    token = await w.token('admin@norfolk.example.org')
    await call('POST', `/api/v1/bookings/${allocated[0]?.id}/cancel`)
    const [charge] = (await call('GET', `/api/v1/charges?agencyId=${privateFirm}&from=2027-04-13`)).json()
      .items
    expect(charge).toMatchObject({ reason: 'late_cancellation', amountPence: 10_000, waived: false })
    expect((await call('POST', `/api/v1/charges/${charge.id}/waive`, { reason: ' ' })).statusCode).toBe(400)
    const waived = await call('POST', `/api/v1/charges/${charge.id}/waive`, { reason: 'Bereavement' })
    expect(waived.json()).toMatchObject({ waived: true })
    const backwards = await call('POST', '/api/v1/invoices', {
      agencyId: privateFirm,
      from: '2027-03-01',
      to: '2027-02-01',
    })
    expect(backwards.json().errors).toEqual([
      { field: 'to', message: 'The period must end on or after the day it starts' },
    ])
    const empty = await call('POST', '/api/v1/invoices', {
      agencyId: privateFirm,
      from: '2027-02-01',
      to: '2027-02-28',
    })
    expect(empty.statusCode).toBe(400)
  })
})
