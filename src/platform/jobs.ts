import { PgBoss } from 'pg-boss'
import type { Database } from './db/database.ts'

type Log = { info(message: string): void; warn(message: string): void; error(message: string | object): void }

type Definition = {
  name: string
  handler: (data: Record<string, unknown>) => Promise<void>
  cron?: string
}

export type Jobs = {
  /** Names a job and what it does; with `cron`, it also runs on that schedule (once, across all processes). */
  define(
    name: string,
    handler: (data: Record<string, unknown>) => Promise<void>,
    options?: { cron?: string },
  ): void
  /** `work: false` for a web process when separate workers run the jobs: it can still send them. */
  start(options: { work: boolean }): Promise<void>
  send(name: string, data?: Record<string, unknown>): Promise<void>
  /** Waits for running jobs to finish (up to 10 seconds), then stops. */
  stop(): Promise<void>
}

/**
 * Background and scheduled jobs on pg-boss, in the same database as everything else, so a job
 * and the change that caused it can never disagree about whether it happened. pg-boss keeps
 * its own schema (`pgboss`) and works through the owner connection.
 */
export function createJobs(options: { db: Database; embedded: boolean; log: Log }): Jobs {
  const definitions = new Map<string, Definition>()
  const pool = options.db.ownerConnection
  let boss: PgBoss | null = null
  let working = false

  return {
    define(name, handler, defineOptions = {}) {
      definitions.set(name, { name, handler, cron: defineOptions.cron })
    },

    async start({ work }) {
      working = work
      boss = new PgBoss({
        db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
        schema: 'pgboss',
        ...(options.embedded ? { backend: 'pglite' as const } : {}),
        supervise: work,
        schedule: work,
      })
      boss.on('error', (error: Error) =>
        options.log.error({ message: 'job queue error', error: error.message }),
      )
      const starting = boss
      try {
        await starting.start()
        for (const definition of definitions.values()) {
          await starting.createQueue(definition.name)
        }
        if (!work) return
        for (const definition of definitions.values()) {
          if (definition.cron)
            await starting.schedule(definition.name, definition.cron, {}, { tz: 'Europe/London' })
          await starting.work<Record<string, unknown>>(definition.name, async (jobs) => {
            for (const job of jobs) await definition.handler(job.data ?? {})
          })
        }
      } catch (error) {
        // Leave nothing half started, so the queue can be started again.
        boss = null
        await starting.stop({ graceful: false, close: true }).catch(() => {})
        throw error
      }
    },

    async send(name, data = {}) {
      if (!boss) throw new Error('The job queue has not started')
      await boss.send(name, data)
    },

    async stop() {
      if (!boss) return
      const stopping = boss
      boss = null
      await stopping.stop({ graceful: working, timeout: 10_000, close: true })
    },
  }
}
