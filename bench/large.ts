import Fastify from 'fastify'
import { defaultPolicy } from '#features/policy/policy.ts'
import { hashPassword } from '#platform/auth/passwords.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import { systemContext } from '#platform/context.ts'
import { buildApp } from '#src/app.ts'
import { LARGE, seedLarge } from '#src/demo/large.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { Browser } from '#test/support/app.ts'
import { machineCpu, p99, timesOf } from './measure.ts'
import { boardReport } from './reports.ts'
import type { Figure } from './run.ts'
import { benchAccount, withDemoPartnership } from './world.ts'

const PAGE_REQUESTS = 300
const APPLICATIONS = 6_000
const CONCURRENCY = 32
const OPEN_SESSIONS = 50

/** Runs `fn` for each item, `concurrency` at a time, and gives how many a second. */
async function rate<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await fn(item)
      }
    }),
  )
  return Math.round(items.length / ((performance.now() - started) / 1000))
}

/**
 * Figures on the large synthetic partnership (800 agencies, 60,000 practitioners, five years of
 * programme): a practitioner's "my learning" page at the 99th percentile (target 50 ms,
 * against a bare route returning the same bytes), applying for places through the API
 * (target 500 a second, against the bare INSERTs of the same applications), and the report to
 * the board (reports.ts).
 */
export async function largePartnership(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services }) => {
    const { db } = database
    const partnership = await db.platform((sql) =>
      sql.one<{ id: string; slug: string; name: string }>(
        `INSERT INTO partnerships (slug, name) VALUES ('large-county', 'Large County (synthetic)') RETURNING id, slug, name`,
      ),
    )
    const admin = systemContext(partnership, 'bench')
    await db.platform((sql) =>
      sql.query(
        `INSERT INTO policies (partnership_id, effective_from, rules, reason) VALUES ($1, '2016-04-01', $2, 'bench')`,
        [partnership.id, JSON.stringify(defaultPolicy)],
      ),
    )
    const started = performance.now()
    await seedLarge(db, partnership, 1, '2026-11-24', () => {})
    const seconds = Math.round((performance.now() - started) / 100) / 10
    // The baseline: writing as many bare rows (1.5 million) in one statement.
    const bareStarted = performance.now()
    await db.platform((sql) =>
      sql.query(
        `CREATE TEMP TABLE bench_rows ON COMMIT DROP AS SELECT n, md5(n::text) AS v FROM generate_series(1, 1500000) n`,
      ),
    )
    const bareSeconds = Math.round((performance.now() - bareStarted) / 100) / 10

    // The practitioner with the most bookings signs in.
    const busiest = await db.platform((sql) =>
      sql.one<{ id: string; email: string }>(
        `SELECT p.id, p.email FROM people p JOIN applications a ON a.person_id = p.id
          WHERE p.partnership_id = $1 GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`,
        [partnership.id],
      ),
    )
    const user = await ensureUser(db, {
      email: busiest.email,
      displayName: 'Busiest practitioner',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    await grantRole(db, {
      partnershipId: partnership.id,
      userId: user.id,
      role: 'practitioner',
      actor: 'bench',
    })
    await db.platform((sql) =>
      sql.query('UPDATE people SET user_id = $2 WHERE id = $1', [busiest.id, user.id]),
    )
    await db.refreshStatistics(['people'])

    const app = await buildApp(services)
    await app.ready()
    const practitioner = new Browser(app)
    await practitioner.submit('/sign-in', { email: busiest.email, password: DEMO_PASSWORD })
    const mine = await practitioner.get('/bookings')
    if (mine.statusCode !== 200 || !mine.body.includes('Synthetic course'))
      throw new Error(`the practitioner's learning did not show (${mine.statusCode})`)
    // Server time: the request straight into the app, without the test browser reading the page.
    const asPractitioner = { cookie: practitioner.cookieHeader }
    const pageP99 = p99(
      await timesOf(PAGE_REQUESTS, () =>
        app.inject({ method: 'GET', url: '/bookings', headers: asPractitioner }),
      ),
    )
    const bare = Fastify()
    bare.get('/bookings', (_request, reply) => reply.type('text/html; charset=utf-8').send(mine.body))
    await bare.ready()
    const bareP99 = p99(await timesOf(PAGE_REQUESTS, () => bare.inject({ method: 'GET', url: '/bookings' })))
    await bare.close()

    // An agency lead's compliance list for the largest agency.
    const largest = await db.platform((sql) =>
      sql.one<{ id: string; staff: number }>(
        `SELECT agency_id AS id, count(*)::int AS staff FROM people WHERE partnership_id = $1
          GROUP BY agency_id ORDER BY count(*) DESC, agency_id LIMIT 1`,
        [partnership.id],
      ),
    )
    const leadUser = await ensureUser(db, {
      email: 'bench.lead@synthetic.example.org',
      displayName: 'Bench lead',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    await grantRole(db, {
      partnershipId: partnership.id,
      userId: leadUser.id,
      role: 'agency-lead',
      agencyIds: [largest.id],
      actor: 'bench',
    })
    await benchAccount(db, leadUser.id)
    const lead = new Browser(app)
    await lead.submit('/sign-in', { email: 'bench.lead@synthetic.example.org', password: DEMO_PASSWORD })
    const complianceUrl = `/agencies/${largest.id}/compliance`
    const compliance = await lead.get(complianceUrl)
    if (compliance.statusCode !== 200 || !compliance.body.includes(`${largest.staff} current staff`))
      throw new Error(`the compliance list did not show (${compliance.statusCode})`)
    const asLead = { cookie: lead.cookieHeader }
    const complianceP99 = p99(
      await timesOf(PAGE_REQUESTS, () => app.inject({ method: 'GET', url: complianceUrl, headers: asLead })),
    )
    const bareCompliance = Fastify()
    bareCompliance.get(complianceUrl, (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(compliance.body),
    )
    await bareCompliance.ready()
    const bareComplianceP99 = p99(
      await timesOf(PAGE_REQUESTS, () => bareCompliance.inject({ method: 'GET', url: complianceUrl })),
    )
    await bareCompliance.close()

    // The partnership-wide roll-up of everyone's standing against their pathway, for the sub-group.
    const planner = await ensureUser(db, {
      email: 'bench.subgroup@synthetic.example.org',
      displayName: 'Bench sub-group member',
      passwordHash: null,
    })
    await grantRole(db, {
      partnershipId: partnership.id,
      userId: planner.id,
      role: 'subgroup',
      actor: 'bench',
    })
    const plannerToken = await services.tokens.create({
      partnershipId: partnership.id,
      userId: planner.id,
      name: 'bench',
    })
    const rollupUrl = '/api/v1/compliance'
    const asPlanner = { authorization: `Bearer ${plannerToken}` }
    const rolledUp = await app.inject({ method: 'GET', url: rollupUrl, headers: asPlanner })
    const onPathways = rolledUp.json<{ total?: { people: number } }>().total?.people ?? 0
    if (rolledUp.statusCode !== 200 || onPathways < LARGE.people / 2)
      throw new Error(`the compliance roll-up did not count the partnership (${rolledUp.statusCode})`)
    const rollupP99 = p99(
      await timesOf(PAGE_REQUESTS, () => app.inject({ method: 'GET', url: rollupUrl, headers: asPlanner })),
    )
    const bareRollup = Fastify()
    bareRollup.get(rollupUrl, (_request, reply) => reply.type('application/json').send(rolledUp.body))
    await bareRollup.ready()
    const bareRollupP99 = p99(
      await timesOf(PAGE_REQUESTS, () => bareRollup.inject({ method: 'GET', url: rollupUrl })),
    )
    await bareRollup.close()

    // The report to the board, read before the applying below adds sessions to the programme.
    const reportFigures = await boardReport(app, db, partnership, database.kind)

    // Applying: open sessions of one course, and the people to apply, through the API.
    const course = await db.platform((sql) =>
      sql.one<{ id: string }>(`SELECT id FROM courses WHERE partnership_id = $1 ORDER BY title LIMIT 1`, [
        partnership.id,
      ]),
    )
    const sessions: string[] = []
    for (let i = 0; i < OPEN_SESSIONS; i++) {
      const start = new Date(Date.UTC(2027, 2, 1 + i, 9, 30))
      const session = await services.courseSessions.create(admin, {
        courseId: course.id,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        capacity: 40,
        minimumPlaces: null,
        format: 'online',
        venue: null,
        joiningUrl: 'https://meet.example.org/bench',
        capacityOverrideReason: 'bench',
      })
      sessions.push(session.id)
    }
    await db.platform((sql) =>
      sql.query(`UPDATE sessions SET status = 'open' WHERE id = ANY($1::uuid[])`, [sessions]),
    )
    const people = await db.platform((sql) =>
      sql.query<{ id: string }>(`SELECT id FROM people WHERE partnership_id = $1 ORDER BY email LIMIT $2`, [
        partnership.id,
        (APPLICATIONS / OPEN_SESSIONS) * 2,
      ]),
    )
    const adminUser = await ensureUser(db, {
      email: 'bench.admin@synthetic.example.org',
      displayName: 'Bench',
      passwordHash: null,
    })
    await grantRole(db, {
      partnershipId: partnership.id,
      userId: adminUser.id,
      role: 'admin',
      actor: 'bench',
    })
    const token = await services.tokens.create({
      partnershipId: partnership.id,
      userId: adminUser.id,
      name: 'bench',
    })
    const perSession = APPLICATIONS / OPEN_SESSIONS
    const applying = sessions.flatMap((session, s) =>
      Array.from({ length: perSession }, (_, k) => ({
        session,
        person: people[s % 2 === 0 ? k : perSession + k]?.id,
      })),
    )
    const half = applying.length / 2
    const cpu = process.cpuUsage()
    const machine = machineCpu()
    const wall = performance.now()
    const applied = await rate(applying.slice(0, half), CONCURRENCY, async ({ session, person }) => {
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/sessions/${session}/applications`,
        headers: { authorization: `Bearer ${token}` },
        payload: { personId: person, managerEmail: 'manager@synthetic.example.org' },
      })
      if (response.statusCode !== 201)
        throw new Error(`applying answered ${response.statusCode}: ${response.body}`)
    })
    if (process.env.BENCH_DETAIL) {
      const used = process.cpuUsage(cpu)
      console.error(
        'apply: node cpu ms',
        Math.round((used.user + used.system) / 1000),
        'wall ms',
        Math.round(performance.now() - wall),
        'machine cpu ms',
        machineCpu() - machine,
      )
    }
    await app.close()
    const bareInserts = await rate(applying.slice(half), CONCURRENCY, ({ session, person }) =>
      db.tenant({ partnershipId: partnership.id, userId: null }, (sql) =>
        sql.query(
          `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email)
           SELECT $1, $2, id, agency_id, 'manager@synthetic.example.org' FROM people WHERE id = $3`,
          [partnership.id, session, person],
        ),
      ),
    )
    return [
      {
        postgresOnly: true,
        name: `building the large partnership: 1.5 million rows from a seed (${database.kind})`,
        value: seconds,
        unit: 's',
        target: 180,
        baseline: bareSeconds,
        ratio: Math.round((seconds / bareSeconds) * 100) / 100,
      },
      {
        postgresOnly: true,
        name: `"my learning" page of the busiest practitioner, large partnership, 99th percentile server time (${database.kind})`,
        value: pageP99,
        unit: 'ms',
        target: 50,
        baseline: bareP99,
        ratio: Math.round((pageP99 / bareP99) * 100) / 100,
      },
      {
        postgresOnly: true,
        name: `an agency lead's compliance list, the largest agency (${largest.staff} staff), 99th percentile server time (${database.kind})`,
        value: complianceP99,
        unit: 'ms',
        target: 50,
        baseline: bareComplianceP99,
        ratio: Math.round((complianceP99 / bareComplianceP99) * 100) / 100,
      },
      {
        postgresOnly: true,
        name: `the partnership-wide pathway compliance roll-up, ${onPathways.toLocaleString('en-GB')} people on pathways, 99th percentile server time (${database.kind})`,
        value: rollupP99,
        unit: 'ms',
        target: 200,
        baseline: bareRollupP99,
        ratio: Math.round((rollupP99 / bareRollupP99) * 100) / 100,
      },
      {
        // A rate: higher is better, so the target is a floor and the ratio is baseline / value.
        higherIsBetter: true,
        postgresOnly: true,
        name: `applying through the API, ${CONCURRENCY} at once, applications a second (${database.kind})`,
        value: applied,
        unit: '/s',
        target: 500,
        baseline: bareInserts,
        ratio: Math.round((bareInserts / applied) * 100) / 100,
      },
      ...reportFigures,
    ]
  })
}
