import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { inject } from 'vitest'
import type { Clock } from '#platform/clock.ts'
import { Database } from '#platform/db/database.ts'
import { openEmbedded } from '#platform/db/embedded.ts'
import { migrate } from '#platform/db/migrate.ts'
import { seedDemo } from '#src/demo/seed.ts'

export type TestDatabase = { db: Database; close(): Promise<void>; kind: 'postgresql' | 'pglite' }

/**
 * The databases the global setup made once for the whole run, for each test file to copy:
 * one migrated, one migrated and seeded with the demo partnerships. On PostgreSQL each is the
 * name of a template database; on the embedded database, the path of a dumped data folder.
 */
export type DatabaseTemplates = { migrated: string; seeded: string }

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates | null
  }
}

function templates(): DatabaseTemplates | null {
  try {
    return inject('databaseTemplates') ?? null
  } catch {
    // Outside a vitest run (a script using these helpers): no templates, so migrate and seed.
    return null
  }
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** The migrated embedded database the global setup dumped, to load rather than migrate again. */
export function embeddedTemplate(): Blob | undefined {
  const path = templates()?.migrated
  return path && existsSync(path) ? new Blob([readFileSync(path)]) : undefined
}

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server
 * when DATABASE_URL is set, else an in-memory PGlite, each copied from the migrated template.
 */
export async function freshDatabase(clock: Clock): Promise<TestDatabase> {
  const template = templates()?.migrated
  const database = await newDatabase(clock, template)
  if (!template) await migrate(database.db)
  return database
}

/**
 * A fresh database with the demo partnerships in it, as `seedDemo` leaves it at the test
 * clock's time: copied from the seeded template, because seeding takes seconds per file.
 */
export async function seededDatabase(clock: Clock): Promise<TestDatabase> {
  const template = templates()?.seeded
  const database = await newDatabase(clock, template)
  if (!template) {
    await migrate(database.db)
    await seedDemo(database.db)
  }
  return database
}

/**
 * A new database with no migrations applied, for a test that applies them itself (to see
 * what a migration does to rows made before it).
 */
export function emptyDatabase(clock: Clock): Promise<TestDatabase> {
  return newDatabase(clock, undefined)
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(statement)
  } finally {
    await admin.end()
  }
}

async function newDatabase(clock: Clock, template: string | undefined): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (serverUrl) {
    const name = `cascade_test_${randomBytes(6).toString('hex')}`
    await onServer(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`)
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
        await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      },
    }
  }
  if (template && !existsSync(template)) throw new Error(`The database template ${template} is missing`)
  const from = template ? new Blob([readFileSync(template)]) : undefined
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
