import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { availableParallelism } from 'node:os'
import autocannon from 'autocannon'
import pg from 'pg'
import { hashPassword } from '#platform/auth/passwords.ts'
import { DEMO_PASSWORD } from '#src/demo/partnerships.ts'
import { machineCpu, median, p99 as percentile99 } from './measure.ts'
import type { Figure } from './run.ts'

const SECONDS = 60
const PRACTITIONERS = 90
const REGISTER_TAKERS = 10
const OPEN_SESSIONS = 300
const REGISTERS = 10
const NOW = '2026-11-24T10:00:00Z'
const SLUG = 'large-county'
const PORT = 3950
/** The detail's first part of the load, when the process is new to it. */
const FIRST_SECONDS = 5
const WEB_PROCESS_NODE_OPTIONS = '--max-semi-space-size=32 --max-old-space-size=256'

/**
 * The server's own metrics that explain a long tail: pauses that hold every request at once
 * (collecting garbage, the event loop's delay), and what its memory holds at the end.
 */
const PAUSES_AND_MEMORY =
  /^(nodejs_(gc_duration_seconds_(sum|count)|eventloop_lag_(p50|p99|max)_seconds|heap_size_(total|used)_bytes|external_memory_bytes)|process_resident_memory_bytes)/

/** A database URL naming another database on the same server. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** The resident memory of a process now, in megabytes (Linux). */
function memoryOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Math.round(Number(line?.replace(/\D+/g, '') ?? Number.NaN) / 1024)
}

/** CPU time a process has used, in milliseconds (Linux). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Samples a process's memory four times a second while `during` runs, and gives the most. */
async function mostMemoryDuring<T>(pid: number, during: Promise<T>): Promise<{ result: T; most: number }> {
  let most = memoryOf(pid)
  const sampler = setInterval(() => {
    most = Math.max(most, memoryOf(pid))
  }, 250)
  try {
    return { result: await during, most }
  } finally {
    clearInterval(sampler)
  }
}

/** Starts a server process and gives how long it took to answer /health/ready. */
async function startTimed(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [script], { env: { ...env, PORT: String(PORT) }, stdio: 'ignore' })
  for (let tries = 0; ; tries++) {
    if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`).catch(() => null))?.ok)
      return { child, ms: Math.round(performance.now() - started) }
    if (tries > 3000) throw new Error(`${script} did not become ready`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/** A signed-in visitor's cookies and form token, got through the sign-in page as a browser does. */
async function signIn(base: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const cookies = new Map<string, string>()
  const call = async (path: string, form?: Record<string, string>) => {
    const response = await fetch(`${base}${path}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    })
    for (const set of response.headers.getSetCookie()) {
      const [name, ...value] = (set.split(';')[0] ?? '').split('=')
      if (name) cookies.set(name.trim(), value.join('='))
    }
    return { status: response.status, body: await response.text() }
  }
  const page = await call('/sign-in')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const signedIn = await call('/sign-in', { _csrf: csrf, email, password: DEMO_PASSWORD })
  if (signedIn.status !== 303) throw new Error(`signing in ${email} answered ${signedIn.status}`)
  return { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf }
}

/**
 * The large partnership's people who sign in: practitioners who apply and cancel,
 * and trainers who take the registers of sessions running today; sessions open for applying.
 */
async function prepare(db: pg.Client) {
  const { rows: found } = await db.query<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1', [
    SLUG,
  ])
  const partnership = found[0]?.id
  if (!partnership) throw new Error('the large partnership was not built')
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  await db.query('BEGIN')
  await db.query(`SELECT set_config('cascade.now', $1, true)`, [NOW])
  const { rows: practitioners } = await db.query<{ email: string }>(
    `WITH chosen AS (
       SELECT id, email, first_name || ' ' || last_name AS name FROM people
        WHERE partnership_id = $1 ORDER BY email LIMIT $2
     ), made AS (
       INSERT INTO users (email, display_name, password_hash)
       SELECT email, name, $3 FROM chosen RETURNING id, email
     ), granted AS (
       INSERT INTO memberships (partnership_id, user_id, role) SELECT $1, id, 'practitioner' FROM made
     )
     UPDATE people p SET user_id = m.id FROM made m WHERE p.partnership_id = $1 AND p.email = m.email
     RETURNING p.email`,
    [partnership, PRACTITIONERS, passwordHash],
  )
  const { rows: courses } = await db.query<{ id: string }>(
    `SELECT id FROM courses WHERE partnership_id = $1 AND status = 'published' ORDER BY title LIMIT 1`,
    [partnership],
  )
  const course = courses[0]?.id
  // Sessions open for applying, a day apart from March, and sessions running today to mark.
  const { rows: open } = await db.query<{ id: string }>(
    `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
     SELECT $1, $2, 'online', 'https://meet.example.org/load', 40, 'open',
            timestamptz '2027-03-01 09:30Z' + n * interval '1 day', timestamptz '2027-03-01 12:30Z' + n * interval '1 day'
       FROM generate_series(0, $3 - 1) n RETURNING id`,
    [partnership, course, OPEN_SESSIONS],
  )
  const { rows: running } = await db.query<{ id: string }>(
    `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
     SELECT $1, $2, 'online', 'https://meet.example.org/load', 40, 'full',
            timestamptz '2026-11-24 09:00Z', timestamptz '2026-11-24 16:00Z'
       FROM generate_series(1, $3) RETURNING id`,
    [partnership, course, REGISTERS],
  )
  await db.query(
    `INSERT INTO session_parts (partnership_id, session_id, starts_at, ends_at)
     SELECT partnership_id, id, starts_at, ends_at FROM sessions WHERE id = ANY($1::uuid[])`,
    [[...open, ...running].map((s) => s.id)],
  )
  // Each running session has twenty confirmed places, of people who have not signed in.
  const { rows: places } = await db.query<{ session_id: string; person_id: string }>(
    `WITH places AS (
       SELECT s.id AS session_id, p.id AS person_id, p.agency_id
         FROM unnest($2::uuid[]) WITH ORDINALITY s(id, k)
         CROSS JOIN LATERAL (SELECT id, agency_id FROM people WHERE partnership_id = $1 AND user_id IS NULL
                              ORDER BY email DESC OFFSET (s.k - 1) * 20 LIMIT 20) p
     )
     INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
     SELECT $1, session_id, person_id, agency_id, 'manager@synthetic.example.org', 'confirmed', $3 FROM places
     RETURNING session_id, person_id`,
    [partnership, running.map((s) => s.id), NOW],
  )
  // Each running session's trainer takes its register.
  const { rows: trainers } = await db.query<{ email: string; session_id: string }>(
    `WITH chosen AS (
       SELECT id, email, first_name || ' ' || last_name AS name, row_number() OVER (ORDER BY email) AS k
         FROM people WHERE partnership_id = $1 AND user_id IS NULL ORDER BY email OFFSET 1000 LIMIT $3
     ), made AS (
       INSERT INTO users (email, display_name, password_hash) SELECT email, name, $4 FROM chosen RETURNING id, email
     ), granted AS (
       INSERT INTO memberships (partnership_id, user_id, role) SELECT $1, id, 'trainer' FROM made
     ), linked AS (
       UPDATE people p SET user_id = m.id FROM made m WHERE p.partnership_id = $1 AND p.email = m.email
     ), sessions AS (
       SELECT id, row_number() OVER () AS k FROM unnest($2::uuid[]) id
     )
     INSERT INTO session_trainers (partnership_id, session_id, person_id)
     SELECT $1, s.id, c.id FROM chosen c JOIN sessions s ON s.k = 1 + (c.k - 1) % $5
     RETURNING (SELECT email FROM chosen WHERE id = person_id) AS email, session_id`,
    [partnership, running.map((s) => s.id), REGISTER_TAKERS, passwordHash, REGISTERS],
  )
  await db.query('COMMIT')
  await db.query('VACUUM ANALYZE users, memberships, people, sessions, session_parts, applications')
  const { rows: catalogue } = await db.query<{ id: string }>(
    `SELECT id FROM courses WHERE partnership_id = $1 AND status = 'published' ORDER BY title LIMIT 20`,
    [partnership],
  )
  return {
    practitioners: practitioners.map((p) => p.email),
    trainers: trainers.map((t) => ({ email: t.email, session: t.session_id })),
    open: open.map((s) => s.id),
    courses: catalogue.map((c) => c.id),
    places: running.map((s) => ({
      session: s.id,
      people: places.filter((p) => p.session_id === s.id).map((p) => p.person_id),
    })),
  }
}

type Prepared = Awaited<ReturnType<typeof prepare>>

/**
 * The at-booking answers a practitioner gives on the apply form, as a browser sends them: the
 * first choice of each question, read from the form itself.
 */
async function bookingAnswers(
  base: string,
  visitor: Visitor,
  session: string,
): Promise<Record<string, string>> {
  const page = await (
    await fetch(`${base}/sessions/${session}/apply`, { headers: { cookie: visitor.cookie } })
  ).text()
  const answers: Record<string, string> = {}
  for (const [input] of page.matchAll(/<input[^>]*type="radio"[^>]*>/g)) {
    const name = /name="(answers\.[^"]+)"/.exec(input)?.[1]
    if (name && !(name in answers)) answers[name] = /value="([^"]*)"/.exec(input)?.[1] ?? ''
  }
  return answers
}

/**
 * Gives each connection its own signed-in visitor, whose cookie every request carries (a
 * request's own headers replace the connection's). autocannon starts every round of requests
 * from a copy of the connection's first context, so what lasts between rounds (which round
 * it is, the application to cancel) is kept outside it, by the connection's number.
 */
function eachConnection<S>(visitors: Visitor[], start: (visitor: Visitor, index: number) => S) {
  // Made before the connections: autocannon builds each request once before it connects.
  const states = visitors.map(start)
  let connected = 0
  const setupClient = (client: autocannon.Client) => {
    const index = connected++ % visitors.length
    const iterator = (
      client as unknown as { requestIterator: { initialContext: object; resetContext(): void } }
    ).requestIterator
    iterator.initialContext = { index }
    iterator.resetContext()
  }
  const stateOf = (context: { index?: number }) => states[context.index ?? 0] as S
  return { setupClient, stateOf }
}
type Visitor = { cookie: string; csrf: string }
type Tally = { unexpected: Map<string, number> }

function note(tally: Tally, what: string) {
  tally.unexpected.set(what, (tally.unexpected.get(what) ?? 0) + 1)
}

/**
 * Practitioners' mornings: the catalogue, a course, their learning, applying for a session
 * and cancelling the application, each connection one signed-in practitioner.
 */
function practitionerLoad(
  base: string,
  visitors: Visitor[],
  world: Prepared,
  answers: Record<string, string>,
  tally: Tally,
) {
  type State = { visitor: Visitor; index: number; round: number; applicationId: string }
  const { setupClient, stateOf } = eachConnection<State>(visitors, (visitor, index) => ({
    visitor,
    index,
    round: 0,
    applicationId: '',
  }))
  const form = (visitor: Visitor, fields: Record<string, string>) => ({
    headers: { cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: visitor.csrf, ...fields }).toString(),
  })
  const expect =
    (status: number, what: string) =>
    (got: number, _body: string, context: { index?: number }, headers?: IncomingHttpHeaders) => {
      // The booking's page, perhaps with the banner's word after it (`?done=applied`).
      const location = (headers?.location ?? '').split('?')[0] ?? ''
      if (got !== status) note(tally, `${what} answered ${got}`)
      else if (status === 303 && !/^\/bookings\/[0-9a-f-]{36}$/.test(location))
        note(tally, `${what} went to ${location}`)
      if (what === 'apply') stateOf(context).applicationId = location.split('/').pop() ?? ''
    }
  const page = (what: string, path: (state: State) => string): autocannon.Request => ({
    method: 'GET',
    setupRequest: (request, context) => {
      const state = stateOf(context)
      return { ...request, path: path(state), headers: { cookie: state.visitor.cookie } }
    },
    onResponse: expect(200, what),
  })
  const course = (offset: number) => (state: State) =>
    `/p/${SLUG}/courses/${world.courses[(state.index + state.round + offset) % world.courses.length]}`
  // A round is mostly reading, as a morning is: the catalogue and courses, their own learning,
  // one application and its page, and cancelling it.
  return {
    url: base,
    connections: visitors.length,
    duration: SECONDS,
    setupClient,
    requests: [
      page('catalogue', () => `/p/${SLUG}/courses`),
      page('course', course(0)),
      page('catalogue by month', () => `/p/${SLUG}/courses?month=2027-03`),
      page('course', course(1)),
      page('my learning', () => '/bookings'),
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const state = stateOf(context)
          const session = world.open[(state.index * 7 + state.round) % world.open.length]
          return {
            ...request,
            path: `/sessions/${session}/apply`,
            ...form(state.visitor, {
              forWhom: 'self',
              managerEmail: 'manager@synthetic.example.org',
              managerName: 'A Manager',
              acceptsOtherDates: 'no',
              ...answers,
            }),
          }
        },
        onResponse: expect(303, 'apply'),
      },
      page('application', (state) => `/bookings/${state.applicationId}`),
      page('my learning', () => '/bookings'),
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const state = stateOf(context)
          const cancelling = state.applicationId
          state.round++
          return {
            ...request,
            path: `/bookings/${cancelling}/cancel`,
            ...form(state.visitor, { note: 'Cannot come after all' }),
          }
        },
        onResponse: expect(303, 'cancel'),
      },
      page('course', course(2)),
    ],
  } satisfies autocannon.Options
}

/** Trainers taking registers: the register of their session running now, and a mark on it. */
function registerLoad(base: string, visitors: Visitor[], world: Prepared, tally: Tally) {
  type State = { visitor: Visitor; sheet: Prepared['places'][number]; round: number }
  const { setupClient, stateOf } = eachConnection<State>(visitors, (visitor, index) => ({
    visitor,
    sheet: world.places.find(
      (p) => p.session === world.trainers[index]?.session,
    ) as Prepared['places'][number],
    round: 0,
  }))
  return {
    url: base,
    connections: visitors.length,
    duration: SECONDS,
    setupClient,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context) => ({
          ...request,
          path: `/sessions/${stateOf(context).sheet.session}/register`,
          headers: { cookie: stateOf(context).visitor.cookie },
        }),
        onResponse: (status) => {
          if (status !== 200) note(tally, `register answered ${status}`)
        },
      },
      {
        method: 'POST',
        setupRequest: (request, context) => {
          const state = stateOf(context)
          const person = state.sheet.people[state.round++ % state.sheet.people.length] ?? ''
          return {
            ...request,
            path: `/sessions/${state.sheet.session}/register`,
            headers: { cookie: state.visitor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              _csrf: state.visitor.csrf,
              personId: person,
              part: '1',
              mark: state.round % 5 === 0 ? 'late' : 'attended',
            }).toString(),
          }
        },
        onResponse: (status, _body, _context, headers) => {
          if (status !== 303 || !headers?.location?.includes('/register'))
            note(tally, `marking answered ${status} ${headers?.location ?? ''}`)
        },
      },
    ],
  } satisfies autocannon.Options
}

/**
 * The busiest morning: 100 signed-in users for 60 seconds against one server process on the
 * large partnership (practitioners browsing, applying and cancelling; trainers taking registers).
 * Targets: no errors, 99th percentile under 250 ms, the server's memory under 300 MB. Needs a
 * PostgreSQL server (DATABASE_URL): a hundred users at once are not the embedded database's work.
 */
export async function mixedLoad(): Promise<Figure[]> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    console.error('The mixed load test needs PostgreSQL: set DATABASE_URL to run it.')
    return []
  }
  const name = `cascade_bench_load_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = withDatabase(serverUrl, name)
  const env = { ...process.env, DATABASE_URL: url, CASCADE_CLOCK: NOW, LOG_LEVEL: 'warn' }
  let server: ChildProcess | undefined
  try {
    execFileSync(process.execPath, ['bin/cascade.js', 'migrate'], { env, stdio: 'ignore' })
    execFileSync(process.execPath, ['bin/cascade.js', 'seed', '--scale', 'large', '--partnership', SLUG], {
      env,
      stdio: 'ignore',
    })
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    const world = await prepare(db)
    await db.end()

    // The floor: a bare process reaching the same database and listening.
    const bare = await startTimed('bench/bare-server.ts', env)
    await stop(bare.child)
    // One web process, as a deployment runs several: scheduled jobs are the worker's.
    const webEnv = {
      ...env,
      NODE_ENV: 'development',
      CASCADE_JOBS: 'off',
      // The default pool. On two cores, more connections than this made the tail longer:
      // more transactions at once in PostgreSQL, each waiting longer for the processors.
      DATABASE_POOL_SIZE: '10',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '10000',
      // A web process given 300 MB, as docs/deployment.md sets one up.
      NODE_OPTIONS: `${WEB_PROCESS_NODE_OPTIONS} ${process.env.BENCH_SERVER_NODE_OPTIONS ?? ''}`,
    }
    // The first start on a database does once-only work (in development, loading the demo
    // partnerships); what is timed is a restart, as a deployment or an added process makes.
    await stop((await startTimed('src/server.ts', webEnv)).child)
    const started = await startTimed('src/server.ts', webEnv)
    server = started.child
    const base = `http://127.0.0.1:${PORT}`
    // Signed in one after another, as people arrive: checking a password takes memory by design.
    const practitioners: Visitor[] = []
    for (const email of world.practitioners) practitioners.push(await signIn(base, email))
    const takers: Visitor[] = []
    for (const trainer of world.trainers) takers.push(await signIn(base, trainer.email))
    const answers = await bookingAnswers(base, practitioners[0] as Visitor, world.open[0] as string)
    const pid = server.pid as number
    const baselineMemory = memoryOf(pid)

    const tally: Tally = { unexpected: new Map() }
    // Where the machine's processors went during the load: the server, this process (the
    // load's clients), and the rest (PostgreSQL, mostly).
    const cpuBefore = { server: cpuOf(pid), bench: process.cpuUsage(), machine: machineCpu() }
    // Every response's time, of both kinds of user, for the percentiles of the whole load.
    const times: number[] = []
    // When each answer came, for the detail's first seconds against the rest.
    const answeredAt: number[] = []
    const timed = (options: autocannon.Options) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
        instance.on('response', (_client, _status, _bytes, ms) => {
          times.push(ms)
          answeredAt.push(performance.now())
        })
      })
    const loadStarted = performance.now()
    const {
      result: [browsing, registers],
      most: memory,
    } = await mostMemoryDuring(
      pid,
      Promise.all([
        timed(practitionerLoad(base, practitioners, world, answers, tally)),
        timed(registerLoad(base, takers, world, tally)),
      ]),
    )
    const benchUsed = process.cpuUsage(cpuBefore.bench)
    const cpu = {
      server: cpuOf(pid) - cpuBefore.server,
      clients: Math.round((benchUsed.user + benchUsed.system) / 1000),
      machine: machineCpu() - cpuBefore.machine,
    }
    const wrong = [...tally.unexpected.values()].reduce((sum, n) => sum + n, 0)
    const errors = browsing.errors + browsing.timeouts + registers.errors + registers.timeouts + wrong
    const firstSeconds = times.filter((_, i) => (answeredAt[i] ?? 0) - loadStarted < FIRST_SECONDS * 1000)
    const afterwards = times.filter((_, i) => (answeredAt[i] ?? 0) - loadStarted >= FIRST_SECONDS * 1000)
    times.sort((a, b) => a - b)
    const percentile = (p: number) => Math.round(times[Math.ceil(times.length * p) - 1] ?? Number.NaN)
    const spread = (some: number[]) => ({
      requests: some.length,
      p50: Math.round(median(some)),
      p99: percentile99(some),
    })
    const [p50, p99] = [percentile(0.5), percentile(0.99)]
    const requests = browsing.requests.total + registers.requests.total
    if (process.env.BENCH_DETAIL) {
      // Server time by route, from the process's own metrics.
      const metrics = await (await fetch(`${base}/metrics`)).text()
      const by = new Map<string, { sum: number; count: number }>()
      for (const m of metrics.matchAll(
        /^cascade_http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm,
      )) {
        const key = m[2] ?? ''
        const entry = by.get(key) ?? { sum: 0, count: 0 }
        if (m[1] === 'sum') entry.sum = Number(m[3])
        else entry.count = Number(m[3])
        by.set(key, entry)
      }
      for (const line of metrics.split('\n')) if (PAUSES_AND_MEMORY.test(line)) console.error(line)
      for (const [key, { sum, count }] of by)
        if (count > 100) console.error(key, count, `${((sum / count) * 1000).toFixed(1)} ms mean server time`)
    }
    if (process.env.BENCH_DETAIL || tally.unexpected.size)
      console.error('mixed load:', {
        requests,
        perSecond: Math.round(requests / SECONDS),
        p50,
        p99,
        browsingP99: browsing.latency.p99,
        registersP99: registers.latency.p99,
        unexpected: Object.fromEntries(tally.unexpected),
        // A process just started answers more slowly than it will later (its code compiled as
        // it first runs, its templates as each page is first rendered): apart, so it shows.
        [`first ${FIRST_SECONDS} s`]: spread(firstSeconds),
        afterwards: spread(afterwards),
        memoryAfterSignIn: baselineMemory,
        cpuMsPerRequest: {
          server: Math.round((cpu.server / requests) * 100) / 100,
          clients: Math.round((cpu.clients / requests) * 100) / 100,
          rest: Math.round(((cpu.machine - cpu.server - cpu.clients) / requests) * 100) / 100,
          idle: Math.round(((SECONDS * 1000 * availableParallelism() - cpu.machine) / requests) * 100) / 100,
        },
      })
    const label = `${PRACTITIONERS + REGISTER_TAKERS} signed-in users for ${SECONDS} s (browse, apply, cancel, take registers), ${Math.round(requests / SECONDS)} requests a second`
    return [
      {
        postgresOnly: true,
        name: 'start-up to ready, PostgreSQL holding the large partnership (baseline: a bare process connecting and listening)',
        value: started.ms,
        unit: 'ms',
        target: 2000,
        baseline: bare.ms,
        ratio: Math.round((started.ms / bare.ms) * 100) / 100,
      },
      {
        postgresOnly: true,
        name: `mixed load, ${label}: requests that failed or answered wrongly`,
        value: errors,
        unit: 'requests',
        target: 0,
        baseline: 0,
        ratio: 1,
      },
      {
        postgresOnly: true,
        name: `mixed load, ${label}: 99th percentile response time (baseline: the median)`,
        value: p99,
        unit: 'ms',
        target: 250,
        baseline: p50,
        ratio: Math.round((p99 / Math.max(1, p50)) * 100) / 100,
      },
      {
        postgresOnly: true,
        name: `mixed load, ${label}: most memory of the server process (baseline: signed in, before the load)`,
        value: memory,
        unit: 'MB',
        target: 300,
        baseline: baselineMemory,
        ratio: Math.round((memory / baselineMemory) * 100) / 100,
      },
    ]
  } finally {
    if (server) {
      server.kill('SIGTERM')
      await new Promise((resolve) => server?.once('exit', resolve))
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}
