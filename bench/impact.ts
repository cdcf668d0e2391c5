import { comments, reach, totals, versions } from '#features/evaluation/impact-queries.ts'
import { buildApp } from '#src/app.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { Browser } from '#test/support/app.ts'
import { medianTime } from './measure.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const COURSES = 20
const SESSIONS = 400
const APPLICATIONS = 20_000

const confidence = {
  id: 'confidence',
  kind: 'confidence',
  prompt: 'Confidence',
  perObjective: true,
  required: true,
}
const questionnaires = [
  ['atBooking', [confidence]],
  [
    'afterCourse',
    [
      confidence,
      { id: 'useful', kind: 'agreement', prompt: 'Relevant to my work', required: true },
      { id: 'plan', kind: 'action_plan', prompt: 'What will you do?', required: false },
      { id: 'comments', kind: 'free_text', prompt: 'Anything else?', required: false },
    ],
  ],
  [
    'followUp',
    [confidence, { id: 'changed', kind: 'agreement', prompt: 'It changed how I work', required: true }],
  ],
] as const

/**
 * The impact view of a partnership with 50,000 evaluation responses (issue target: under
 * 300 ms server time): 20,000 applications to 400 sessions of 20 courses, answered at booking
 * (20,000), after the course (18,000) and at follow-up (12,000). The baseline runs the bare
 * SQL the view needs, through the same database.
 */
export async function impactView(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services, partnership }) => {
    const scope = { partnershipId: partnership.id, userId: null, actor: 'bench' }
    const responses = await database.db.tenant(scope, async (sql) => {
      const plan: Record<string, string> = {}
      for (const [stage, questions] of questionnaires) {
        const row = await sql.one<{ id: string }>(
          `WITH q AS (INSERT INTO questionnaires (partnership_id, title, questions) VALUES ($1, $2, $3) RETURNING id)
           INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions)
           SELECT $1, q.id, 1, $3 FROM q RETURNING questionnaire_id AS id`,
          [partnership.id, `Bench ${stage}`, JSON.stringify(questions)],
        )
        plan[stage] = row.id
      }
      await sql.query(
        `INSERT INTO courses (partnership_id, title, objectives, delivery_method, duration_minutes, evaluation_plan, status)
         SELECT $1, 'Impact course ' || n, '["Recognise the signs", "Act on them", "Record what you did"]',
                'multi_agency_training', 180, $3, 'published' FROM generate_series(1, $2) n`,
        [partnership.id, COURSES, JSON.stringify({ ...plan, impact: 'Confidence' })],
      )
      await sql.query(
        `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
         SELECT $1, c.id, 'online', 'https://meet.example.org/x', 60, 'delivered',
                timestamptz '2026-01-05 09:00Z' + (n || ' days')::interval, timestamptz '2026-01-05 12:00Z' + (n || ' days')::interval
           FROM generate_series(1, $2) n
           JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM courses WHERE title LIKE 'Impact course %') c
             ON c.k = 1 + (n % $3)`,
        [partnership.id, SESSIONS, COURSES],
      )
      await sql.query(
        `INSERT INTO people (partnership_id, first_name, last_name, email, agency_id)
         SELECT $1, 'Impact', 'Person ' || n, 'impact.' || n || '@example.org',
                (SELECT id FROM agencies ORDER BY name OFFSET n % 10 LIMIT 1)
           FROM generate_series(1, $2) n`,
        [partnership.id, APPLICATIONS],
      )
      await sql.query(
        `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
         SELECT $1, s.id, p.id, p.agency_id, 'manager@example.org', 'confirmed', s.starts_at
           FROM (SELECT id, agency_id, row_number() OVER (ORDER BY id) AS k FROM people WHERE email LIKE 'impact.%') p
           JOIN (SELECT id, starts_at, row_number() OVER (ORDER BY id) AS k FROM sessions WHERE status = 'delivered') s
             ON s.k = 1 + (p.k % $2)`,
        [partnership.id, SESSIONS],
      )
      // Each booking's number decides what it answered, so the figures are the same every run.
      await sql.query(
        `CREATE TEMP TABLE bench_bookings ON COMMIT DROP AS
         SELECT a.id, a.session_id, row_number() OVER (ORDER BY a.id) AS n
           FROM applications a JOIN people p ON p.id = a.person_id WHERE p.email LIKE 'impact.%'`,
      )
      await sql.query(
        `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark)
         SELECT $1, session_id, id, 1, 'attended' FROM bench_bookings WHERE n % 10 <> 0`,
        [partnership.id],
      )
      await sql.query(
        `INSERT INTO evaluation_invitations (partnership_id, application_id, stage, questionnaire_id, sent_at)
         SELECT $1, id, 'follow_up', $2, timestamptz '2026-10-01 09:00Z' FROM bench_bookings WHERE n % 10 <> 0 AND n % 6 <> 0`,
        [partnership.id, plan.followUp],
      )
      const version = async (id: string | undefined) =>
        (
          await sql.one<{ id: string }>('SELECT id FROM questionnaire_versions WHERE questionnaire_id = $1', [
            id,
          ])
        ).id
      await sql.query(
        `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers, plan_outcome, submitted_at)
         SELECT $1::uuid, $2::uuid, id, 'at_booking', jsonb_build_object('confidence', jsonb_build_array(n % 5, 1 + n % 5, 2 + n % 4)),
                NULL::text, timestamptz '2025-12-01 09:00Z'
           FROM bench_bookings
         UNION ALL
         SELECT $1::uuid, $3::uuid, id, 'after_course',
                jsonb_build_object('confidence', jsonb_build_array(4 + n % 5, 5 + n % 5, 6 + n % 4), 'useful', 1 + n % 5,
                                   'plan', jsonb_build_object('action', 'Do it differently ' || n, 'by', '2026-12-31'))
                || CASE WHEN n % 5 = 0 THEN jsonb_build_object('comments', 'Comment number ' || n) ELSE '{}' END,
                NULL, timestamptz '2026-06-01 09:00Z' + (n || ' seconds')::interval
           FROM bench_bookings WHERE n % 10 <> 0
         UNION ALL
         SELECT $1::uuid, $4::uuid, id, 'follow_up',
                jsonb_build_object('confidence', jsonb_build_array(5 + n % 5, 5 + n % 5, 6 + n % 4), 'changed', 1 + n % 5),
                (ARRAY['done', 'partly', 'not_done'])[1 + n % 3], timestamptz '2026-10-01 09:00Z'
           FROM bench_bookings WHERE n % 10 <> 0 AND n % 3 <> 0`,
        [
          partnership.id,
          await version(plan.atBooking),
          await version(plan.afterCourse),
          await version(plan.followUp),
        ],
      )
      return (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM evaluation_responses')).n
    })
    if (responses !== 50_000) throw new Error(`made ${responses} responses, not 50,000`)
    await database.db.refreshStatistics([
      'evaluation_responses',
      'evaluation_invitations',
      'applications',
      'attendance',
      'sessions',
      'courses',
      'people',
    ])

    const app = await buildApp(services)
    await app.ready()
    const admin = new Browser(app)
    await admin.submit('/sign-in', { email: 'admin@norfolk.example.org', password: DEMO_PASSWORD })
    const url = '/impact'
    const page = await admin.get(url)
    if (page.statusCode !== 200 || !page.body.includes('Impact course 1: Recognise the signs'))
      throw new Error(`the impact view did not show the figures (${page.statusCode})`)
    const value = await medianTime(10, () => admin.get(url))
    await app.close()

    const all = { courseId: null, sessionId: null, themeId: null, agencyId: null, from: null, to: null }
    if (process.env.BENCH_DETAIL) {
      const known = await database.db.tenant(scope, (sql) => versions(sql))
      const freeText = Object.fromEntries(known.map((v) => [v.id, ['comments']]))
      const queries: Record<string, (sql: never) => Promise<unknown>> = {
        totals: (sql: never) => totals(sql, all),
        reach: (sql: never) => reach(sql, all),
        comments: (sql: never) => comments(sql, all, freeText, 50),
      }
      for (const [name, q] of Object.entries(queries))
        console.log(name, await medianTime(5, () => database.db.tenant(scope, (sql) => q(sql as never))))
    }
    const baseline = await medianTime(10, () =>
      database.db.tenant(scope, async (sql) => {
        const known = await versions(sql)
        const freeText = Object.fromEntries(known.map((v) => [v.id, ['comments']]))
        await totals(sql, all)
        await reach(sql, all)
        await comments(sql, all, freeText, 50)
      }),
    )
    return [
      {
        name: `impact view of a partnership with 50,000 responses, median server time (${database.kind})`,
        value,
        unit: 'ms',
        target: 300,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      },
    ]
  })
}
