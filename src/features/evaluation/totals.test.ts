import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aCourse } from '#test/support/builders.ts'
import { scopeFrom } from './impact.ts'

let t: TestApp
let w: BookingWorld

beforeAll(async () => {
  t = await testApp()
  w = await bookingWorld(t, 'jersey')
})
afterAll(() => t?.close())

describe('the sums behind the impact view', () => {
  it('follow a booking moved to another date, and agree with an agency’s own answers', async () => {
    const form = await t.services.questionnaires.create(w.admin, {
      title: 'When applying',
      questions: [
        { id: 'confidence', kind: 'confidence', prompt: 'Confidence', perObjective: true },
        { id: 'why', kind: 'free_text', prompt: 'Why are you coming?' },
      ],
    })
    await t.services.questionnaires.publish(w.admin, form.id)
    const course = await t.services.courses.create(
      w.admin,
      aCourse({
        title: 'Totals',
        objectives: ['One', 'Two'],
        evaluationPlan: { atBooking: form.id, impact: 'x' },
      }),
    )
    const [first, second] = [
      await w.session(course.id, '2027-03-01T09:30:00Z'),
      await w.session(course.id, '2027-03-08T09:30:00Z'),
    ]
    const [police, health] = [await w.agency('States Police', 'police'), await w.agency('Health', 'health')]
    const apply = async (agency: string, scores: number[], why?: string) =>
      (
        await t.services.booking.apply(w.admin, first, {
          personId: await w.person(agency),
          managerEmail: 'manager@example.org',
          managerName: null,
          acceptsOtherDates: true,
          accessNeeds: null,
          answers: { confidence: scores, ...(why ? { why } : {}) },
        })
      ).id
    const moved = await apply(police, [2, 4], 'Asked to')
    await apply(police, [4, 6])
    await apply(health, [9, 9])

    const sums = () =>
      t.db.tenant(w.scope, (sql) =>
        sql.query<{ session: string; question: string; objective: number; total: number; n: number }>(
          `SELECT session_id AS session, question_id AS question, objective, total::float8 AS total, n
             FROM evaluation_totals WHERE n <> 0 ORDER BY session_id = $1 DESC, question_id, objective`,
          [first],
        ),
      )
    expect((await sums()).filter((s) => s.session === first)).toEqual([
      { session: first, question: '', objective: -1, total: 0, n: 3 },
      { session: first, question: 'confidence', objective: 0, total: 15, n: 3 },
      { session: first, question: 'confidence', objective: 1, total: 19, n: 3 },
      { session: first, question: 'why', objective: -1, total: 0, n: 1 },
    ])

    await t.services.booking.move(w.admin, moved, second)
    const after = await sums()
    expect(
      after.filter((s) => s.session === first).map((s) => [s.question, s.objective, s.total, s.n]),
    ).toEqual([
      ['', -1, 0, 2],
      ['confidence', 0, 13, 2],
      ['confidence', 1, 15, 2],
    ])
    expect(
      after.filter((s) => s.session === second).map((s) => [s.question, s.objective, s.total, s.n]),
    ).toEqual([
      ['', -1, 0, 1],
      ['confidence', 0, 2, 1],
      ['confidence', 1, 4, 1],
      ['why', -1, 0, 1],
    ])

    // One agency's view sums its own answers; the whole view reads the kept sums.
    const police_ = await t.services.impact.impact(w.admin, scopeFrom({ course: course.id, agency: police }))
    expect(police_.confidence.map((l) => l.scores.at_booking)).toEqual([
      { average: 3, n: 2 },
      { average: 5, n: 2 },
    ])
    expect(police_.commentCount).toBe(1)
    const all = await t.services.impact.impact(w.admin, scopeFrom({ course: course.id }))
    expect(all.confidence.map((l) => l.scores.at_booking)).toEqual([
      { average: 5, n: 3 },
      { average: 6.3, n: 3 },
    ])
    expect(all.rates[0]).toMatchObject({ stage: 'at_booking', responded: 3, eligible: 3 })
  })
})
