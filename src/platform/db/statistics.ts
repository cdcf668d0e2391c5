import type { Jobs } from '../jobs.ts'
import type { Database } from './database.ts'

/**
 * Tables whose planner statistics are missing or stale, judged as PostgreSQL's autovacuum
 * judges them: never analysed while holding data, or changed by more than 50 rows and a tenth
 * of the table since. Cheap when nothing has changed: one read of the catalogue.
 */
const STALE_TABLES = `
  SELECT format('%I.%I', s.schemaname, s.relname) AS name
    FROM pg_stat_user_tables s
    JOIN pg_class c ON c.oid = s.relid
   WHERE (c.reltuples < 0 AND pg_relation_size(c.oid) > 0)
      OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
   ORDER BY s.n_mod_since_analyze DESC`

/**
 * Brings the planner's statistics up to date for every table that needs it, and returns
 * their names. Without statistics PostgreSQL plans for tables it takes to be nearly empty:
 * the public catalogue read its sessions once per course and took four times as long. The
 * embedded database has no autovacuum, and a PostgreSQL server may run without it, so
 * Cascade keeps its statistics itself rather than depend on that.
 */
const UNDEFINED_TABLE = '42P01'

export async function refreshStaleStatistics(db: Database): Promise<string[]> {
  const pool = db.ownerConnection
  const { rows } = await pool.query<{ name: string }>(STALE_TABLES)
  // One table a statement, each outside any transaction: the embedded database serves
  // everyone else between them, and a table dropped meanwhile fails alone.
  const analysed: string[] = []
  for (const { name } of rows) {
    try {
      await pool.query(`ANALYZE ${name}`)
      analysed.push(name)
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error
    }
  }
  return analysed
}

export const STATISTICS_JOB = 'database.statistics'

/** Every five minutes, and once as the job queue starts, so a restored or freshly loaded database is planned well. */
export function defineStatisticsJobs(jobs: Jobs, db: Database) {
  jobs.define(
    STATISTICS_JOB,
    async () => {
      await refreshStaleStatistics(db)
    },
    { cron: '*/5 * * * *' },
  )
}
