import { PDFParse } from 'pdf-parse'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp
let norfolk: BookingWorld
let token: string

function put(sessionId: string, marks: object[], as = token) {
  return t.app.inject({
    method: 'PUT',
    url: `/api/v1/sessions/${sessionId}/register`,
    headers: { authorization: `Bearer ${as}` },
    payload: { marks },
  })
}

/** A delivered two-part session with one person from each kind of agency, all with places. */
async function delivered(w: BookingWorld, startsAt: string) {
  const people = {
    private: await w.person(await w.agency(`Private ${startsAt}`, 'adult_social_care', 'private')),
    partner: await w.person(await w.agency(`Partner ${startsAt}`, 'health', 'funding_partner')),
    safer: await w.person(await w.agency(`Safer ${startsAt}`, 'voluntary', 'voluntary', true)),
    statutory: await w.person(await w.agency(`Statutory ${startsAt}`, 'police', 'statutory')),
  }
  const course = await w.course(`Delivered ${startsAt}`)
  const first = new Date(startsAt)
  const day = (n: number, h: number) =>
    new Date(first.getTime() + n * 7 * 86_400_000 + h * 3_600_000).toISOString()
  const session = await w.session(course, startsAt, {
    capacity: 10,
    parts: [
      { startsAt: day(0, 0), endsAt: day(0, 3) },
      { startsAt: day(1, 0), endsAt: day(1, 3) },
    ],
  })
  for (const p of Object.values(people)) await w.apply(session, p)
  const { allocated } = await t.services.booking.shortlistNow(w.admin, session)
  const booking = Object.fromEntries(
    Object.entries(people).map(([k, personId]) => [
      k,
      allocated.find((a) => a.personId === personId)?.id ?? '',
    ]),
  ) as Record<keyof typeof people, string>
  return { session, people, booking }
}

const chargesOf = (w: BookingWorld, sessionId: string) =>
  t.db.tenant(w.scope, (sql) =>
    sql.query<{ personId: string; reason: string; amountPence: number }>(
      `SELECT person_id AS "personId", reason, amount_pence AS "amountPence" FROM charges
        WHERE session_id = $1 ORDER BY amount_pence, reason`,
      [sessionId],
    ),
  )

beforeAll(async () => {
  t = await testApp()
  norfolk = await bookingWorld(t, 'norfolk')
  token = await norfolk.token('admin@norfolk.example.org')
})
afterAll(() => t?.close())
afterEach(() => t.clock.set(TEST_NOW))

describe('the register', () => {
  it('refuses marks before a part starts and for someone without a place, changing nothing', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-11T09:30:00Z')
    const early = await put(session, [{ personId: people.private, part: 1, mark: 'attended' }])
    expect(early.statusCode).toBe(400)
    expect(early.json().errors[0].message).toBe('Part 1 has not started yet, so its register cannot be taken')
    t.clock.set('2027-01-11T10:00:00Z')
    const stranger = await norfolk.person(await norfolk.agency('Strangers', 'other'))
    const refused = await put(session, [
      { personId: people.private, part: 1, mark: 'attended' },
      { personId: stranger, part: 1, mark: 'attended' },
    ])
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual([
      { field: 'marks.1.personId', message: 'This person does not have a place on this session' },
    ])
    const marks = await t.db.tenant(norfolk.scope, (sql) =>
      sql.query('SELECT 1 FROM attendance WHERE session_id = $1', [session]),
    )
    expect(marks).toEqual([])
    const partThree = await put(session, [{ personId: people.private, part: 3, mark: 'attended' }])
    expect(partThree.json().errors[0].message).toBe('This session has 2 parts')
  })

  it('gives Norfolk’s charges and certificates exactly as the rules say', async () => {
    const { session, people, booking } = await delivered(norfolk, '2027-01-12T09:30:00Z')
    t.clock.set('2027-01-19T12:30:00Z')
    const all = (part: number) => [
      { personId: people.private, part, mark: 'attended' },
      { personId: people.partner, part, mark: 'absent' },
      { personId: people.safer, part, mark: 'absent' },
      { personId: people.statutory, part, mark: part === 1 ? 'late' : 'attended' },
    ]
    const marked = await put(session, [...all(1), ...all(2)])
    expect(marked.statusCode).toBe(200)
    // Norfolk: private £100 a place; a no-show costs its category's cancellation charge (the
    // preset's examples: £40 for the Safer Programme member, £50 for the funding partner);
    // statutory agencies pay nothing for a place.
    expect(await chargesOf(norfolk, session)).toEqual([
      { personId: people.safer, reason: 'no_show', amountPence: 4_000 },
      { personId: people.partner, reason: 'no_show', amountPence: 5_000 },
      { personId: people.private, reason: 'place', amountPence: 10_000 },
    ])
    // Marking the same again changes nothing.
    expect((await put(session, all(2))).statusCode).toBe(200)
    expect(await chargesOf(norfolk, session)).toHaveLength(3)

    // Norfolk asks for the after-course evaluation too: no certificate until it is done.
    const issued = () =>
      t.db.tenant(norfolk.scope, (sql) =>
        sql.query<{ application_id: string; code: string }>(
          'SELECT application_id, code FROM certificates WHERE session_id = $1',
          [session],
        ),
      )
    expect(await issued()).toEqual([])
    await t.services.register.evaluationCompleted(norfolk.admin, booking.private)
    await t.services.register.evaluationCompleted(norfolk.admin, booking.statutory)
    const certificates = await issued()
    expect(certificates.map((c) => c.application_id)).toEqual([booking.private])
    const sent = await norfolk.mailAbout(await norfolk.emailOf(people.private), 'Your certificate')
    expect(sent?.attachments[0]?.filename).toBe(`certificate-${certificates[0]?.code}.pdf`)
    const told = await norfolk.mailAbout(await norfolk.emailOf(people.statutory), 'No certificate')
    expect(told?.text_body).toContain('The register shows you arrived late on part 1.')

    // Anyone can check the code; a forged or cut-short one is simply not found.
    const code = certificates[0]?.code ?? ''
    const check = await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${code.toLowerCase()}` })
    expect(check.statusCode).toBe(200)
    expect(check.json()).toMatchObject({ code, partnership: 'Norfolk Safeguarding Children Partnership' })
    for (const bad of ['AAAA-BBBB-CCCC', code.slice(0, 9), 'x'.repeat(40)])
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/certificates/${bad}` })).statusCode).toBe(404)

    // The certificate as a PDF says who, what, when and how to check it.
    const { pdf } = await t.services.certificates.pdf(
      norfolk.admin,
      (await t.services.certificates.ofPerson(norfolk.admin, people.private))[0]?.id ?? '',
    )
    const text = (await new PDFParse({ data: pdf }).getText()).text
    expect(text).toContain('Certificate of completion')
    expect(text).toContain('Recognise neglect')
    expect(text).toContain('12 January 2027, 6 hours')
    expect(text).toContain(code)
  })

  it('needs a reason to correct the register after the session, then settles the charge again', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-13T09:30:00Z')
    t.clock.set('2027-01-13T10:00:00Z')
    await put(session, [{ personId: people.safer, part: 1, mark: 'absent' }])
    t.clock.set('2027-01-20T10:00:00Z')
    await put(session, [{ personId: people.safer, part: 2, mark: 'absent' }])
    expect(await chargesOf(norfolk, session)).toEqual([
      { personId: people.safer, reason: 'no_show', amountPence: 4_000 },
    ])
    t.clock.set('2027-01-21T10:00:00Z')
    const noReason = await put(session, [{ personId: people.safer, part: 1, mark: 'attended' }])
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors[0].message).toBe(
      'Give a reason for correcting the register after the session',
    )
    const corrected = await put(session, [
      { personId: people.safer, part: 1, mark: 'attended', reason: 'Signed in on paper' },
    ])
    expect(corrected.statusCode).toBe(200)
    expect(await chargesOf(norfolk, session)).toEqual([
      { personId: people.safer, reason: 'place', amountPence: 4_000 },
    ])
  })

  it('asks for the after-course invitations at once when the last mark of an ended session is taken', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-15T09:30:00Z')
    const everyone = (part: number) =>
      Object.values(people).map((personId) => ({ personId, part, mark: 'attended', reason: 'On paper' }))
    const before = t.jobs.registersCompleted
    t.clock.set('2027-01-15T10:00:00Z')
    await put(session, everyone(1))
    // Every part marked, but the session has not ended: nothing is due yet.
    t.clock.set('2027-01-22T10:00:00Z')
    await put(session, everyone(2))
    expect(t.jobs.registersCompleted).toBe(before)
    t.clock.set('2027-01-22T13:00:00Z')
    await put(session, [{ personId: people.private, part: 2, mark: 'late', reason: 'Came at ten' }])
    expect(t.jobs.registersCompleted).toBe(before + 1)
  })

  it('waits for everyone to be marked before asking for the invitations', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-21T09:30:00Z')
    const before = t.jobs.registersCompleted
    t.clock.set('2027-01-28T13:00:00Z')
    const response = await put(
      session,
      [1, 2].map((part) => ({ personId: people.private, part, mark: 'attended' })),
    )
    expect(response.statusCode).toBe(200)
    expect(t.jobs.registersCompleted).toBe(before)
  })

  it('is taken only by the session’s trainers and admins', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-14T09:30:00Z')
    t.clock.set('2027-01-14T10:00:00Z')
    const trainer = await norfolk.token('trainer@norfolk.example.org')
    const response = await put(session, [{ personId: people.private, part: 1, mark: 'attended' }], trainer)
    expect(response.statusCode).toBe(403)
  })
})

describe('the register over time', () => {
  it('keeps the fee of the session’s date when the policy changes later', async () => {
    const { session, people } = await delivered(norfolk, '2027-01-18T09:30:00Z')
    t.clock.set('2027-01-25T13:00:00Z')
    await t.services.policy.change(norfolk.admin, {
      fees: { privatePence: 12_000 },
      effectiveFrom: '2027-02-01',
      reason: 'The annual review of charges',
    })
    t.clock.set('2027-02-02T10:00:00Z')
    const marked = await put(
      session,
      [1, 2].map((part) => ({ personId: people.private, part, mark: 'attended', reason: 'Marked late' })),
    )
    expect(marked.statusCode).toBe(200)
    expect(await chargesOf(norfolk, session)).toEqual([
      { personId: people.private, reason: 'place', amountPence: 10_000 },
    ])
  })

  it('takes the later of two different marks made at once, and audits both', async () => {
    const { session, people, booking } = await delivered(norfolk, '2027-01-19T09:30:00Z')
    t.clock.set('2027-01-19T10:00:00Z')
    const [first, second] = await Promise.all([
      put(session, [{ personId: people.statutory, part: 1, mark: 'attended' }]),
      put(session, [{ personId: people.statutory, part: 1, mark: 'late' }]),
    ])
    expect([first?.statusCode, second?.statusCode]).toEqual([200, 200])
    const kept = await t.db.tenant(norfolk.scope, (sql) =>
      sql.one<{ mark: string }>('SELECT mark FROM attendance WHERE application_id = $1 AND part = 1', [
        booking.statutory,
      ]),
    )
    expect(['attended', 'late']).toContain(kept.mark)
    const audited = await t.db.platform((sql) =>
      sql.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE entity_type = 'attendance' AND after ->> 'application_id' = $1`,
        [booking.statutory],
      ),
    )
    expect(audited).toHaveLength(2)
  })
})

describe('North Somerset’s charges', () => {
  it('charge by the day and half day, and charge funded partners for not coming', async () => {
    const ns = await bookingWorld(t, 'north-somerset')
    const nsToken = await ns.token('admin@north-somerset.example.org')
    const { session, people } = await delivered(ns, '2027-01-15T09:30:00Z')
    t.clock.set('2027-01-22T12:30:00Z')
    const marks = [1, 2].flatMap((part) => [
      { personId: people.private, part, mark: 'attended' },
      { personId: people.partner, part, mark: 'absent' },
    ])
    expect((await put(session, marks, nsToken)).statusCode).toBe(200)
    // Two three-hour parts are two half days at £50; a no-show is £50 even for a funded partner.
    expect(await chargesOf(ns, session)).toEqual([
      { personId: people.partner, reason: 'no_show', amountPence: 5_000 },
      { personId: people.private, reason: 'place', amountPence: 10_000 },
    ])
  })
})
