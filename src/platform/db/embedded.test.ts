import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '#platform/clock.ts'
import { createJobs } from '#platform/jobs.ts'
import { embeddedTemplate } from '#test/support/database.ts'
import { Database } from './database.ts'
import type { EmbeddedDatabase } from './embedded.ts'
import { openEmbedded } from './embedded.ts'
import { EmbeddedServer, endsIdle } from './embedded-server.ts'

// The embedded database serves one PGlite session to many connections. These tests are about
// that server, so they run on the embedded database whichever database the suite targets.
let embedded: EmbeddedDatabase
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  embedded = await openEmbedded(null, { from: embeddedTemplate() })
})
afterAll(() => embedded?.close())

async function client(): Promise<pg.Client> {
  const connection = new pg.Client(embedded.target)
  // A connection the server ends must fail its queries, not the test process.
  connection.on('error', () => {})
  await connection.connect()
  return connection
}

describe.skipIf(Boolean(process.env.DATABASE_URL))('the embedded database under concurrency', () => {
  it('answers each of many connections its own parameterised statements while the job queue works', async () => {
    const db = new Database({ target: embedded.target, poolSize: 4, clock: systemClock })
    const errors: unknown[] = []
    const jobs = createJobs({ db, embedded: true, log: { ...quiet, error: (error) => errors.push(error) } })
    let worked = 0
    jobs.define('test.busy', async () => {
      await db.platform((sql) => sql.query('SELECT pg_sleep(0.001), $1::int AS n', [worked]))
      worked++
    })
    await jobs.start({ work: true })
    const connections = await Promise.all(Array.from({ length: 16 }, () => client()))
    const wrong: string[] = []
    try {
      const sending = Promise.all(
        Array.from({ length: 6 }, () => jobs.send('test.busy').catch((error) => errors.push(error))),
      )
      // Each connection sends statements of different shapes, outside any transaction, so
      // every one is an extended-protocol batch of its own; each answer must be its own.
      await Promise.all(
        connections.map(async (connection, c) => {
          for (let i = 0; i < 160; i++) {
            const tag = `${c}:${i}`
            try {
              if (i % 3 === 0) {
                const { rows } = await connection.query('SELECT $1::text AS tag, $2::int * 2 AS twice', [
                  tag,
                  i,
                ])
                if (rows[0]?.tag !== tag || rows[0]?.twice !== i * 2) wrong.push(tag)
              } else if (i % 3 === 1) {
                const { rows } = await connection.query(
                  'SELECT g AS n, $2::text AS tag FROM generate_series(1, $1::int) AS g',
                  [(i % 7) + 1, tag],
                )
                if (rows.length !== (i % 7) + 1 || rows.some((row) => row.tag !== tag)) wrong.push(tag)
              } else {
                const { rows } = await connection.query(
                  'SELECT length($1::text) AS length, $2::bigint AS c',
                  [tag.repeat(3), c],
                )
                if (rows[0]?.length !== tag.length * 3 || Number(rows[0]?.c) !== c) wrong.push(tag)
              }
            } catch (error) {
              errors.push(error)
            }
          }
        }),
      )
      await sending
      for (let waited = 0; worked < 6 && waited < 600; waited++) await new Promise((r) => setTimeout(r, 50))
    } finally {
      await Promise.all(connections.map((connection) => connection.end().catch(() => {})))
      await jobs.stop()
      await db.close()
    }
    expect(errors.map((error) => (error instanceof Error ? error.message : JSON.stringify(error)))).toEqual(
      [],
    )
    expect(wrong).toEqual([])
    expect(worked).toBe(6)
  })

  it('carries on for everyone else when a statement fails, inside a transaction or out', async () => {
    const [failing, other] = await Promise.all([client(), client()])
    try {
      await expect(failing.query('SELECT 1 / $1::int', [0])).rejects.toThrow(/division by zero/)
      await failing.query('BEGIN')
      await expect(failing.query('SELECT no_such_column FROM pg_class')).rejects.toThrow(/does not exist/)
      const answered = other.query('SELECT $1::int AS n', [7])
      await failing.query('ROLLBACK')
      expect((await answered).rows).toEqual([{ n: 7 }])
      expect((await failing.query('SELECT $1::int AS n', [8])).rows).toEqual([{ n: 8 }])
    } finally {
      await Promise.all([failing.end(), other.end()])
    }
  })

  it('rolls back and passes on the turn when a connection goes away inside a transaction', async () => {
    const [leaving, waiting] = await Promise.all([client(), client()])
    try {
      await leaving.query('BEGIN')
      await leaving.query('CREATE TEMPORARY TABLE left_behind (n int)')
      const answered = waiting.query('SELECT $1::int AS n', [1])
      ;(leaving as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy()
      expect((await answered).rows).toEqual([{ n: 1 }])
      const { rows } = await waiting.query(`SELECT to_regclass('pg_temp.left_behind') AS kept`)
      expect(rows).toEqual([{ kept: null }])
    } finally {
      await waiting.end()
    }
  })
})

describe.skipIf(Boolean(process.env.DATABASE_URL))('faults on the embedded database', () => {
  // A PGlite of its own, whose protocol entry point a test can make fail, and which ends a
  // connection holding the turn idle after a moment rather than a minute.
  let db: PGlite
  let server: EmbeddedServer
  let target: pg.ClientConfig
  beforeAll(async () => {
    db = await PGlite.create()
    server = new EmbeddedServer({ db, listen: { host: '127.0.0.1', port: 0 }, idleHoldingTurnMs: 300 })
    target = { host: '127.0.0.1', port: await server.start(), user: 'postgres', database: 'postgres' }
  })
  afterAll(async () => {
    await server?.stop()
    await db?.close()
  })
  const connect = async () => {
    const connection = new pg.Client(target)
    connection.on('error', () => {})
    await connection.connect()
    return connection
  }

  it('answers an error of the embedded database itself to its connection alone and keeps serving', async () => {
    const [unlucky, other] = await Promise.all([connect(), connect()])
    const original = db.execProtocolRawStream.bind(db)
    db.execProtocolRawStream = () => {
      db.execProtocolRawStream = original
      throw new Error('simulated fault')
    }
    try {
      await expect(unlucky.query('SELECT 1')).rejects.toThrow(/simulated fault/)
      expect((await other.query('SELECT $1::int AS n', [2])).rows).toEqual([{ n: 2 }])
      const fresh = await connect()
      expect((await fresh.query('SELECT $1::int AS n', [3])).rows).toEqual([{ n: 3 }])
      await fresh.end()
    } finally {
      db.execProtocolRawStream = original
      await other.end()
      await unlucky.end().catch(() => {})
    }
  })

  it('ends a connection that holds a transaction open and idle, so the others are served', async () => {
    const [idle, other] = await Promise.all([connect(), connect()])
    try {
      await idle.query('BEGIN')
      await idle.query('CREATE TEMPORARY TABLE held (n int)')
      expect((await other.query('SELECT $1::int AS n', [4])).rows).toEqual([{ n: 4 }])
      await expect(idle.query('SELECT 1')).rejects.toThrow()
      const { rows } = await other.query(`SELECT to_regclass('pg_temp.held') AS kept`)
      expect(rows).toEqual([{ kept: null }])
    } finally {
      await other.end()
      await idle.end().catch(() => {})
    }
  })
})

describe('where the backend is idle', () => {
  const message = (type: string, body: number[]) =>
    Buffer.from([type.charCodeAt(0), 0, 0, 0, 4 + body.length, ...body])
  it('is after ReadyForQuery with no transaction open, and nowhere else', () => {
    const parsed = message('1', [])
    const idle = message('Z', ['I'.charCodeAt(0)])
    const inTransaction = message('Z', ['T'.charCodeAt(0)])
    expect(endsIdle(Buffer.concat([parsed, idle]))).toBe(true)
    expect(endsIdle(parsed)).toBe(false)
    expect(endsIdle(Buffer.concat([parsed, inTransaction]))).toBe(false)
    expect(endsIdle(Buffer.concat([idle, parsed]))).toBe(false)
    expect(endsIdle(Buffer.alloc(0))).toBe(false)
  })
})
