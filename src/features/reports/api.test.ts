import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { aReportWorld } from './test-world.ts'

let t: TestApp
let world: BookingWorld
const tokens: Record<string, string> = {}

type Compared = { value: number; previous: number; lastYear: number }
type ReportBody = {
  period: { key: string; label: string }
  previous: { key: string }
  sameLastYear: { key: string }
  sections: {
    id: string
    figures: ({ id: string } & Compared)[]
    breakdowns: { id: string; rows: ({ key: string } & Compared)[] }[]
  }[]
}

beforeAll(async () => {
  t = await testApp()
  world = await aReportWorld(t)
  tokens.admin = await world.token('admin@norfolk.example.org')
  tokens.executive = await world.token('executive@norfolk.example.org')
  tokens.practitioner = await world.token('practitioner@norfolk.example.org')
})
afterAll(() => t?.close())

const get = (url: string, token = tokens.admin) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

describe('the report API', () => {
  it('gives a quarter’s figures beside the quarter before and the same quarter last year', async () => {
    const response = await get('/api/v1/reports?period=2026-Q3', tokens.executive)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json<ReportBody>()
    expect(body.period).toMatchObject({
      key: '2026-Q3',
      label: 'October to December 2026 (quarter 3 of 2026 to 2027)',
    })
    expect([body.previous.key, body.sameLastYear.key]).toEqual(['2026-Q2', '2025-Q3'])
    const howMuch = body.sections.find((s) => s.id === 'how-much')
    const figure = (id: string) => howMuch?.figures.find((f) => f.id === id)
    // This quarter: the two sessions above and the demo session held yesterday (24 places).
    expect(figure('sessions-delivered')).toMatchObject({ value: 3, previous: 1, lastYear: 1 })
    expect(figure('places-offered')).toMatchObject({ value: 64, previous: 20, lastYear: 20 })
    // Only those marked as anything but absent came.
    expect(figure('attendees')).toMatchObject({ value: 1, previous: 1, lastYear: 1 })
    const sectors = howMuch?.breakdowns.find((b) => b.id === 'attendees-by-sector')
    expect(sectors?.rows).toEqual([{ key: 'health', label: 'Health', value: 1, previous: 1, lastYear: 1 }])
    const methods = howMuch?.breakdowns.find((b) => b.id === 'sessions-by-method')
    expect(methods?.rows.reduce((n, r) => n + r.value, 0)).toBe(3)
  })

  it('says how well: places taken and attended, no-shows by agency, late cancellations, evaluations answered', async () => {
    const body = (await get('/api/v1/reports?period=2026-Q3')).json<ReportBody>()
    const howWell = body.sections.find((s) => s.id === 'how-well')
    const figure = (id: string) => howWell?.figures.find((f) => f.id === id)
    // This quarter: five places taken of 64 (the demo session's three, none yet marked, and the
    // two above, one of whom did not come).
    expect(figure('fill-rate')).toMatchObject({ unit: 'percent', value: 8, previous: 5, lastYear: 5 })
    expect(figure('attendance-rate')).toMatchObject({ value: 20, previous: 100, lastYear: 100 })
    expect(figure('no-shows')).toMatchObject({ unit: 'count', value: 1, previous: 0, lastYear: 0 })
    expect(figure('no-show-rate')).toMatchObject({ value: 20, previous: 0 })
    expect(figure('late-cancellations')).toMatchObject({ value: 0 })
    expect(figure('after-course-response-rate')).toMatchObject({ value: 100, previous: 100, lastYear: 0 })
    // The places above were all applied for today; two of them answered at booking.
    const applications = body.sections[0]?.figures.find((f) => f.id === 'applications')?.value ?? 0
    expect(figure('at-booking-response-rate')).toMatchObject({
      unit: 'percent',
      value: Math.round((2 / applications) * 100),
      previous: 0,
    })
    const byAgency = howWell?.breakdowns.find((b) => b.id === 'no-shows-by-agency')
    expect(byAgency?.rows).toEqual([
      expect.objectContaining({ label: 'Report Health Trust', value: 1, previous: 0, lastYear: 0 }),
    ])
  })

  it('says who is better off: confidence at booking and after, from the impact view of each period', async () => {
    const body = (await get('/api/v1/reports?period=2026-Q3')).json<ReportBody>()
    const betterOff = body.sections.find((s) => s.id === 'better-off')
    const figure = (id: string) => betterOff?.figures.find((f) => f.id === id)
    // This quarter 3 and 5 at booking, 7 and 9 after; the quarter before 5 and 5, then 6 and 6.
    expect(figure('confidence-at-booking')).toMatchObject({
      unit: 'tenths',
      value: 40,
      previous: 50,
      lastYear: 0,
    })
    expect(figure('confidence-latest')).toMatchObject({ value: 80, previous: 60, lastYear: 0 })
    expect(figure('confidence-change')).toMatchObject({ value: 40, previous: 10, lastYear: 0 })
  })

  it('counts learning from reviews: published, actions falling due, done, and done on time', async () => {
    const figures = async () => {
      const body = (await get('/api/v1/reports?period=2026-Q3')).json<ReportBody>()
      const all = body.sections.flatMap((s) => s.figures)
      const value = (id: string) => all.find((f) => f.id === id)?.value ?? Number.NaN
      return {
        published: value('reviews-published'),
        due: value('actions-due'),
        done: value('actions-done'),
        onTime: value('actions-on-time'),
      }
    }
    const before = await figures()
    // A review published this quarter, and an action due in it, done two days early; another
    // action due in it, done a week late.
    await t.db.tenant(world.scope, async (sql) => {
      await sql.auditAs('test')
      await sql.query(
        `INSERT INTO reviews SELECT (jsonb_populate_record(NULL::reviews, to_jsonb(r) || jsonb_build_object(
           'id', gen_random_uuid(), 'reference', 'RPT-2026-01', 'published_on', '2026-10-01'))).*
           FROM reviews r WHERE r.published_on IS NOT NULL LIMIT 1`,
      )
      const actions = await sql.query<{ id: string }>(
        `INSERT INTO actions SELECT (jsonb_populate_record(NULL::actions, to_jsonb(a) || jsonb_build_object(
           'id', gen_random_uuid(), 'due_on', d, 'original_due_on', d, 'status', 'completed'))).*
           FROM (SELECT * FROM actions WHERE status <> 'verified' LIMIT 1) a, unnest(ARRAY['2026-10-20', '2026-11-01']) d
         RETURNING id`,
      )
      for (const [action, on] of [
        [actions[0]?.id, '2026-10-18T10:00:00Z'],
        [actions[1]?.id, '2026-11-08T10:00:00Z'],
      ])
        await sql.query(
          `INSERT INTO action_updates (partnership_id, action_id, kind, note, status_from, status_to, by_label, at)
           VALUES ($1, $2, 'progress', 'Done', 'on_track', 'completed', 'test', $3)`,
          [world.partnership.id, action, on],
        )
    })
    const after = await figures()
    expect({
      published: after.published - before.published,
      due: after.due - before.due,
      done: after.done - before.done,
    }).toEqual({ published: 1, due: 2, done: 2 })
    // The early one is on time, the late one is not.
    const onTimeBefore = Math.round((before.onTime / 100) * before.due)
    expect(after.onTime).toBe(Math.round(((onTimeBefore + 1) / after.due) * 100))
  })

  it('gives a financial year against the year before', async () => {
    const body = (await get('/api/v1/reports?year=2026')).json<ReportBody>()
    expect(body.period.label).toBe('2026 to 2027')
    expect(body.previous.key).toBe('2025')
    const sessions = body.sections[0]?.figures.find((f) => f.id === 'sessions-delivered')
    expect(sessions).toMatchObject({ value: 4, previous: 1 })
  })

  it('refuses a quarter written wrongly, one not begun, or one before the records begin, saying why', async () => {
    for (const [query, message] of [
      ['period=2026-Q5', 'Write the quarter as the year and Q1 to Q4, like 2026-Q3'],
      ['period=2026-Q4', 'January to March 2027 (quarter 4 of 2026 to 2027) has not begun yet'],
      ['year=2019', '2019 to 2020 ended before the partnership’s records begin'],
      ['period=2026-Q1&year=2026', 'Ask for a quarter or a year, not both'],
    ] as const) {
      const refused = await get(`/api/v1/reports?${query}`)
      expect(refused.statusCode, query).toBe(400)
      expect(refused.body, query).toContain(message)
    }
  })

  it('is for the partnership’s admins, sub-group and executive', async () => {
    expect((await get('/api/v1/reports?period=2026-Q3', tokens.practitioner)).statusCode).toBe(403)
  })
})
