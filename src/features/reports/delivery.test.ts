import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rulesInForceOn } from '#features/policy/queries.ts'
import { capacityHalfDays } from '#features/programme/rules.ts'
import type { Context } from '#platform/context.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { deliveryTotals } from './delivery.ts'
import type { Bounds, Breakdown, Figure } from './figures.ts'

let t: TestApp
let world: BookingWorld
let ctx: Context
const ids = {
  police: '',
  nursery: '',
  housing: '',
  theme: '',
  first: '',
  second: '',
  // Places by who holds them.
  came: '',
  noShow: '',
  cameLate: '',
  nurseryCame: '',
  nurseryUnmarked: '',
  secondCame: '',
  // People by who they are.
  lateComer: '',
  nurseryPerson: '',
}

/**
 * This quarter (today is 24 November 2026; 2026-Q3 is October to December), two sessions of a
 * themed course: at the first, from a constabulary of ten staff, one came, one did not and one
 * came late; from a nursery of four, one came and one is not yet marked; at the second, one
 * more from the constabulary came. A housing association of three sent nobody.
 */
beforeAll(async () => {
  t = await testApp()
  world = await bookingWorld(t)
  ctx = world.admin
  ids.police = await world.agency('Delivery Constabulary', 'police')
  ids.nursery = await world.agency('Delivery Nursery', 'early_years', 'private')
  ids.housing = await world.agency('Delivery Housing', 'housing', 'voluntary')
  const course = await world.course('Delivered course')
  await t.db.tenant(world.scope, async (sql) => {
    await sql.query(`UPDATE agencies SET headcount = 10, workforce = 'children' WHERE id = $1`, [ids.police])
    await sql.query(`UPDATE agencies SET headcount = 4, workforce = 'adults' WHERE id = $1`, [ids.nursery])
    await sql.query(`UPDATE agencies SET headcount = 3 WHERE id = $1`, [ids.housing])
    ids.theme = (
      await sql.one<{ id: string }>(
        `INSERT INTO themes (partnership_id, name) VALUES ($1, 'Delivery theme') RETURNING id`,
        [world.partnership.id],
      )
    ).id
    await sql.query(`INSERT INTO course_themes (partnership_id, course_id, theme_id) VALUES ($1, $2, $3)`, [
      world.partnership.id,
      course,
      ids.theme,
    ])
  })
  const person = (agency: string, tier: string | null = null) => world.person(agency, { tier })
  const [came, noShow, lateComer, secondComer] = [
    await person(ids.police, 'Delivery tier one'),
    await person(ids.police, 'Delivery tier one'),
    await person(ids.police),
    await person(ids.police),
  ]
  const [nurseryCame, nurseryUnmarked] = [
    await person(ids.nursery, 'Delivery tier two'),
    await person(ids.nursery),
  ]
  ids.lateComer = lateComer
  ids.nurseryPerson = nurseryCame
  await t.db.tenant(world.scope, async (sql) => {
    // A held session of one three-hour part: half a day of delivery.
    const session = async (on: string) => {
      const { id } = await sql.one<{ id: string }>(
        `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
         VALUES ($1, $2, 'online', 'https://meet.example.org/x', 20, 'delivered',
                 ($3::date + time '09:30') AT TIME ZONE 'Europe/London', ($3::date + time '12:30') AT TIME ZONE 'Europe/London')
         RETURNING id`,
        [world.partnership.id, course, on],
      )
      await sql.query(
        `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
         SELECT partnership_id, id, starts_at, ends_at FROM sessions WHERE id = $1`,
        [id],
      )
      return id
    }
    ids.first = await session('2026-11-02')
    ids.second = await session('2026-10-20')
    const place = async (sessionId: string, personId: string, mark?: string) => {
      const { id } = await sql.one<{ id: string }>(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         SELECT $1, $2, id, agency_id, 'manager@example.org', 'confirmed', '2026-10-01' FROM people WHERE id = $3
         RETURNING id`,
        [world.partnership.id, sessionId, personId],
      )
      if (mark)
        await sql.query(
          `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, $4)`,
          [world.partnership.id, sessionId, id, mark],
        )
      return id
    }
    ids.came = await place(ids.first, came, 'attended')
    ids.noShow = await place(ids.first, noShow, 'absent')
    ids.cameLate = await place(ids.first, lateComer, 'late')
    ids.nurseryCame = await place(ids.first, nurseryCame, 'attended')
    ids.nurseryUnmarked = await place(ids.first, nurseryUnmarked)
    ids.secondCame = await place(ids.second, secondComer, 'attended')
  })
})
afterAll(() => t?.close())

const quarterBounds: Bounds = {
  current: ['2026-10-01', '2027-01-01'],
  previous: ['2026-07-01', '2026-10-01'],
  lastYear: ['2025-10-01', '2026-01-01'],
}

const quarter = async () => {
  const report = await t.services.reports.report(ctx, { period: '2026-Q3' })
  const figures = new Map<string, Figure>(report.sections.flatMap((s) => s.figures).map((f) => [f.id, f]))
  const breakdowns = new Map<string, Breakdown>(
    report.sections.flatMap((s) => s.breakdowns).map((b) => [b.id, b]),
  )
  const figure = (id: string) => figures.get(id)
  const row = (breakdown: string, key: string) => breakdowns.get(breakdown)?.rows.find((r) => r.key === key)
  const rows = (breakdown: string) => breakdowns.get(breakdown)?.rows ?? []
  return { figure, row, rows, breakdown: (id: string) => breakdowns.get(id) }
}

/**
 * Each session's kept facts beside the same facts worked out afresh from the applications,
 * marks, charges and answers: the rows that differ, none when the facts are right.
 */
const factsAstray = () =>
  t.db.tenant(world.scope, (sql) =>
    sql.query(
      `WITH fresh AS (
         SELECT a.session_id, a.agency_id, coalesce(p.tier, '') AS tier,
                count(*) FILTER (WHERE a.status = 'confirmed')::int AS taken,
                count(*) FILTER (WHERE came)::int AS attendees,
                count(*) FILTER (WHERE a.status = 'confirmed' AND marked AND NOT came)::int AS no_shows,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM charges c
                                  WHERE c.application_id = a.id AND c.reason = 'late_cancellation'))::int AS late,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM evaluation_responses r
                                  WHERE r.application_id = a.id AND r.stage = 'after_course'))::int AS after_course,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM evaluation_responses r
                                  WHERE r.application_id = a.id AND r.stage = 'follow_up'))::int AS follow_up
           FROM applications a JOIN people p ON p.id = a.person_id,
                LATERAL (SELECT count(m.*) > 0 AS marked, coalesce(bool_or(m.mark <> 'absent'), false) AS came
                           FROM attendance m WHERE m.application_id = a.id) m
          GROUP BY 1, 2, 3),
       kept AS (SELECT session_id, agency_id, tier, taken, attendees, no_shows, late_cancellations AS late,
                       after_course, follow_up FROM session_delivery),
       summed AS (SELECT session_id, sum(taken)::int AS taken, sum(attendees)::int AS attendees,
                         sum(no_shows)::int AS no_shows, sum(late)::int AS late FROM fresh GROUP BY 1)
       SELECT 'by agency' AS what, coalesce(f.session_id, k.session_id) AS session_id, to_jsonb(f) AS fresh, to_jsonb(k) AS kept
         FROM (SELECT * FROM fresh WHERE taken + attendees + late + after_course + follow_up > 0) f
         FULL JOIN kept k USING (session_id, agency_id, tier)
        WHERE (f.taken, f.attendees, f.no_shows, f.late, f.after_course, f.follow_up)
              IS DISTINCT FROM (k.taken, k.attendees, k.no_shows, k.late, k.after_course, k.follow_up)
       UNION ALL
       SELECT 'summed', coalesce(s.session_id, t.session_id), to_jsonb(s), to_jsonb(t)
         FROM (SELECT * FROM summed WHERE taken + attendees + late > 0) s
         FULL JOIN session_delivery_totals t USING (session_id)
        WHERE (s.taken, s.attendees, s.no_shows, s.late)
              IS DISTINCT FROM (t.taken, t.attendees, t.no_shows, t.late_cancellations)`,
    ),
  )

describe('delivery figures from each session’s kept facts', () => {
  it('keeps every session’s facts as the applications, marks, charges and answers say', async () => {
    expect(await factsAstray()).toEqual([])
  })

  it('counts those who came by agency, sector, workforce and tier', async () => {
    const { row } = await quarter()
    expect(row('attendees-by-agency', ids.police)).toMatchObject({ label: 'Delivery Constabulary', value: 3 })
    expect(row('attendees-by-agency', ids.nursery)).toMatchObject({ value: 1 })
    expect(row('attendees-by-agency', ids.housing)).toBeUndefined()
    expect(row('attendees-by-workforce', 'children')).toMatchObject({ label: 'Children', value: 3 })
    expect(row('attendees-by-workforce', 'adults')).toMatchObject({ label: 'Adults', value: 1 })
    expect(row('attendees-by-tier', 'Delivery tier one')).toMatchObject({ value: 1 })
    expect(row('attendees-by-tier', 'Delivery tier two')).toMatchObject({ value: 1 })
    expect(row('attendees-by-tier', '')?.label).toBe('No tier recorded')
  })

  it('counts sessions by theme, and delivery in half days against the capacity policy', async () => {
    const { figure, row } = await quarter()
    expect(row('sessions-by-theme', ids.theme)).toMatchObject({
      label: 'Delivery theme',
      value: 2,
      previous: 0,
    })
    const halfDays = figure('delivery-half-days')?.value ?? 0
    expect(halfDays).toBeGreaterThanOrEqual(2)
    const daysAWeek = await t.db.tenant(
      world.scope,
      async (sql) => (await rulesInForceOn(sql, '2026-10-01')).capacityDaysPerWeek,
    )
    const capacity = capacityHalfDays({ start: '2026-10-01', end: '2027-01-01' }, daysAWeek)
    expect(figure('capacity-half-days')).toMatchObject({ unit: 'count', value: capacity })
    expect(figure('capacity-used')).toMatchObject({
      unit: 'percent',
      value: Math.round((halfDays / capacity) * 100),
    })
  })

  it('gives attendance and no-show rates by agency, of those with places', async () => {
    const { row, breakdown } = await quarter()
    expect(breakdown('attendance-rate-by-agency')).toMatchObject({ unit: 'percent', aboutPeople: false })
    // The constabulary: three of four came; the nursery: one of two, the other not yet marked.
    expect(row('attendance-rate-by-agency', ids.police)).toMatchObject({ value: 75, previous: 0 })
    expect(row('attendance-rate-by-agency', ids.nursery)).toMatchObject({ value: 50 })
    expect(row('no-show-rate-by-agency', ids.police)).toMatchObject({ value: 25 })
    expect(row('no-show-rate-by-agency', ids.nursery)).toMatchObject({ value: 0 })
  })

  it('gives uptake against each agency’s headcount, and the agencies that sent nobody', async () => {
    const { figure, row, breakdown } = await quarter()
    expect(breakdown('uptake-by-agency')?.unit).toBe('percent')
    expect(row('uptake-by-agency', ids.police)).toMatchObject({ value: 30 })
    expect(row('uptake-by-agency', ids.nursery)).toMatchObject({ value: 25 })
    expect(row('uptake-by-agency', ids.housing)).toMatchObject({ value: 0 })
    expect(row('agencies-sending-nobody', ids.housing)).toMatchObject({ label: 'Delivery Housing', value: 0 })
    expect(row('agencies-sending-nobody', ids.police)).toBeUndefined()
    expect(row('agencies-sending-nobody-by-sector', 'housing')?.value).toBeGreaterThanOrEqual(1)
    expect(figure('agencies-sending-nobody')?.value).toBeGreaterThanOrEqual(1)
  })

  it('shows percentages by agency as percentages on the report page', async () => {
    const admin = await t.signIn('admin@norfolk.example.org')
    const $ = page((await admin.get('/reports?period=2026-Q3')).body)
    const cells = $('tr:contains("Delivery Constabulary")')
      .toArray()
      .map((tr) =>
        $(tr)
          .find('th, td')
          .toArray()
          .map((cell) => $(cell).text().trim()),
      )
    // Attendance by agency, then no-shows by agency: this period, the one before, last year.
    expect(cells).toContainEqual(['Delivery Constabulary', '75%', '0%', '0%'])
    expect(cells).toContainEqual(['Delivery Constabulary', '25%', '0%', '0%'])
    // A count of people stays suppressed.
    expect(cells).toContainEqual(['Delivery Constabulary', 'fewer than 5', '0', '0'])
  })

  it('follows a mark changed from absent to attended', async () => {
    const before = await quarter()
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `UPDATE attendance SET mark = 'attended', correction_reason = 'Came after all' WHERE application_id = $1`,
        [ids.noShow],
      ),
    )
    const after = await quarter()
    expect((after.figure('attendees')?.value ?? 0) - (before.figure('attendees')?.value ?? 0)).toBe(1)
    expect((after.figure('no-shows')?.value ?? 0) - (before.figure('no-shows')?.value ?? 0)).toBe(-1)
    expect(after.row('attendance-rate-by-agency', ids.police)?.value).toBe(100)
    expect(after.row('no-show-rate-by-agency', ids.police)?.value).toBe(0)
    expect(after.row('attendees-by-tier', 'Delivery tier one')?.value).toBe(2)
    expect(await factsAstray()).toEqual([])
  })

  it('follows a place cancelled late, charged, and an application withdrawn', async () => {
    const before = await quarter()
    await t.db.tenant(world.scope, async (sql) => {
      await sql.query(`UPDATE applications SET status = 'cancelled', ended_at = '2026-10-30' WHERE id = $1`, [
        ids.nurseryUnmarked,
      ])
      await sql.query(
        `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
         SELECT partnership_id, agency_id, person_id, session_id, id, 'late_cancellation', 10000, '2026-10-30'
           FROM applications WHERE id = $1`,
        [ids.nurseryUnmarked],
      )
    })
    const after = await quarter()
    expect(
      (after.figure('late-cancellations')?.value ?? 0) - (before.figure('late-cancellations')?.value ?? 0),
    ).toBe(1)
    // The nursery now holds one place, taken by one who came.
    expect(after.row('attendance-rate-by-agency', ids.nursery)?.value).toBe(100)
    expect(await factsAstray()).toEqual([])
    // Waiving the charge changes no count.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `UPDATE charges SET waived = true, waived_reason = 'Illness', waived_at = '2026-11-01' WHERE application_id = $1`,
        [ids.nurseryUnmarked],
      ),
    )
    expect((await quarter()).figure('late-cancellations')?.value).toBe(
      after.figure('late-cancellations')?.value,
    )
    expect(await factsAstray()).toEqual([])
  })

  it('follows evaluations answered after the course and at follow-up', async () => {
    const totals = () =>
      t.db.tenant(world.scope, async (sql) =>
        (await deliveryTotals(sql, quarterBounds)).find((r) => r.which === 'current'),
      )
    const before = await totals()
    await t.db.tenant(world.scope, async (sql) => {
      const version = await sql.one<{ id: string }>(
        `SELECT id FROM questionnaire_versions WHERE questions @> '[{"kind": "confidence"}]' ORDER BY published_at LIMIT 1`,
      )
      for (const [application, stage] of [
        [ids.came, 'after_course'],
        [ids.cameLate, 'after_course'],
        [ids.came, 'follow_up'],
      ])
        await sql.query(
          `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers)
           VALUES ($1, $2, $3, $4, '{"confidence": [7, 8]}')`,
          [world.partnership.id, version.id, application, stage],
        )
    })
    const after = await totals()
    expect({
      afterCourse: (after?.afterCourse ?? 0) - (before?.afterCourse ?? 0),
      followUp: (after?.followUp ?? 0) - (before?.followUp ?? 0),
    }).toEqual({ afterCourse: 2, followUp: 1 })
    expect(await factsAstray()).toEqual([])
  })

  it('moves those who came to their new tier when the directory changes it', async () => {
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE people SET tier = 'Delivery tier two' WHERE id = $1`, [ids.lateComer]),
    )
    const { row } = await quarter()
    expect(row('attendees-by-tier', 'Delivery tier two')?.value).toBe(2)
    expect(await factsAstray()).toEqual([])
  })

  it('keeps the facts right when two records of a person are merged', async () => {
    // The nursery person has a duplicate record in the constabulary, with a place of its own.
    const duplicate = await world.person(ids.police, { first: 'Duplicate', tier: 'Delivery tier one' })
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         VALUES ($1, $2, $3, $4, 'manager@example.org', 'confirmed', '2026-10-01')`,
        [world.partnership.id, ids.second, duplicate, ids.police],
      ),
    )
    const before = await quarter()
    await t.services.merges.merge(ctx, ids.nurseryPerson, await world.emailOf(duplicate))
    const after = await quarter()
    // The place stays the constabulary's, as applications keep the agency applied from.
    expect(after.figure('fill-rate')).toEqual(before.figure('fill-rate'))
    expect(after.row('no-show-rate-by-agency', ids.police)).toEqual(
      before.row('no-show-rate-by-agency', ids.police),
    )
    expect(await factsAstray()).toEqual([])
    const tiers = await t.db.tenant(world.scope, (sql) =>
      sql.query<{ tier: string; taken: number }>(
        `SELECT tier, sum(taken)::int AS taken FROM session_delivery WHERE session_id = $1 AND agency_id = $2
          GROUP BY tier ORDER BY tier`,
        [ids.second, ids.police],
      ),
    )
    // The duplicate's place now counts under the record kept, whose tier is the nursery person's.
    expect(tiers).toEqual([
      { tier: '', taken: 1 },
      { tier: 'Delivery tier two', taken: 1 },
    ])
  })

  it('leaves a cancelled session out of every figure', async () => {
    const before = await quarter()
    await t.db.tenant(world.scope, (sql) =>
      sql.query(
        `UPDATE sessions SET status = 'cancelled', cancelled_at = '2026-10-19', cancellation_reason = 'Trainer unwell'
          WHERE id = $1`,
        [ids.second],
      ),
    )
    const after = await quarter()
    expect(
      (before.figure('sessions-delivered')?.value ?? 0) - (after.figure('sessions-delivered')?.value ?? 0),
    ).toBe(1)
    expect(after.row('sessions-by-theme', ids.theme)?.value).toBe(1)
    // The one from the constabulary who came to it no longer counts.
    expect(after.row('attendees-by-agency', ids.police)?.value).toBe(
      (before.row('attendees-by-agency', ids.police)?.value ?? 0) - 1,
    )
    expect(after.row('uptake-by-agency', ids.police)?.value).toBe(30)
  })

  it('keeps the facts right when many sessions, places and marks change in one statement', async () => {
    // Past fifty, each statement keeping the facts is planned for its values (migration 0062).
    await t.db.tenant(world.scope, async (sql) => {
      const { course } = await sql.one<{ course: string }>(
        'SELECT course_id AS course FROM sessions WHERE id = $1',
        [ids.first],
      )
      await sql.query(
        `WITH made AS (
           INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
           SELECT $1, $2, 'online', 'https://meet.example.org/many', 20, 'full',
                  timestamptz '2026-10-05 09:00Z' + n * interval '1 hour', timestamptz '2026-10-05 09:30Z' + n * interval '1 hour'
             FROM generate_series(1, 55) n RETURNING id, starts_at, ends_at
         )
         INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at) SELECT $1, id, starts_at, ends_at FROM made`,
        [world.partnership.id, course],
      )
      await sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id, tier, status)
         SELECT $1, 'Many', 'Person ' || n, 'many.' || n || '@example.org', $2,
                CASE WHEN n % 2 = 0 THEN 'Delivery tier one' END, 'active'
           FROM generate_series(1, 55) n`,
        [world.partnership.id, ids.housing],
      )
      // Each person a confirmed place at a session of their own, all in one statement.
      await sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         SELECT $1, s.id, p.id, p.agency_id, 'manager@example.org', 'confirmed', '2026-10-01'
           FROM (SELECT id, row_number() OVER (ORDER BY starts_at) AS k FROM sessions WHERE joining_url LIKE '%/many') s
           JOIN (SELECT id, agency_id, row_number() OVER (ORDER BY email) AS k FROM people WHERE email LIKE 'many.%') p
             ON p.k = s.k`,
        [world.partnership.id],
      )
      // Every one of them marked, in one statement: most came, every fifth did not.
      await sql.query(
        `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark, marked_at)
         SELECT a.partnership_id, a.session_id, a.id, 1,
                CASE WHEN row_number() OVER (ORDER BY a.id) % 5 = 0 THEN 'absent' ELSE 'attended' END, '2026-10-05'
           FROM applications a JOIN people p ON p.id = a.person_id WHERE p.email LIKE 'many.%'`,
      )
    })
    expect(await factsAstray()).toEqual([])
    const { row } = await quarter()
    expect(row('attendees-by-agency', ids.housing)?.value).toBe(44)
    // A tier changed for all of them at once moves them all.
    await t.db.tenant(world.scope, (sql) =>
      sql.query(`UPDATE people SET tier = 'Delivery tier two' WHERE email LIKE 'many.%'`),
    )
    expect(await factsAstray()).toEqual([])
  })
})
