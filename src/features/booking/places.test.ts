import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { withDatabaseName } from '#test/support/database.ts'

let t: TestApp
let w: BookingWorld
let adminToken: string
let leadToken: string
let police: string
let privateFirm: string
let course: string

function call(method: 'GET' | 'POST', url: string, payload?: object, token = adminToken) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

/** A shortlisted session with the given people: the first `capacity` of them hold places. */
async function shortlisted(startsAt: string, people: string[], capacity = 1) {
  const session = await w.session(course, startsAt, { capacity })
  for (const p of people) await w.apply(session, p)
  const allocation = await t.services.booking.shortlistNow(w.admin, session, { seed: 1 })
  return { session, allocation }
}

async function statusOf(id: string) {
  return (await call('GET', `/api/v1/bookings/${id}`)).json()
}

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  adminToken = await w.token('admin@norfolk.example.org')
  leadToken = await w.token('agency-lead@norfolk.example.org')
  police = await w.agency('Shire Constabulary', 'police')
  // Norfolk charges private agencies £100 a place.
  privateFirm = await w.agency('Careful Homes Ltd', 'adult_social_care', 'private')
  course = await w.course('Places after shortlisting')
})
afterAll(() => t?.close())
afterEach(() => t.clock.set(TEST_NOW))

describe('cancelling', () => {
  it('with enough notice costs nothing and offers the place to the waiting list', async () => {
    const [a, b] = [await w.person(police), await w.person(police)]
    const { allocation } = await shortlisted('2027-03-01T09:30:00Z', [a, b])
    const [holder] = allocation.allocated
    const [waiting] = allocation.waiting
    const cancelled = await call('POST', `/api/v1/bookings/${holder?.id}/cancel`, { note: 'Off sick' })
    expect(cancelled.statusCode).toBe(200)
    expect(cancelled.json()).toMatchObject({
      sufficientNotice: true,
      chargePence: 0,
      booking: { status: 'cancelled' },
    })
    expect((await call('POST', `/api/v1/bookings/${holder?.id}/cancel`, {})).statusCode).toBe(409)
    expect(await statusOf(waiting?.id ?? '')).toMatchObject({ status: 'offered' })
    const offer = await w.mailAbout(
      await w.emailOf(waiting?.personId ?? ''),
      'A place is free: Places after shortlisting',
    )
    expect(offer?.text_body).toContain(`/bookings/${waiting?.id}`)

    const accepted = await call('POST', `/api/v1/bookings/${waiting?.id}/accept`)
    expect(accepted.statusCode).toBe(200)
    expect(accepted.json().status).toBe('confirmed')
    expect((await call('POST', `/api/v1/bookings/${waiting?.id}/accept`)).statusCode).toBe(409)
  })

  it('without enough notice charges the agency’s fee; on the last day of notice it does not', async () => {
    // Wednesday 10 March 2027: seven working days before is Monday 1 March.
    const [late, onTime] = [await w.person(privateFirm), await w.person(privateFirm)]
    const { allocation } = await shortlisted('2027-03-10T09:30:00Z', [late, onTime], 2)
    const byPerson = new Map(allocation.allocated.map((a) => [a.personId, a.id]))
    t.clock.set('2027-03-01T17:00:00Z')
    const inTime = await call('POST', `/api/v1/bookings/${byPerson.get(onTime)}/cancel`)
    expect(inTime.json()).toMatchObject({ sufficientNotice: true, chargePence: 0 })
    t.clock.set('2027-03-02T08:00:00Z')
    const tooLate = await call('POST', `/api/v1/bookings/${byPerson.get(late)}/cancel`)
    expect(tooLate.json()).toMatchObject({ sufficientNotice: false, chargePence: 10_000 })
    const charges = await t.db.tenant(w.scope, (sql) =>
      sql.query<{ reason: string; amount_pence: number }>(
        'SELECT reason, amount_pence FROM charges WHERE application_id = $1',
        [byPerson.get(late)],
      ),
    )
    expect(charges).toEqual([{ reason: 'late_cancellation', amount_pence: 10_000 }])
    const told = await w.mailAbout(await w.emailOf(late), 'Place cancelled:')
    expect(told?.text_body).toContain('your agency will be charged a cancellation charge of £100')
  })

  it('is refused once the session has started, and to someone with no say over the place', async () => {
    const { allocation } = await shortlisted('2027-03-03T09:30:00Z', [await w.person(police)])
    const id = allocation.allocated[0]?.id
    // The demo lead leads other agencies, not the constabulary made for this test.
    expect((await call('POST', `/api/v1/bookings/${id}/cancel`, {}, leadToken)).statusCode).toBe(403)
    t.clock.set('2027-03-03T10:00:00Z')
    const after = await call('POST', `/api/v1/bookings/${id}/cancel`)
    expect(after.statusCode).toBe(409)
    expect(after.json().detail ?? after.json().title).toBeDefined()
    expect(await statusOf(id ?? '')).toMatchObject({ status: 'confirmed' })
  })
})

describe('the waiting list', () => {
  it('passes an offer on when it is not accepted in time', async () => {
    const people = [await w.person(police), await w.person(police), await w.person(police)]
    const { allocation } = await shortlisted('2027-03-15T09:30:00Z', people)
    const [first, second] = allocation.waiting
    await call('POST', `/api/v1/bookings/${allocation.allocated[0]?.id}/cancel`)
    expect(await statusOf(first?.id ?? '')).toMatchObject({ status: 'offered' })
    t.clock.set('2026-11-26T09:59:00Z')
    expect(await t.services.booking.lapseOffers(w.partnership)).toBe(0)
    t.clock.set('2026-11-26T10:01:00Z')
    expect(await t.services.booking.lapseOffers(w.partnership)).toBe(1)
    expect(await statusOf(first?.id ?? '')).toMatchObject({ status: 'withdrawn' })
    expect(await statusOf(second?.id ?? '')).toMatchObject({ status: 'offered' })
    const late = await call('POST', `/api/v1/bookings/${first?.id}/accept`)
    expect(late.statusCode).toBe(409)
  })

  it('lets an admin reorder it with a reason, and then offers in their order', async () => {
    const people = [await w.person(police), await w.person(police), await w.person(police)]
    const { allocation } = await shortlisted('2027-03-16T09:30:00Z', people)
    const last = allocation.waiting[1]
    const moved = await call('POST', `/api/v1/applications/${last?.id}/waiting-position`, {
      position: 1,
      reason: 'Safeguarding lead for their team',
    })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({
      position: 1,
      reason: 'waiting list 1: moved by an admin (Safeguarding lead for their team)',
    })
    expect((await statusOf(allocation.waiting[0]?.id ?? '')).position).toBe(2)
    await call('POST', `/api/v1/bookings/${allocation.allocated[0]?.id}/cancel`)
    expect(await statusOf(last?.id ?? '')).toMatchObject({ status: 'offered' })
  })

  it('offers places an admin adds after shortlisting, on the scheduled pass', async () => {
    const people = [await w.person(police), await w.person(police)]
    const { session, allocation } = await shortlisted('2027-03-18T09:30:00Z', people)
    expect(await t.services.booking.offerUnclaimedPlaces(w.partnership)).toBe(0)
    await t.services.courseSessions.change(w.admin, session, { capacity: 2 })
    expect(await t.services.booking.offerUnclaimedPlaces(w.partnership)).toBe(1)
    expect(await statusOf(allocation.waiting[0]?.id ?? '')).toMatchObject({ status: 'offered' })
    expect(await t.services.booking.offerUnclaimedPlaces(w.partnership)).toBe(0)
  })
})

describe('substitution', () => {
  it('passes the place to a colleague from the same agency without charge or shortlisting', async () => {
    const holder = await w.person(privateFirm)
    const colleague = await w.person(privateFirm)
    const outsider = await w.person(police)
    const { allocation } = await shortlisted('2027-03-17T09:30:00Z', [holder], 1)
    const id = allocation.allocated[0]?.id
    t.clock.set('2027-03-16T09:00:00Z')
    const wrongAgency = await call('POST', `/api/v1/bookings/${id}/substitute`, { personId: outsider })
    expect(wrongAgency.statusCode).toBe(400)
    expect(wrongAgency.json().errors[0].message).toContain('not in the agency the place was booked for')
    const passed = await call('POST', `/api/v1/bookings/${id}/substitute`, { personId: colleague })
    expect(passed.statusCode).toBe(200)
    expect(passed.json()).toMatchObject({
      booking: { personId: colleague, status: 'confirmed' },
      replaced: { id, status: 'cancelled' },
    })
    const again = await call('POST', `/api/v1/bookings/${passed.json().booking.id}/substitute`, {
      personId: colleague,
    })
    expect(again.statusCode).toBe(400)
    const charges = await t.db.tenant(w.scope, (sql) =>
      sql.query('SELECT 1 FROM charges WHERE session_id = $1', [allocation.sessionId]),
    )
    expect(charges).toEqual([])
    expect(
      await w.mailAbout(await w.emailOf(holder), 'Place passed on: Places after shortlisting'),
    ).toBeDefined()
    expect(
      await w.mailAbout(await w.emailOf(colleague), 'Place confirmed: Places after shortlisting'),
    ).toBeDefined()
  })
})

describe('substitution refused', () => {
  it('for a colleague who already applied for the session, or for another at the same time', async () => {
    const busy = await w.person(privateFirm)
    const { session, allocation } = await shortlisted(
      '2027-03-24T09:30:00Z',
      [await w.person(privateFirm), await w.person(privateFirm)],
      1,
    )
    // One of the two holds the place; the other waits, with a live application for the session.
    const id = allocation.allocated[0]?.id
    const applied = allocation.waiting[0]?.personId
    const elsewhere = await w.session(course, '2027-03-24T11:00:00Z')
    await w.apply(elsewhere, busy)
    t.clock.set('2027-03-23T09:00:00Z')
    const twice = await call('POST', `/api/v1/bookings/${id}/substitute`, { personId: applied })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().detail).toContain('already has a place or an application for this session')
    const clash = await call('POST', `/api/v1/bookings/${id}/substitute`, { personId: busy })
    expect(clash.statusCode).toBe(400)
    expect(clash.json().errors[0].message).toContain(
      'has applied for Places after shortlisting at the same time',
    )
    expect(await statusOf(id ?? '')).toMatchObject({ status: 'confirmed', sessionId: session })
  })
})

describe('moving date', () => {
  it("refuses a date at the same time as another of the person's applications", async () => {
    const person = await w.person(police)
    const first = await w.session(course, '2027-04-06T09:30:00Z')
    const second = await w.session(course, '2027-04-13T09:30:00Z')
    const other = await w.session(course, '2027-04-13T12:00:00Z')
    const id = await w.apply(first, person)
    await w.apply(other, person)
    const moved = await call('POST', `/api/v1/applications/${id}/move`, { sessionId: second })
    expect(moved.statusCode).toBe(400)
    expect(moved.json().errors[0].message).toContain(
      'has applied for Places after shortlisting at the same time',
    )
    expect(await statusOf(id)).toMatchObject({ sessionId: first })
  })

  it('moves an application before shortlisting, and not after', async () => {
    const person = await w.person(police)
    const first = await w.session(course, '2027-04-05T09:30:00Z')
    const second = await w.session(course, '2027-04-12T09:30:00Z')
    const id = await w.apply(first, person)
    const moved = await call('POST', `/api/v1/applications/${id}/move`, { sessionId: second })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ sessionId: second, status: 'applied' })
    await t.services.booking.shortlistNow(w.admin, second)
    const after = await call('POST', `/api/v1/applications/${id}/move`, { sessionId: first })
    expect(after.statusCode).toBe(409)
  })
})

describe('reminders', () => {
  it('reminds each person with a place a few days before, once', async () => {
    const person = await w.person(police)
    await shortlisted('2027-04-20T09:30:00Z', [person])
    t.clock.set('2027-04-16T10:00:00Z')
    expect(await t.services.booking.sendReminders(w.partnership)).toBe(0)
    t.clock.set('2027-04-17T10:00:00Z')
    expect(await t.services.booking.sendReminders(w.partnership)).toBeGreaterThanOrEqual(1)
    expect(await w.mailAbout(await w.emailOf(person), 'Reminder: Places after shortlisting')).toBeDefined()
    expect(await t.services.booking.sendReminders(w.partnership)).toBe(0)
  })
})

// The embedded database runs one transaction at a time, so only a server can interleave two.
describe.skipIf(!process.env.DATABASE_URL)('a booking moved to another date while it is cancelled', () => {
  it('refuses the cancellation, rather than change it under the lock of the date it left', async () => {
    const from = await w.session(course, '2027-05-03T09:30:00Z')
    const to = await w.session(course, '2027-05-10T09:30:00Z')
    const application = await w.apply(from, await w.person(police))
    const { name } = await t.db.platform((sql) =>
      sql.one<{ name: string }>('SELECT current_database() AS name'),
    )
    const other = new pg.Client({
      connectionString: withDatabaseName(process.env.DATABASE_URL as string, name),
    })
    await other.connect()
    try {
      // Another change holds the date's lock while it moves the booking.
      await other.query('BEGIN')
      await other.query('SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE', [from])
      const cancelling = call('POST', `/api/v1/bookings/${application}/cancel`, {})
      for (let waited = 0; ; waited += 20) {
        const { rows } = await other.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [name],
        )
        if (rows.length) break
        if (waited > 5000) throw new Error('the cancellation never waited for the date')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await other.query('UPDATE applications SET session_id = $2 WHERE id = $1', [application, to])
      await other.query('COMMIT')
      const refused = await cancelling
      expect(refused.statusCode).toBe(409)
      expect(refused.json().detail).toContain('changed at the same moment')
    } finally {
      await other.end()
    }
    // Nothing of the cancellation stayed: the booking is on its new date, as it was.
    expect(await statusOf(application)).toMatchObject({ status: 'applied', sessionId: to })
  })
})
