import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '#test/support/app.ts'
import { testApp } from '#test/support/app.ts'
import { demoPartnerships } from './partnerships.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('the demo data', () => {
  it('gives every demo user one directory record, named as the user is', async () => {
    const rows = await t.db.platform((sql) =>
      sql.query<{ email: string; display_name: string; names: string[] }>(
        `SELECT u.email, u.display_name,
                coalesce(array_agg(p.first_name || ' ' || p.last_name) FILTER (WHERE p.id IS NOT NULL), '{}') AS names
           FROM users u LEFT JOIN people p ON p.user_id = u.id
          WHERE u.email LIKE '%.example.org'
          GROUP BY u.email, u.display_name`,
      ),
    )
    expect(rows.length).toBe(demoPartnerships.length * 7)
    for (const row of rows)
      expect({ email: row.email, names: row.names }).toEqual({
        email: row.email,
        names: [row.display_name],
      })
  })

  it('puts the demo trainer on the pool and the sessions of the demo course, so they can take its register', async () => {
    const sessions = await t.db.platform((sql) =>
      sql.query<{ session_id: string; approved: boolean }>(
        `SELECT st.session_id,
                EXISTS (SELECT 1 FROM trainer_approvals a WHERE a.person_id = p.id AND a.course_id = s.course_id
                          AND a.withdrawn_at IS NULL) AS approved
           FROM session_trainers st JOIN people p ON p.id = st.person_id JOIN users u ON u.id = p.user_id
           JOIN sessions s ON s.id = st.session_id JOIN partnerships ps ON ps.id = s.partnership_id
          WHERE u.email = 'trainer@norfolk.example.org' AND ps.slug = 'norfolk'`,
      ),
    )
    expect(sessions.length).toBe(3)
    expect(sessions.every((s) => s.approved)).toBe(true)
    const trainer = await t.signIn('trainer@norfolk.example.org')
    for (const s of sessions) {
      const response = await trainer.get(`/sessions/${s.session_id}/register`)
      expect(response.statusCode).toBe(200)
    }
    // A trainer of another partnership's course does not train these sessions.
    const other = await t.signIn('trainer@shropshire.example.org')
    expect((await other.get(`/sessions/${sessions[0]?.session_id}/register`)).statusCode).not.toBe(200)
  })

  it('leaves the register of yesterday’s session to take, for three people with places', async () => {
    const norfolk = await t.partnership('norfolk')
    const sessions = await t.db.tenant({ partnershipId: norfolk.id, userId: null, actor: 'test' }, (sql) =>
      sql.query<{ id: string; day: string; places: string[]; marks: number }>(
        `SELECT s.id, to_char(s.starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS day,
                array_agg(u.email ORDER BY u.email) AS places,
                (SELECT count(*)::int FROM attendance m WHERE m.session_id = s.id) AS marks
           FROM sessions s JOIN applications a ON a.session_id = s.id AND a.status = 'confirmed'
           JOIN people p ON p.id = a.person_id JOIN users u ON u.id = p.user_id
          GROUP BY s.id`,
      ),
    )
    // The test clock is 24 November 2026, 10am.
    expect(sessions.map(({ day, places, marks }) => ({ day, places, marks }))).toEqual([
      {
        day: '2026-11-23 09:30',
        places: [
          'agency-lead@norfolk.example.org',
          'practitioner@norfolk.example.org',
          'subgroup@norfolk.example.org',
        ],
        marks: 0,
      },
    ])
    const catalogue = await t.browser().get('/p/norfolk/courses')
    expect(catalogue.statusCode).toBe(200)
    expect(catalogue.body).not.toContain(sessions[0]?.id)
    const course = await t.db.tenant({ partnershipId: norfolk.id, userId: null, actor: 'test' }, (sql) =>
      sql.one<{ id: string }>('SELECT course_id AS id FROM sessions WHERE id = $1', [sessions[0]?.id]),
    )
    // The course's page offers its two dates to come, not the one that has passed.
    const page = await t.browser().get(`/p/norfolk/courses/${course.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body.match(/\/sessions\/[0-9a-f-]+\/apply/g)?.length).toBe(2)
    expect(page.body).not.toContain(sessions[0]?.id)
  })

  it('titles the follow-up questionnaire by the partnership’s follow-up delay', async () => {
    const titles = await t.db.platform((sql) =>
      sql.query<{ slug: string; title: string }>(
        `SELECT ps.slug, q.title FROM questionnaires q JOIN partnerships ps ON ps.id = q.partnership_id
          WHERE q.title LIKE '% on' ORDER BY ps.slug`,
      ),
    )
    expect(Object.fromEntries(titles.map((r) => [r.slug, r.title]))).toMatchObject({
      norfolk: 'Three months on',
      'north-somerset': 'Four months on',
      'south-gloucestershire': 'Three months on',
    })
  })
})
