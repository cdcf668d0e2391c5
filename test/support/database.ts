import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import pg from 'pg'
import type { Clock } from '#platform/clock.ts'
import { Database } from '#platform/db/database.ts'
import { openEmbedded } from '#platform/db/embedded.ts'
import { migrate } from '#platform/db/migrate.ts'

export const TEMPLATE_PATH = 'var/test/template.tar'

export type TestDatabase = { db: Database; close(): Promise<void>; kind: 'postgresql' | 'pglite' }

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server
 * when DATABASE_URL is set, else an in-memory PGlite started from the migrated template the
 * global setup made.
 */
export async function freshDatabase(clock: Clock): Promise<TestDatabase> {
  const database = await newDatabase(clock, { template: true })
  await migrate(database.db)
  return database
}

/**
 * A new database with no migrations applied, for a test that applies them itself (to see
 * what a migration does to rows made before it).
 */
export function emptyDatabase(clock: Clock): Promise<TestDatabase> {
  return newDatabase(clock, { template: false })
}

async function newDatabase(clock: Clock, options: { template: boolean }): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (serverUrl) {
    const name = `cascade_test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const db = new Database({
      target: { connectionString: withDatabaseName(serverUrl, name) },
      poolSize: 10,
      clock,
      server: true,
    })
    return {
      db,
      kind: 'postgresql',
      close: async () => {
        await db.close()
        const dropper = new pg.Client({ connectionString: serverUrl })
        await dropper.connect()
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await dropper.end()
      },
    }
  }
  const from =
    options.template && existsSync(TEMPLATE_PATH) ? new Blob([readFileSync(TEMPLATE_PATH)]) : undefined
  const embedded = await openEmbedded(null, { from })
  const db = new Database({ target: embedded.target, poolSize: 10, clock })
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.close()
      await embedded.close()
    },
  }
}
