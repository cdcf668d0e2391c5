import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Context } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
// Pat Practitioner, the demo practitioner, signs in as themselves; the demo agency lead leads their agency.
let pat: { id: string; agencyId: string; email: string }
let asPat: Context
let asLead: Context
let asAdmin: Context
const patName = 'Pat Practitioner'
const manager = 'manager@example.org'

async function userId(email: string): Promise<string> {
  return t.db.anonymous(
    {},
    async (sql) => (await sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])).id,
  )
}

/** A course of its own for each test, so the emails of one never answer for another. */
async function placeOn(title: string, startsAt: string, allocate = true): Promise<string> {
  const session = await w.session(await w.course(title), startsAt, { capacity: 5 })
  const id = await w.apply(session, pat.id)
  if (allocate) await t.services.booking.shortlistNow(w.admin, session)
  return id
}

async function mail(to: string, subject: string): Promise<string> {
  const found = await w.mailAbout(to, subject)
  if (!found) throw new Error(`No email to ${to} about ${subject}`)
  return found.text_body
}

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t, 'norfolk')
  pat = await t.db.tenant(w.scope, (sql) =>
    sql.one<{ id: string; agencyId: string; email: string }>(
      `SELECT id, agency_id AS "agencyId", email FROM people WHERE email = 'practitioner@norfolk.example.org'`,
    ),
  )
  const actor = (userId: string, roles: Context['actor']['roles'], agencyIds: string[] = []) => ({
    partnership: w.partnership,
    actor: { userId, roles, agencyIds },
  })
  asPat = actor(await userId('practitioner@norfolk.example.org'), ['practitioner'])
  asLead = actor(await userId('agency-lead@norfolk.example.org'), ['agency-lead'], [pat.agencyId])
  asAdmin = actor(await userId('admin@norfolk.example.org'), ['admin'])
})
afterAll(() => t?.close())

describe('emails about a place, to each reader', () => {
  it('says who applied when the agency lead or the partnership applied for the person', async () => {
    t.clock.set(TEST_NOW)
    const input = {
      personId: pat.id,
      managerEmail: manager,
      managerName: null,
      acceptsOtherDates: false,
      accessNeeds: null,
    }
    const byLead = await w.session(await w.course('Applied for by the lead'), '2027-04-12T09:30:00Z')
    await t.services.booking.apply(asLead, byLead, input)
    const fromLead = await mail(pat.email, 'Application received: Applied for by the lead')
    expect(fromLead).toContain('Your agency’s safeguarding lead has applied for a place for you')
    expect(fromLead).not.toContain('We have your application')

    const byAdmin = await w.session(await w.course('Applied for by the partnership'), '2027-04-13T09:30:00Z')
    await t.services.booking.apply(asAdmin, byAdmin, input)
    const fromAdmin = await mail(pat.email, 'Application received: Applied for by the partnership')
    expect(fromAdmin).toContain('The partnership has applied for a place for you')
  })

  it('tells the person they have a place, in the second person, and the manager about their member of staff', async () => {
    t.clock.set(TEST_NOW)
    await placeOn('Writing to the reader', '2027-01-18T09:30:00Z')
    const toPat = await mail(pat.email, 'Place confirmed: Writing to the reader')
    expect(toPat).toContain(`Dear ${patName},`)
    expect(toPat).toContain('You have a place on Writing to the reader')
    expect(toPat).toContain('If you cannot come, cancel your place')
    expect(toPat).not.toContain(`${patName} has a place`)
    expect(toPat).not.toMatch(/\bthey\b/)

    const toManager = await mail(manager, `Place confirmed: Writing to the reader, for ${patName}`)
    expect(toManager).toContain(`${patName} has a place on Writing to the reader`)
    expect(toManager).toContain(`If ${patName} cannot come`)
    expect(toManager).toContain(`You are receiving this as ${patName}’s line manager`)
    expect(toManager).not.toContain('You have a place')
  })

  it('says the person cancelled their own place, to them and to their manager', async () => {
    t.clock.set(TEST_NOW)
    const id = await placeOn('Cancelled by the person', '2027-01-19T09:30:00Z')
    await t.services.booking.cancel(asPat, id, null)
    const toPat = await mail(pat.email, 'Place cancelled: Cancelled by the person')
    expect(toPat).toContain('You have cancelled your place on Cancelled by the person')
    expect(toPat).not.toMatch(/we have (cancelled|withdrawn)/i)
    expect(toPat).toContain('There is no charge.')
    const toManager = await mail(manager, 'Place cancelled: Cancelled by the person')
    expect(toManager).toContain(`${patName} has cancelled their place on Cancelled by the person`)
  })

  it('says their agency lead cancelled the place', async () => {
    t.clock.set(TEST_NOW)
    const id = await placeOn('Cancelled by the lead', '2027-01-20T09:30:00Z')
    await t.services.booking.cancel(asLead, id, null)
    expect(await mail(pat.email, 'Place cancelled: Cancelled by the lead')).toContain(
      'Your agency lead has cancelled your place on Cancelled by the lead',
    )
    expect(await mail(manager, 'Place cancelled: Cancelled by the lead')).toContain(
      `${patName}’s agency lead has cancelled the place on Cancelled by the lead`,
    )
  })

  it('says the partnership cancelled the place, and what the late cancellation costs the agency', async () => {
    // Monday 8 February 2027 is within seven working days of Wednesday 10 February.
    t.clock.set(TEST_NOW)
    const id = await placeOn('Cancelled by an admin', '2027-02-10T09:30:00Z')
    t.clock.set('2027-02-08T10:00:00Z')
    await t.services.booking.cancel(asAdmin, id, null)
    const toPat = await mail(pat.email, 'Place cancelled: Cancelled by an admin')
    expect(toPat).toContain(
      'The partnership’s training team has cancelled your place on Cancelled by an admin',
    )
    // Pat's agency is a Safer Programme member: Norfolk's cancellation charge for it is £40.
    expect(toPat).toContain('your agency will be charged a cancellation charge of £40.00')
    const toManager = await mail(manager, 'Place cancelled: Cancelled by an admin')
    expect(toManager).toContain(
      `The partnership’s training team has cancelled ${patName}’s place on Cancelled by an admin`,
    )
    expect(toManager).toContain('the agency will be charged a cancellation charge of £40.00')
  })

  it('says the person withdrew their own application, rather than that we did', async () => {
    t.clock.set(TEST_NOW)
    const id = await placeOn('Withdrawn by the person', '2027-03-18T09:30:00Z', false)
    await t.services.booking.cancel(asPat, id, null)
    const toPat = await mail(pat.email, 'Application withdrawn: Withdrawn by the person')
    expect(toPat).toContain('You have withdrawn your application for Withdrawn by the person')
    expect(toPat).toContain('There is no charge: no place had been given.')
    expect(await mail(manager, 'Application withdrawn: Withdrawn by the person')).toContain(
      `${patName} has withdrawn their application for Withdrawn by the person`,
    )
  })

  it('reminds the person of their place in the second person and the manager of their member of staff’s', async () => {
    t.clock.set(TEST_NOW)
    await placeOn('A reminder to each', '2027-01-21T09:30:00Z')
    t.clock.set('2027-01-19T08:00:00Z')
    await t.services.booking.sendReminders(w.partnership)
    expect(await mail(pat.email, 'Reminder: A reminder to each')).toContain(
      'A reminder that you have a place on A reminder to each',
    )
    expect(await mail(manager, 'Reminder: A reminder to each')).toContain(
      `A reminder that ${patName} has a place on A reminder to each`,
    )
  })

  it('tells the person, not a third party, when a session is cancelled', async () => {
    t.clock.set(TEST_NOW)
    const id = await placeOn('A session called off', '2027-01-22T09:30:00Z')
    const booking = await t.services.booking.booking(asAdmin, id)
    await t.services.courseSessions.change(w.admin, booking.sessionId, {
      status: 'cancelled',
      cancellationReason: 'The trainer is unwell',
    })
    const toPat = await mail(pat.email, 'Cancelled: A session called off')
    expect(toPat).toContain('Your place has ended, with no charge to your agency.')
    expect(toPat).not.toContain(`for ${patName}`)
    expect(await mail(manager, 'Cancelled: A session called off')).toContain(
      `${patName}’s place has ended, with no charge to the agency.`,
    )
  })
})
