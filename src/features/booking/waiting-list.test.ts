import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConflictError } from '#platform/errors.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let course: string
let police: string
let health: string

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  course = await w.course('Waiting lists after allocation')
  police = await w.agency('County Constabulary', 'police')
  health = await w.agency('Community Health Trust', 'health')
})
afterAll(() => t?.close())

type Row = { status: string; waitingPosition: number | null; reason: string | null }

const applicationOf = (id: string) =>
  t.db.tenant(w.scope, (sql) =>
    sql.one<Row>(
      'SELECT status, waiting_position AS "waitingPosition", reason FROM applications WHERE id = $1',
      [id],
    ),
  )

const sessionOf = (id: string) =>
  t.db.tenant(w.scope, (sql) =>
    sql.one<{ status: string; shortlistProposedAt: Date | null; shortlistedAt: Date | null }>(
      `SELECT status, shortlist_proposed_at AS "shortlistProposedAt", shortlisted_at AS "shortlistedAt"
         FROM sessions WHERE id = $1`,
      [id],
    ),
  )

/** A session whose places were allocated and confirmed weeks before its applications close. */
async function allocatedEarly(startsAt: string, holders: string[], capacity: number) {
  const session = await w.session(course, startsAt, { capacity })
  const ids = []
  for (const p of holders) ids.push(await w.apply(session, p))
  await t.services.booking.shortlistNow(w.admin, session, { seed: 7 })
  return { session, ids }
}

describe('allocating before applications close', () => {
  it('says what it does and changes nothing until the admin confirms, then shows a banner', async () => {
    const session = await w.session(course, '2027-04-05T09:30:00Z', { capacity: 2 })
    const applied = await w.apply(session, await w.person(police))
    const admin = await t.signIn('admin@norfolk.example.org')
    const url = `/sessions/${session}/places`

    const asked = await admin.submit(`${url}/propose`, {}, { from: url })
    expect(asked.statusCode).toBe(200)
    const warning = page(asked.body)
    expect(warning('h1').text()).toBe('Allocate places before applications close?')
    // Norfolk 12c: applications close six weeks before the first day.
    expect(warning('.govuk-warning-text').text()).toContain(
      'Applications for this session close on 22 February 2027',
    )
    expect(warning('main').text()).toContain('keeps taking applications until it starts')
    expect(warning('input[name="early"]').val()).toBe('confirmed')
    expect((await sessionOf(session)).shortlistProposedAt).toBeNull()
    expect((await applicationOf(applied)).status).toBe('applied')

    const proposed = await admin.submit(`${url}/propose`, { early: 'confirmed' }, { from: url })
    expect(proposed.statusCode).toBe(303)
    expect(proposed.headers.location).toBe(`${url}?done=proposed`)
    const shown = page((await admin.get(String(proposed.headers.location))).body)
    expect(shown('.govuk-notification-banner--success').text()).toContain('Places allocated')
    expect(shown('main').text()).toContain('place 1 of 2: first applicant from the police')
    expect((await applicationOf(applied)).status).toBe('allocated')

    const confirmAsked = await admin.submit(`${url}/confirm`, {}, { from: url })
    expect(confirmAsked.statusCode).toBe(200)
    expect(page(confirmAsked.body)('h1').text()).toBe('Confirm places before applications close?')
    expect((await applicationOf(applied)).status).toBe('allocated')

    const confirmed = await admin.submit(`${url}/confirm`, { early: 'confirmed' }, { from: url })
    expect(confirmed.headers.location).toBe(`${url}?done=confirmed`)
    const confirmedPage = page((await admin.get(String(confirmed.headers.location))).body)
    expect(confirmedPage('.govuk-notification-banner--success').text()).toContain(
      'Places confirmed and everyone told',
    )
    expect(confirmedPage('#closing').text()).toContain('1 of 2 places is free')
    expect((await applicationOf(applied)).status).toBe('confirmed')
  })

  it('asks nothing once applications have closed', async () => {
    // Applications closed six weeks before, on 8 November; the scheduled allocation has not run yet.
    const session = await w.session(course, '2026-12-20T09:30:00Z', { capacity: 2 })
    const person = await w.person(police)
    await t.db.tenant(w.scope, (sql) =>
      sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email)
         VALUES ($1, $2, $3, $4, 'manager@example.org')`,
        [w.partnership.id, session, person, police],
      ),
    )
    const admin = await t.signIn('admin@norfolk.example.org')
    const url = `/sessions/${session}/places`
    const proposed = await admin.submit(`${url}/propose`, {}, { from: url })
    expect(proposed.statusCode).toBe(303)
  })
})

describe('applying after an early allocation', () => {
  it('is still accepted: a never-allocated place is offered to the applicant at once, with a banner', async () => {
    const { session } = await allocatedEarly('2027-04-06T09:30:00Z', [await w.person(police)], 2)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const form = page((await practitioner.get(`/sessions/${session}/apply`)).body)
    expect(form('h2:contains("Join the waiting list")').length).toBe(1)
    expect(form('button:contains("Join the waiting list")').length).toBe(1)

    const joined = await practitioner.submit(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    expect(joined.statusCode).toBe(303)
    const location = String(joined.headers.location)
    expect(location).toMatch(/^\/bookings\/[0-9a-f-]+\?done=applied$/)
    const id = location.split('/').at(-1)?.split('?')[0] ?? ''
    expect((await applicationOf(id)).status).toBe('offered')
    const booking = page((await practitioner.get(location)).body)
    const banner = booking('.govuk-notification-banner--success').text()
    expect(banner).toContain('You applied for Waiting lists after allocation on 6 April 2027')
    expect(banner).toContain('it is offered to you straight away')
    expect(
      await w.mailAbout(
        'practitioner@norfolk.example.org',
        'A place is free: Waiting lists after allocation',
      ),
    ).toBeDefined()
  })

  it('puts the applicant on the waiting list with their number when no place is free', async () => {
    const { session } = await allocatedEarly('2027-04-07T09:30:00Z', [await w.person(police)], 1)
    const practitioner = await t.signIn('practitioner@norfolk.example.org')
    const joined = await practitioner.submit(`/sessions/${session}/apply`, {
      forWhom: 'self',
      managerEmail: 'manager@example.org',
      acceptsOtherDates: 'no',
    })
    const location = String(joined.headers.location)
    const id = location.split('/').at(-1)?.split('?')[0] ?? ''
    expect(await applicationOf(id)).toMatchObject({ status: 'waiting', waitingPosition: 1 })
    const booking = page((await practitioner.get(location)).body)
    expect(booking('.govuk-notification-banner--success').text()).toContain(
      'You are on the waiting list, number 1',
    )
    expect(booking('.govuk-summary-list').text()).toContain('On the waiting list, number 1')
    const again = page((await practitioner.get(`/sessions/${session}/apply`)).body)
    expect(again('#your-application').text()).toContain(
      'You are on the waiting list for this session, at number 1',
    )
    expect(again('button:contains("Join the waiting list")').length).toBe(0)
    expect(page((await practitioner.get('/bookings')).body)('main').text()).toContain(
      'On the waiting list, number 1',
    )
    const letter = await w.mailAbout(
      'practitioner@norfolk.example.org',
      'On the waiting list: Waiting lists after allocation',
    )
    expect(letter?.text_body).toContain('at number 1')
  })
})

describe('the waiting list after allocation', () => {
  it('orders those who join by the aims and offers a freed place to the next by them', async () => {
    const { ids } = await allocatedEarly(
      '2027-04-08T09:30:00Z',
      [await w.person(police), await w.person(police)],
      2,
    )
    const session = (
      await t.db.tenant(w.scope, (sql) =>
        sql.one<{ sessionId: string }>('SELECT session_id AS "sessionId" FROM applications WHERE id = $1', [
          ids[0],
        ]),
      )
    ).sessionId
    // The police officer joins first; the health visitor would bring a new sector.
    const officer = await w.apply(session, await w.person(police))
    expect(await applicationOf(officer)).toMatchObject({ status: 'waiting', waitingPosition: 1 })
    const nurse = await w.apply(session, await w.person(health))
    expect(await applicationOf(nurse)).toMatchObject({ status: 'waiting', waitingPosition: 1 })
    expect((await applicationOf(nurse)).reason).toMatch(/^waiting list 1: /)
    expect(await applicationOf(officer)).toMatchObject({ status: 'waiting', waitingPosition: 2 })

    // One of the officers holding a place cancels: the place goes to a new sector, not to who joined first.
    await t.services.booking.cancel(w.admin, ids[0] ?? '', null)
    expect((await applicationOf(nurse)).status).toBe('offered')
    expect(await applicationOf(officer)).toMatchObject({ status: 'waiting', waitingPosition: 1 })
  })

  it('records a person once: joining twice, even at the same moment, is refused', async () => {
    const { session } = await allocatedEarly('2027-04-09T09:30:00Z', [await w.person(police)], 1)
    const person = await w.person(health)
    const results = await Promise.allSettled([w.apply(session, person), w.apply(session, person)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find((r) => r.status === 'rejected')
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(ConflictError)
    await expect(w.apply(session, person)).rejects.toThrow('This person has already applied for this session')
    const rows = await t.db.tenant(w.scope, (sql) =>
      sql.query<{ status: string; waitingPosition: number | null }>(
        `SELECT status, waiting_position AS "waitingPosition" FROM applications
          WHERE session_id = $1 AND person_id = $2`,
        [session, person],
      ),
    )
    expect(rows).toEqual([{ status: 'waiting', waitingPosition: 1 }])
  })

  it('gives the last free place to one of two people joining at the same moment', async () => {
    const { session } = await allocatedEarly('2027-04-12T09:30:00Z', [await w.person(police)], 2)
    const [a, b] = [await w.person(health), await w.person(health)]
    const joined = await Promise.all([w.apply(session, a), w.apply(session, b)])
    const rows = await Promise.all(joined.map(applicationOf))
    expect(rows.map((r) => r.status).sort()).toEqual(['offered', 'waiting'])
    expect(rows.find((r) => r.status === 'waiting')?.waitingPosition).toBe(1)
    const taken = await t.db.tenant(w.scope, (sql) =>
      sql.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM applications WHERE session_id = $1 AND status IN ('confirmed', 'offered')`,
        [session],
      ),
    )
    expect(taken.n).toBe(2)
  })

  it('refuses moving an application to a date whose places are allocated', async () => {
    const { session: allocated } = await allocatedEarly('2027-04-13T09:30:00Z', [await w.person(police)], 2)
    const open = await w.session(course, '2027-04-14T09:30:00Z')
    const application = await w.apply(open, await w.person(health))
    await expect(t.services.booking.move(w.admin, application, allocated)).rejects.toThrow(
      'Places for that date have been allocated',
    )
  })
})
