import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let w: BookingWorld
let adminToken: string
const agencies: Record<string, string> = {}

function call(method: 'GET' | 'POST', url: string, payload?: object, token = adminToken) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
}

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t)
  adminToken = await w.token('admin@norfolk.example.org')
  agencies.police = await w.agency('Shire Constabulary', 'police')
  agencies.hospital = await w.agency('Shire Hospitals', 'health')
  agencies.surgery = await w.agency('Market Street Surgery', 'health')
  agencies.school = await w.agency('Riverside Academy', 'education')
})
afterAll(() => t?.close())

describe('shortlisting', () => {
  it('gives each sector a place first, confirms, tells everyone and keeps a waiting list in order', async () => {
    const course = await w.course('Multi-agency mix')
    const session = await w.session(course, '2027-02-10T09:30:00Z')
    const applicants = [
      await w.person(agencies.police as string, { first: 'Pol' }),
      await w.person(agencies.police as string, { first: 'Pam' }),
      await w.person(agencies.hospital as string, { first: 'Hal' }),
      await w.person(agencies.hospital as string, { first: 'Hen' }),
      await w.person(agencies.surgery as string, { first: 'Sam' }),
      await w.person(agencies.school as string, { first: 'Sid' }),
    ]
    for (const p of applicants) await w.apply(session, p)

    const response = await call('POST', `/api/v1/sessions/${session}/shortlist`, { seed: 42 })
    expect(response.statusCode).toBe(200)
    const allocation = response.json()
    expect(allocation.seed).toBe(42)
    expect(allocation.confirmedAt).not.toBeNull()
    expect(allocation.allocated).toHaveLength(3)
    const sectorOf = (agencyId: string) =>
      agencyId === agencies.police ? 'police' : agencyId === agencies.school ? 'education' : 'health'
    expect(new Set(allocation.allocated.map((a: { agencyId: string }) => sectorOf(a.agencyId))).size).toBe(3)
    for (const [i, a] of allocation.allocated.entries()) {
      expect(a.status).toBe('confirmed')
      expect(a.reason).toMatch(new RegExp(`^place ${i + 1} of 3: `))
    }
    expect(allocation.waiting.map((a: { position: number }) => a.position)).toEqual([1, 2, 3])
    for (const a of allocation.waiting) expect(a.reason).toMatch(/^waiting list \d: /)

    // Everyone and their manager are told, through the outbox, with an invitation for those with a place.
    const placed = allocation.allocated[0]
    const placedMail = await w.mailTo(await w.emailOf(placed.personId))
    const confirmation = placedMail.find((m) => m.subject.startsWith('Place confirmed'))
    expect(confirmation?.text_body).toContain('Join online: https://meet.example.org/session')
    const invitation = Buffer.from(confirmation?.attachments[0]?.contentBase64 ?? '', 'base64').toString()
    expect(invitation).toContain('BEGIN:VCALENDAR')
    expect(invitation).toContain('DTSTART:20270210T093000Z')
    const waitingMail = await w.mailTo(await w.emailOf(allocation.waiting[0].personId))
    const regrets = waitingMail.find((m) => m.subject === 'No place this time: Multi-agency mix')
    expect(regrets?.text_body).toContain('number 1 on the waiting list')
    const managerMail = await w.mailTo('manager@example.org')
    expect(managerMail.filter((m) => m.subject.includes('Multi-agency mix,')).length).toBe(6)

    // Once places are allocated, applying joins the waiting list.
    const late = await t.services.booking.apply(w.admin, session, {
      personId: await w.person(agencies.school as string),
      managerEmail: 'manager@example.org',
      managerName: null,
      acceptsOtherDates: false,
      accessNeeds: null,
    })
    expect(late.status).toBe('waiting')
    // Places can be confirmed only once.
    expect((await call('POST', `/api/v1/sessions/${session}/shortlist`, {})).statusCode).toBe(409)
  })

  it('with no applicants does nothing and says so', async () => {
    const course = await w.course('Nobody came')
    const session = await w.session(course, '2027-02-11T09:30:00Z')
    const response = await call('POST', `/api/v1/sessions/${session}/shortlist`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ allocated: [], waiting: [], confirmedAt: null })
    expect(response.json().message).toContain('No one has applied')
    const still = await t.services.courseSessions.session(w.admin, session)
    expect(still.status).toBe('open')
  })

  it('with fewer applicants than places confirms everyone', async () => {
    const course = await w.course('Plenty of room')
    const session = await w.session(course, '2027-02-12T09:30:00Z', { capacity: 10 })
    await w.apply(session, await w.person(agencies.police as string))
    await w.apply(session, await w.person(agencies.police as string))
    const response = await call('POST', `/api/v1/sessions/${session}/shortlist`)
    expect(response.json().allocated.map((a: { status: string }) => a.status)).toEqual([
      'confirmed',
      'confirmed',
    ])
    expect(response.json().waiting).toEqual([])
  })

  it('is proposed by the scheduled job at the lead time, for an admin to review, move and confirm', async () => {
    const course = await w.course('Proposed first')
    const session = await w.session(course, '2027-01-20T09:30:00Z', { capacity: 1 })
    const first = await w.apply(session, await w.person(agencies.police as string))
    const second = await w.apply(session, await w.person(agencies.police as string))
    // Not yet: six weeks before 20 January is 9 December.
    expect(await t.services.booking.proposeDue(w.partnership)).toBe(0)
    t.clock.set('2026-12-09T10:00:00Z')
    try {
      expect(await t.services.booking.proposeDue(w.partnership)).toBe(1)
      const proposed = await t.services.booking.allocation(w.admin, session)
      expect(proposed.confirmedAt).toBeNull()
      expect(proposed.allocated.map((a) => a.status)).toEqual(['allocated'])
      // The admin swaps them, with a reason kept beside each decision.
      const [given] = proposed.allocated
      const other = given?.id === first ? second : first
      await t.services.booking.moveInProposal(w.admin, given?.id ?? '', 'waiting', 'Attended last year')
      const swapped = await t.services.booking.moveInProposal(
        w.admin,
        other,
        'allocated',
        'Needs it for their role',
      )
      expect(swapped.allocated.map((a) => a.id)).toEqual([other])
      expect(swapped.allocated[0]?.reason).toContain('given by an admin (Needs it for their role)')
      expect(swapped.waiting[0]?.reason).toBe('waiting list 1: moved by an admin (Attended last year)')
      // Nobody is told until the admin confirms.
      expect(await w.mailTo(await emailOfApplication(other))).toHaveLength(1)
      const confirmed = await t.services.booking.confirm(w.admin, session)
      expect(confirmed.allocated.map((a) => [a.id, a.status])).toEqual([[other, 'confirmed']])
      expect(await w.mailAbout(await emailOfApplication(other), 'Place confirmed')).toBeDefined()
      // Running the job again proposes nothing more.
      expect(await t.services.booking.proposeDue(w.partnership)).toBe(0)
    } finally {
      t.clock.set(TEST_NOW)
    }
  })

  it('holds a registrant’s application until their agency confirms them', async () => {
    const course = await w.course('Held applications')
    const session = await w.session(course, '2027-02-15T09:30:00Z', { capacity: 5 })
    const registrant = await w.person(agencies.school as string, { status: 'pending' })
    const held = await w.apply(session, registrant)
    await w.apply(session, await w.person(agencies.police as string))
    const allocation = await t.services.booking.shortlistNow(w.admin, session)
    expect(allocation.allocated).toHaveLength(1)
    expect(allocation.waiting.map((a) => [a.id, a.reason])).toEqual([
      [held, 'waiting list 1: held until their agency confirms their registration'],
    ])
  })

  it('considers those who would take another date when their first choice is full', async () => {
    const course = await w.course('Two dates')
    const early = await w.session(course, '2027-02-16T09:30:00Z', { capacity: 1 })
    const later = await w.session(course, '2027-02-23T09:30:00Z', { capacity: 2 })
    await w.apply(early, await w.person(agencies.police as string), true)
    await w.apply(early, await w.person(agencies.police as string), true)
    const first = await t.services.booking.shortlistNow(w.admin, early)
    const left = first.waiting[0]?.id
    await w.apply(later, await w.person(agencies.hospital as string))
    const second = await t.services.booking.shortlistNow(w.admin, later)
    const moved = second.allocated.find((a) => a.id === left)
    expect(moved?.reason).toBe('place 2 of 2: another date they applied for was full')
    expect(moved?.status).toBe('confirmed')
    expect((await t.services.booking.allocation(w.admin, early)).waiting).toEqual([])
  })
})

async function emailOfApplication(id: string): Promise<string> {
  return t.db.tenant(
    w.scope,
    async (sql) =>
      (
        await sql.one<{ email: string }>(
          'SELECT p.email FROM applications a JOIN people p ON p.id = a.person_id WHERE a.id = $1',
          [id],
        )
      ).email,
  )
}
