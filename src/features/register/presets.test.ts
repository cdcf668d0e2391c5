import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { TEST_NOW, testApp } from '#test/support/app.ts'
import { bookingWorld } from '#test/support/booking.ts'

let t: TestApp

beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

// Who comes from what kind of agency, and what the register says of them.
const cast = [
  { key: 'private', category: 'private', safer: false, mark: 'attended' },
  { key: 'partner', category: 'funding_partner', safer: false, mark: 'absent' },
  { key: 'safer', category: 'voluntary', safer: true, mark: 'absent' },
  { key: 'voluntary', category: 'voluntary', safer: false, mark: 'attended' },
  { key: 'statutory', category: 'statutory', safer: false, mark: 'attended' },
] as const

// A three-hour session. Norfolk: private £100, VCS £50 (Safer Programme £40), funding partners
// and statutory agencies free; a no-show pays its category's cancellation charge, funding
// partners included (the preset's example amounts). North Somerset charges by the half day
// (£50) and £50 for any no-show, funded partners included. Jersey, South Gloucestershire and
// Shropshire name no fees, so nothing is charged.
type Charged = Record<string, [string, number]>
const expected: Record<string, Charged> = {
  norfolk: {
    private: ['place', 10_000],
    partner: ['no_show', 5_000],
    safer: ['no_show', 4_000],
    voluntary: ['place', 5_000],
  },
  jersey: {},
  'south-gloucestershire': {},
  shropshire: {},
  'north-somerset': {
    private: ['place', 5_000],
    partner: ['no_show', 5_000],
    safer: ['no_show', 5_000],
    voluntary: ['place', 5_000],
  },
}

describe('a delivered session’s charges and certificates, for each partnership', () => {
  for (const [slug, charges] of Object.entries(expected)) {
    it(slug, async () => {
      t.clock.set(TEST_NOW)
      const w = await bookingWorld(t, slug)
      const people: Record<string, string> = {}
      for (const c of cast)
        people[c.key] = await w.person(await w.agency(`${c.key} of ${slug}`, 'other', c.category, c.safer))
      const session = await w.session(await w.course(`Course of ${slug}`), '2027-01-26T09:30:00Z', {
        capacity: 10,
      })
      for (const c of cast) await w.apply(session, people[c.key] as string)
      const { allocated } = await t.services.booking.shortlistNow(w.admin, session)
      t.clock.set('2027-01-26T12:45:00Z')
      await t.services.register.mark(
        w.admin,
        session,
        cast.map((c) => ({ personId: people[c.key] as string, part: 1, mark: c.mark })),
      )
      const rows = await t.db.tenant(w.scope, (sql) =>
        sql.query<{ personId: string; reason: string; amount: number }>(
          'SELECT person_id AS "personId", reason, amount_pence AS amount FROM charges WHERE session_id = $1',
          [session],
        ),
      )
      const got = Object.fromEntries(
        rows.map((r) => [cast.find((c) => people[c.key] === r.personId)?.key, [r.reason, r.amount]]),
      )
      expect(got).toEqual(charges)

      // Every preset asks for the after-course evaluation too: a certificate only once it is done.
      const bookingOf = (key: string) => allocated.find((a) => a.personId === people[key])?.id ?? ''
      await t.services.register.evaluationCompleted(w.admin, bookingOf('private'))
      await t.services.register.evaluationCompleted(w.admin, bookingOf('safer'))
      const certified = await t.db.tenant(w.scope, (sql) =>
        sql.query<{ personId: string }>(
          'SELECT person_id AS "personId" FROM certificates WHERE session_id = $1',
          [session],
        ),
      )
      expect(certified.map((c) => c.personId)).toEqual([people.private])
    })
  }
})
