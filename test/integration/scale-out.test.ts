import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smtpSink } from '#test/support/smtp-sink.ts'

const serverUrl = process.env.DATABASE_URL
const slugs = ['jersey', 'north-somerset', 'south-gloucestershire', 'norfolk', 'shropshire']
const roles = ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner']

/** A client that keeps its cookies and reads each page's CSRF token, against any process. */
function client(from?: { cookies: Map<string, string> }) {
  const cookies = new Map(from?.cookies)
  let csrf = ''
  async function call(base: string, path: string, form?: Record<string, string>) {
    const response = await fetch(`${base}${path}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams({ _csrf: csrf, ...form }).toString() : undefined,
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const [name, ...value] = (pair ?? '').split('=')
      if (name) cookies.set(name.trim(), value.join('='))
    }
    const body = await response.text()
    csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? csrf
    return { status: response.status, body }
  }
  return { call, cookies }
}

function startProcess(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  let output = ''
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk.toString()
  })
  return { child, output: () => output }
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  seconds: number,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    const found = await check().catch((error: unknown) => {
      // A stopped process is not going to answer: give up now.
      if (error instanceof Error && error.message.includes('stopped')) throw error
      return undefined
    })
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe.skipIf(!serverUrl)('two web processes and a worker on one PostgreSQL', () => {
  const name = `cascade_scale_${randomBytes(5).toString('hex')}`
  const url = new URL(serverUrl ?? 'postgres://localhost')
  url.pathname = `/${name}`
  const processes: ChildProcess[] = []
  const webs: string[] = []
  let sink: Awaited<ReturnType<typeof smtpSink>>
  let db: pg.Client

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    sink = await smtpSink()
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: url.toString(),
      SESSION_SECRET: 'a-shared-secret-for-every-process-0123456789',
      SMTP_URL: sink.url,
      LOG_LEVEL: 'warn',
      SIGN_IN_ATTEMPTS_PER_MINUTE: '10000',
      CASCADE_DEMO: 'true',
    }
    // The worker migrates and loads the demo data first; then the web processes, which work jobs too.
    const worker = startProcess('src/worker.ts', env)
    processes.push(worker.child)
    await until('the worker', async () => worker.output().includes('running jobs'), 90)
    for (const port of [4100 + (process.pid % 400), 4600 + (process.pid % 400)]) {
      const base = `http://127.0.0.1:${port}`
      const web = startProcess('src/server.ts', {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: base,
      })
      processes.push(web.child)
      // A process that stopped is said at once, with what it printed, rather than waited for.
      await until(
        `the web process on ${port}`,
        async () => {
          if (web.child.exitCode !== null)
            throw new Error(
              `the web process on ${port} stopped (${web.child.exitCode}): ${web.output().slice(-2000)}`,
            )
          return (await fetch(`${base}/health/ready`)).ok
        },
        90,
      ).catch((error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : error}; it printed: ${web.output().slice(-2000)}`,
        )
      })
      webs.push(base)
    }
    db = new pg.Client({ connectionString: url.toString() })
    await db.connect()
  }, 240_000)

  afterAll(async () => {
    await db?.end()
    await Promise.all(
      processes.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(null)
            child.once('exit', resolve)
            child.kill('SIGTERM')
          }),
      ),
    )
    await sink?.close()
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }, 60_000)

  it('keeps a sign-in on either process', async () => {
    const [a = '', b = ''] = webs
    const browser = client()
    await browser.call(a, '/sign-in')
    const signedIn = await browser.call(a, '/sign-in', {
      email: 'admin@norfolk.example.org',
      password: 'cascade-demo',
    })
    expect(signedIn.status).toBe(303)
    const there = await browser.call(b, '/account')
    expect(there.status).toBe(200)
    expect(there.body).toContain('admin@norfolk.example.org')
    // A form from one process is taken by the other.
    await browser.call(a, '/themes')
    const added = await browser.call(b, '/themes', { name: 'Scale-out' })
    expect(added.status).toBe(303)
  })

  it('ends a session on every process when it ends on one, and a user disabled anywhere', async () => {
    const [a = '', b = ''] = webs
    const signedIn = async (email: string) => {
      const browser = client()
      await browser.call(a, '/sign-in')
      expect((await browser.call(a, '/sign-in', { email, password: 'cascade-demo' })).status).toBe(303)
      // Both processes have now seen the session, and may keep it.
      expect((await browser.call(a, '/account')).status).toBe(200)
      expect((await browser.call(b, '/account')).status).toBe(200)
      expect((await browser.call(b, '/account')).status).toBe(200)
      return browser
    }
    // Signed out on one, the session is refused by the other straight away.
    const trainer = await signedIn('trainer@norfolk.example.org')
    // The cookie as it was, still sent by another tab after signing out.
    const stale = client(trainer)
    expect((await trainer.call(a, '/sign-out', {})).status).toBe(200)
    await until(
      'the other process to refuse the session',
      async () => (await stale.call(b, '/account')).status === 303,
      2,
    )

    // A user disabled in the database (by either process, or by hand) is refused by both.
    const lead = await signedIn('agency-lead@norfolk.example.org')
    await db.query(`UPDATE users SET disabled = true WHERE lower(email) = 'agency-lead@norfolk.example.org'`)
    for (const base of [a, b])
      await until(
        `${base} to refuse the disabled user`,
        async () => (await lead.call(base, '/account')).status === 303,
        2,
      )
    await db.query(`UPDATE users SET disabled = false WHERE lower(email) = 'agency-lead@norfolk.example.org'`)

    // A role taken away is gone on both.
    const admin = await signedIn('executive@norfolk.example.org')
    expect((await admin.call(b, '/policy')).status).toBe(200)
    await db.query(
      `DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE lower(email) = 'executive@norfolk.example.org')`,
    )
    for (const base of [a, b])
      await until(
        `${base} to refuse the role taken away`,
        async () => (await admin.call(base, '/policy')).status !== 200,
        2,
      )
  })

  it('sends each email once, whichever process sends it', async () => {
    const emails = slugs.flatMap((slug) => roles.map((role) => `${role}@${slug}.example.org`))
    const before = sink.received.length
    await Promise.all(
      emails.map(async (email, i) => {
        const browser = client()
        const base = webs[i % webs.length] ?? ''
        await browser.call(base, '/sign-in/link')
        expect((await browser.call(base, '/sign-in/link', { email })).status).toBe(200)
      }),
    )
    await until(
      'the outbox to be sent',
      async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`)
        return rows[0].n === 0 && sink.received.length - before >= emails.length
      },
      90,
    )
    // Time for a second sender to have sent anything twice.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const sent = sink.received.slice(before)
    expect(sent).toHaveLength(emails.length)
    expect(new Set(sent.map((m) => m.to.join())).size).toBe(emails.length)
    const ids = sent.map((m) => /^Message-ID: (.+)$/im.exec(m.data)?.[1])
    expect(new Set(ids).size).toBe(emails.length)
  }, 120_000)

  it('runs each scheduled job once, whichever process is working', async () => {
    // interest.invite is scheduled every minute: each minute's run is one job, never one per process.
    const runs = await until(
      'a scheduled run',
      async () => {
        const { rows } = await db.query(
          `SELECT date_trunc('minute', created_on) AS minute, count(*)::int AS n
             FROM pgboss.job WHERE name = 'interest.invite' GROUP BY 1`,
        )
        return rows.length ? rows : undefined
      },
      100,
    )
    expect(runs.every((r: { n: number }) => r.n === 1)).toBe(true)
  }, 120_000)
})
