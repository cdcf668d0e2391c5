import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))
// Any fixed number; it keeps two processes from migrating at once.
const MIGRATION_LOCK = 7_031_993

type Migration = { name: string; sql: string; checksum: string }

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((name) => {
      const sql = readFileSync(`${dir}/${name}`, 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

/**
 * Applies the committed SQL migrations in order, each in its own transaction. A migration
 * that landed is never edited: a changed checksum stops start-up rather than leaving two
 * databases that claim the same version but differ. `before` stops short of the migration so
 * named, for a test to make rows as they were before it.
 */
export async function migrate(db: Database, options: { before?: string } = {}): Promise<string[]> {
  const applied: string[] = []
  await db.platform((sql) =>
    sql.query(`CREATE TABLE IF NOT EXISTS cascade_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`),
  )
  const { before } = options
  for (const migration of readMigrations().filter((m) => before === undefined || m.name < before)) {
    await db.platform(async (sql) => {
      await sql.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      const done = await sql.maybeOne<{ checksum: string }>(
        'SELECT checksum FROM cascade_migrations WHERE name = $1',
        [migration.name],
      )
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was edited after it was applied; add a new migration instead`,
          )
        }
        return
      }
      await sql.query(migration.sql)
      await sql.query('INSERT INTO cascade_migrations (name, checksum) VALUES ($1, $2)', [
        migration.name,
        migration.checksum,
      ])
      applied.push(migration.name)
    })
  }
  return applied
}
