import type { Config } from '../../config.ts'
import type { Clock } from '../clock.ts'
import { Database } from './database.ts'
import type { EmbeddedDatabase } from './embedded.ts'
import { openEmbedded } from './embedded.ts'

export type Connection = { db: Database; embedded: EmbeddedDatabase | null; close(): Promise<void> }

/**
 * The database the configuration names: a PostgreSQL server when DATABASE_URL is set,
 * otherwise the embedded one under CASCADE_DATA_DIR. Both are reached through the same
 * `pg` driver, so nothing else in the code knows which it is.
 */
export async function connectDatabase(
  config: Config,
  clock: Clock,
  options: { dataDir?: string | null } = {},
): Promise<Connection> {
  if (config.database.url) {
    const db = new Database({
      target: { connectionString: config.database.url },
      ownerTarget: config.database.migrationUrl
        ? { connectionString: config.database.migrationUrl }
        : undefined,
      poolSize: config.database.poolSize,
      clock,
      server: true,
    })
    return { db, embedded: null, close: () => db.close() }
  }
  const embedded = await openEmbedded(options.dataDir === undefined ? config.dataDir : options.dataDir)
  const db = new Database({ target: embedded.target, poolSize: config.database.poolSize, clock })
  return {
    db,
    embedded,
    close: async () => {
      await db.close()
      await embedded.close()
    },
  }
}
