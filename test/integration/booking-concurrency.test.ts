import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../support/app.ts'
import { testApp } from '../support/app.ts'
import type { BookingWorld } from '../support/booking.ts'
import { bookingWorld } from '../support/booking.ts'

let t: TestApp
let w: BookingWorld
let agency: string
let course: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  agency = await w.agency('Shire Constabulary', 'police')
  course = await w.course('The last place')
})
afterAll(() => t?.close())

async function confirmedOn(sessionId: string): Promise<number> {
  const row = await t.db.tenant(w.scope, (sql) =>
    sql.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM applications WHERE session_id = $1 AND status = 'confirmed'`,
      [sessionId],
    ),
  )
  return row.n
}

/** Two hundred people of the agency, made in one statement. */
async function crowd(): Promise<string[]> {
  const rows = await t.db.tenant(w.scope, (sql) =>
    sql.query<{ id: string }>(
      `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
       SELECT $1, 'Crowd', 'Member ' || n, 'crowd.' || n || '.' || $3 || '@example.org', $2
         FROM generate_series(1, 200) AS n RETURNING id`,
      [w.partnership.id, agency, Math.random().toString(36).slice(2)],
    ),
  )
  return rows.map((r) => r.id)
}

// On PostgreSQL these requests truly run at once, on separate connections; the session's row
// lock is what keeps the count right. (On the embedded database they queue, and the test
// still checks the outcome.)
describe(`the last place, under 200 requests at once (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('is taken by exactly one accepted offer', async () => {
    const session = await w.session(course, '2027-05-03T09:30:00Z', { capacity: 2 })
    await w.apply(session, await w.person(agency))
    await t.services.booking.shortlistNow(w.admin, session)
    const people = await crowd()
    const offers = await t.db.tenant(w.scope, (sql) =>
      sql.query<{ id: string }>(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, offer_expires_at)
         SELECT $1, $2, p, $3, 'manager@example.org', 'offered', '2027-05-01T00:00:00Z' FROM unnest($4::uuid[]) AS p
         RETURNING id`,
        [w.partnership.id, session, agency, people],
      ),
    )
    const results = await Promise.allSettled(offers.map((o) => t.services.booking.accept(w.admin, o.id)))
    const taken = results.filter((r) => r.status === 'fulfilled')
    expect(taken).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected')
        expect((r.reason as Error).message).toBe('Every place on this session has been taken')
    expect(await confirmedOn(session)).toBe(2)
  })

  it('passes to exactly one substitute', async () => {
    const session = await w.session(course, '2027-05-04T09:30:00Z', { capacity: 1 })
    await w.apply(session, await w.person(agency))
    const [booking] = (await t.services.booking.shortlistNow(w.admin, session)).allocated
    const people = await crowd()
    const results = await Promise.allSettled(
      people.map((personId) => t.services.booking.substitute(w.admin, booking?.id ?? '', { personId })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await confirmedOn(session)).toBe(1)
  })
})
