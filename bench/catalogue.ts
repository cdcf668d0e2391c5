import Fastify from 'fastify'
import { buildApp } from '#src/app.ts'
import { loadConfig } from '#src/config.ts'
import type { Services } from '#src/services.ts'
import { cannon } from './cannon.ts'
import { medianTime } from './measure.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const COURSES = 100
const SESSIONS = 300
const LOAD_SECONDS = 5
const CONNECTIONS = 10

type Throughput = { name: string; page: number; bare: number }

/**
 * A first visit carries no cookies and is given its form token's cookie; a returning visitor
 * (come from the catalogue to a course) sends it back.
 */
type Visitor = 'first' | 'returning'

/**
 * Requests a second a page sustains over real HTTP from visitors who are not signed in, as
 * the app serves it (kept for a few seconds, as in production), against a bare Fastify
 * route listening the same way and returning the same bytes.
 */
async function throughput(
  services: Services,
  name: string,
  url: string,
  visitor: Visitor,
): Promise<Throughput> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', PUBLIC_PAGE_SECONDS: '10' })
  const app = await buildApp({ ...services, config })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const first = await app.inject({ method: 'GET', url })
  const cookie = first.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const page = await cannon({
    url: `http://127.0.0.1:${port}${url}`,
    connections: CONNECTIONS,
    duration: LOAD_SECONDS,
    headers: visitor === 'returning' ? { cookie } : {},
  })
  await app.close()
  if (page.errors || page.non2xx) throw new Error(`${url} failed under load: ${JSON.stringify(page)}`)

  // The floor: the same bytes, already encoded, from a route that does nothing else.
  const bytes = Buffer.from(first.body)
  const bare = Fastify()
  bare.get(url, (_request, reply) => reply.type('text/html; charset=utf-8').send(bytes))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const barePort = (bare.server.address() as { port: number }).port
  const baseline = await cannon({
    url: `http://127.0.0.1:${barePort}${url}`,
    connections: CONNECTIONS,
    duration: LOAD_SECONDS,
  })
  await bare.close()
  if (process.env.BENCH_DETAIL) console.error(name, `${bytes.length} bytes`, 'page', page, 'bare', baseline)
  return { name, page: page.rate, bare: baseline.rate }
}

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
    const { body } = await app.inject({ method: 'GET', url })
    // The catalogue is paged by course title, so its first page lists the first of them.
    if (!body.includes('Course 10')) throw new Error('the catalogue did not list the courses')
    const value = await medianTime(30, () => app.inject({ method: 'GET', url }))
    await app.close()

    const bare = Fastify()
    bare.get(url, (_request, reply) => reply.type('text/html; charset=utf-8').send(body))
    await bare.ready()
    const baseline = await medianTime(30, () => bare.inject({ method: 'GET', url }))
    await bare.close()

    const courseId = await database.db.tenant(
      { partnershipId: norfolk.id, userId: null },
      async (sql) => (await sql.one<{ id: string }>(`SELECT id FROM courses WHERE title = 'Course 7'`)).id,
    )
    const loads = [
      await throughput(services, `catalogue page, ${SESSIONS} upcoming sessions, first visits`, url, 'first'),
      await throughput(
        services,
        'a course page, visitors come from the catalogue',
        `/p/norfolk/courses/${courseId}`,
        'returning',
      ),
    ]
    return [
      {
        name: `public catalogue page, ${SESSIONS} upcoming sessions, median server time (${database.kind})`,
        value,
        unit: 'ms',
        target: 50,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      },
      ...loads.map(
        (load): Figure => ({
          // A rate against a floor: at least half of what a bare route sends of the same bytes.
          higherIsBetter: true,
          name: `${load.name}, not signed in, ${CONNECTIONS} connections over HTTP, requests a second (${database.kind})`,
          value: load.page,
          unit: '/s',
          target: Math.round(load.bare / 2),
          baseline: load.bare,
          ratio: Math.round((load.bare / load.page) * 100) / 100,
        }),
      ),
    ]
  })
}
