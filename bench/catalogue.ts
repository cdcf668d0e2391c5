import Fastify from 'fastify'
import { buildApp } from '#src/app.ts'
import { medianTime } from './measure.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const COURSES = 100
const SESSIONS = 300

/**
 * The public catalogue page with 300 upcoming sessions of 100 published courses (issue
 * target: under 50 ms server time), against a bare Fastify route returning the same bytes.
 */
export async function cataloguePage(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services, partnership: norfolk }) => {
    await database.db.tenant({ partnershipId: norfolk.id, userId: null, actor: 'bench' }, async (sql) => {
      await sql.query(
        `INSERT INTO courses (partnership_id, title, summary, objectives, delivery_method, duration_minutes, evaluation_plan, status)
         SELECT $1, 'Course ' || n, 'What practitioners will learn on course ' || n, '["Recognise the signs", "Act on them"]',
                'multi_agency_training', 180, '{"impact": "Confidence at follow-up"}', 'published'
           FROM generate_series(1, $2) n`,
        [norfolk.id, COURSES],
      )
      await sql.query(
        `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
         SELECT $1, c.id, 'online', 'https://meet.example.org/x', 20, 'open',
                timestamptz '2027-01-04 09:00Z' + (n || ' days')::interval, timestamptz '2027-01-04 12:00Z' + (n || ' days')::interval
           FROM generate_series(1, $2) n
           JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM courses) c ON c.k = 1 + (n % $3)`,
        [norfolk.id, SESSIONS, COURSES],
      )
      await sql.query(
        `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
         SELECT partnership_id, id, starts_at, ends_at FROM sessions`,
      )
    })
    await database.db.refreshStatistics(['courses', 'sessions', 'session_parts'])

    const app = await buildApp(services)
    await app.ready()
    const url = '/p/norfolk/courses'
    const body = (await app.inject({ method: 'GET', url })).body
    if (!body.includes('Course 99')) throw new Error('the catalogue did not list the courses')
    const value = await medianTime(30, () => app.inject({ method: 'GET', url }))
    await app.close()

    const bare = Fastify()
    bare.get(url, (_request, reply) => reply.type('text/html; charset=utf-8').send(body))
    await bare.ready()
    const baseline = await medianTime(30, () => bare.inject({ method: 'GET', url }))
    await bare.close()
    return [
      {
        name: `public catalogue page, ${SESSIONS} upcoming sessions, median server time (${database.kind})`,
        value,
        unit: 'ms',
        target: 50,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      },
    ]
  })
}
