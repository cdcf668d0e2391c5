import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld

beforeAll(async () => {
  t = await testApp()
  // North Somerset: two no-shows in twelve months mean later applications need approval.
  w = await bookingWorld(t, 'north-somerset')
})
afterAll(() => t?.close())

describe('after repeated no-shows', () => {
  it('holds the next application for the agency lead’s approval', async () => {
    const ledAgency = await t.db.tenant(
      w.scope,
      async (sql) =>
        (
          await sql.one<{ id: string }>(
            `SELECT unnest(m.agency_ids) AS id FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE u.email = 'agency-lead@north-somerset.example.org' LIMIT 1`,
          )
        ).id,
    )
    const person = await w.person(ledAgency, { first: 'Nia' })
    const course = await w.course('Missed twice')
    for (const day of ['2026-12-07', '2026-12-14']) {
      const session = await w.session(course, `${day}T09:30:00Z`, { capacity: 5 })
      // Applied in good time, before places were allocated.
      t.clock.set('2026-10-01T10:00:00Z')
      await w.apply(session, person)
      await t.services.booking.shortlistNow(w.admin, session)
      t.clock.set(`${day}T13:00:00Z`)
      await t.services.register.mark(w.admin, session, [{ personId: person, part: 1, mark: 'absent' }])
    }
    t.clock.set('2026-12-15T10:00:00Z')
    const next = await w.session(course, '2027-03-15T09:30:00Z', { capacity: 5 })
    const id = await w.apply(next, person)
    expect(
      await w.mailAbout('agency-lead@north-somerset.example.org', 'Approval needed: Nia Tester'),
    ).toBeDefined()
    const allocation = await t.services.booking.shortlistNow(w.admin, next)
    expect(allocation.allocated).toEqual([])
    expect(allocation.waiting[0]?.reason).toBe(
      'waiting list 1: held until their agency lead approves it, after missed courses',
    )

    const lead = await w.token('agency-lead@north-somerset.example.org')
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/approve`,
      headers: { authorization: `Bearer ${lead}` },
    })
    expect(approved.statusCode).toBe(200)
    expect(approved.json()).toMatchObject({ awaitingApproval: false })
    // Approved and waiting with a place free: the next offers pass offers it.
    expect(await t.services.booking.offerUnclaimedPlaces(w.partnership)).toBe(1)
    expect((await t.services.booking.booking(w.admin, id)).status).toBe('offered')
  })
})
