import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '#platform/clock.ts'
import type { TestDatabase } from '#test/support/database.ts'
import { freshDatabase, withDatabaseName } from '#test/support/database.ts'

let database: TestDatabase
let partnershipId: string

beforeAll(async () => {
  database = await freshDatabase(fixedClock('2026-11-24T10:00:00Z'))
  const made = await database.db.platform(async (sql) => {
    await sql.query('CREATE TABLE statement_probe (n int PRIMARY KEY)')
    return sql.one<{ id: string }>(
      `INSERT INTO partnerships (slug, name) VALUES ('probe', 'Probe') RETURNING id`,
    )
  })
  partnershipId = made.id
})
afterAll(() => database?.close())

const scope = () => ({ partnershipId, userId: null })
const count = () =>
  database.db.platform((sql) => sql.one<{ n: number }>('SELECT count(*)::int AS n FROM statement_probe'))

// On a PostgreSQL server statements issued together are pipelined: written at once with the
// transaction's BEGIN, answered in order. These hold on either database.
describe('statements sent together in a transaction', () => {
  it('run in the order sent, each seeing the ones before, under the transaction’s scope', async () => {
    const [scoped, , seen, , total] = await database.db.tenant(scope(), (sql) =>
      Promise.all([
        sql.one<{ partnership: string; role: string }>(
          `SELECT current_setting('cascade.partnership_id') AS partnership, current_user AS role`,
        ),
        sql.query('INSERT INTO statement_probe (n) VALUES (1)'),
        sql.one<{ n: number }>('SELECT count(*)::int AS n FROM statement_probe WHERE n = $1', [1]),
        sql.query('INSERT INTO statement_probe (n) VALUES (2), (3)'),
        sql.one<{ n: number }>('SELECT sum(n)::int AS n FROM statement_probe'),
      ]),
    )
    expect(scoped).toEqual({ partnership: partnershipId, role: 'cascade_app' })
    expect(seen.n).toBe(1)
    expect(total.n).toBe(6)
    expect((await count()).n).toBe(3)
  })

  it('commit nothing when one of them fails, and give that one’s error', async () => {
    const attempt = database.db.tenant(scope(), (sql) =>
      Promise.all([
        sql.query('INSERT INTO statement_probe (n) VALUES (10)'),
        sql.query('INSERT INTO statement_probe (n) VALUES (1)'),
        sql.query('INSERT INTO statement_probe (n) VALUES (11)'),
      ]),
    )
    await expect(attempt).rejects.toMatchObject({ code: '23505' })
    expect((await count()).n).toBe(3)
    // The connection is fit to use again afterwards.
    const after = await database.db.tenant(scope(), (sql) => sql.one<{ ok: number }>('SELECT 1 AS ok'))
    expect(after.ok).toBe(1)
  })

  it('commit nothing when the work fails after them', async () => {
    const attempt = database.db.tenant(scope(), async (sql) => {
      await Promise.all([
        sql.query('INSERT INTO statement_probe (n) VALUES (20)'),
        sql.query('INSERT INTO statement_probe (n) VALUES (21)'),
      ])
      throw new Error('refused')
    })
    await expect(attempt).rejects.toThrow('refused')
    expect((await count()).n).toBe(3)
  })
})

describe('a statement left for the COMMIT', () => {
  it('is written with the transaction', async () => {
    const seen = await database.db.tenant(scope(), async (sql) => {
      sql.later('INSERT INTO statement_probe (n) VALUES ($1)', [30])
      return sql.one<{ n: number }>('SELECT count(*)::int AS n FROM statement_probe WHERE n = 30')
    })
    expect(seen.n).toBe(1)
    expect((await count()).n).toBe(4)
  })

  it('fails the transaction when it fails, and nothing is committed', async () => {
    const attempt = database.db.tenant(scope(), async (sql) => {
      await sql.query('INSERT INTO statement_probe (n) VALUES (40)')
      sql.later('INSERT INTO statement_probe (n) VALUES ($1)', [30])
      return 'made'
    })
    await expect(attempt).rejects.toMatchObject({ code: '23505' })
    expect((await count()).n).toBe(4)
  })
})

describe('a read sent at once', () => {
  it('runs its statements under the scope, with BEGIN and COMMIT', async () => {
    const [scoped, total] = await database.db.read(scope(), (sql) =>
      Promise.all([
        sql.one<{ partnership: string; role: string }>(
          `SELECT current_setting('cascade.partnership_id') AS partnership, current_user AS role`,
        ),
        sql.one<{ n: number }>('SELECT count(*)::int AS n FROM statement_probe'),
      ]),
    )
    expect(scoped).toEqual({ partnership: partnershipId, role: 'cascade_app' })
    expect(total.n).toBe(4)
  })

  it('refuses a statement sent after the others rather than run it outside the transaction', async () => {
    const attempt = database.db.read(scope(), async (sql) => {
      await sql.query('SELECT 1')
      return sql.query('INSERT INTO statement_probe (n) VALUES (50)')
    })
    await expect(attempt).rejects.toThrow(/after its transaction’s COMMIT/)
    expect((await count()).n).toBe(4)
  })

  it('is an ordinary transaction when nothing is sent at once', async () => {
    const seen = await database.db.read(scope(), async (sql) => {
      await Promise.resolve()
      const first = await sql.one<{ n: number }>('SELECT 1 AS n')
      return sql.one<{ n: number }>('SELECT $1::int + 1 AS n', [first.n])
    })
    expect(seen.n).toBe(2)
  })
})

describe('a transaction that commits with its last statements', () => {
  it('has committed them, with what was left for the COMMIT, however its work ends', async () => {
    const attempt = database.db.tenant(scope(), async (sql) => {
      const written = sql.query('INSERT INTO statement_probe (n) VALUES ($1)', [60])
      sql.later('INSERT INTO statement_probe (n) VALUES ($1)', [61])
      sql.commitNow()
      await written
      // The COMMIT went with them: a failure from here on cannot take them back.
      throw new Error('after the commit')
    })
    await expect(attempt).rejects.toThrow('after the commit')
    expect((await count()).n).toBe(6)
  })

  it('commits nothing when one of them fails, and gives that one’s error', async () => {
    const attempt = database.db.tenant(scope(), async (sql) => {
      const written = Promise.all([
        sql.query('INSERT INTO statement_probe (n) VALUES ($1)', [70]),
        sql.query('INSERT INTO statement_probe (n) VALUES ($1)', [60]),
      ])
      sql.commitNow()
      await written
    })
    await expect(attempt).rejects.toMatchObject({ code: '23505' })
    expect((await count()).n).toBe(6)
    const after = await database.db.tenant(scope(), (sql) => sql.one<{ ok: number }>('SELECT 1 AS ok'))
    expect(after.ok).toBe(1)
  })

  it('refuses a statement sent after the COMMIT', async () => {
    const attempt = database.db.tenant(scope(), async (sql) => {
      await sql.query('SELECT 1')
      sql.commitNow()
      return sql.query('INSERT INTO statement_probe (n) VALUES (80)')
    })
    await expect(attempt).rejects.toThrow(/after its transaction’s COMMIT/)
    expect((await count()).n).toBe(6)
  })
})

describe('a transaction that keeps its plans', () => {
  const planMode = (keepPlans: boolean) =>
    database.db.tenant({ ...scope(), keepPlans }, (sql) =>
      sql.one<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode`),
    )

  it('keeps one plan for each statement, and only for its own statements', async () => {
    expect((await planMode(true)).mode).toBe('force_generic_plan')
    // The setting ends with the transaction: the next on the same connection plans as usual.
    for (let n = 0; n < 12; n++) expect((await planMode(false)).mode).toBe('auto')
  })
})

// Only a server ends one connection of several: restarting, failing over, or told to.
describe.skipIf(!process.env.DATABASE_URL)('a connection the server ends during a transaction', () => {
  it('fails that transaction, not the process, and is never lent again', async () => {
    const { name } = await database.db.platform((sql) =>
      sql.one<{ name: string }>('SELECT current_database() AS name'),
    )
    const administrator = new pg.Client({
      connectionString: withDatabaseName(process.env.DATABASE_URL as string, name),
    })
    await administrator.connect()
    const before = (await count()).n
    try {
      const attempt = database.db.tenant(scope(), async (sql) => {
        await sql.query('INSERT INTO statement_probe (n) VALUES (90)')
        const { pid } = await sql.one<{ pid: number }>('SELECT pg_backend_pid() AS pid')
        // Ended between statements: the server's word of it arrives while nothing is asked.
        await administrator.query('SELECT pg_terminate_backend($1, 5000)', [pid])
        await new Promise((resolve) => setTimeout(resolve, 50))
        await sql.query('INSERT INTO statement_probe (n) VALUES (91)')
      })
      await expect(attempt).rejects.toThrow()
    } finally {
      await administrator.end()
    }
    expect((await count()).n).toBe(before)
    // Every connection the pool lends afterwards works.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        database.db.tenant(scope(), (sql) => sql.one<{ ok: number }>('SELECT 1 AS ok')),
      ),
    )
    expect(answers.every((answer) => answer.ok === 1)).toBe(true)
  })
})
