import type { Connection } from '#platform/db/connect.ts'
import { connectDatabase } from '#platform/db/connect.ts'
import { migrate } from '#platform/db/migrate.ts'
import type { Config } from '#src/config.ts'
import { loadConfig } from '#src/config.ts'
import { clockFor } from '#src/runtime.ts'

/** Runs a command against the configured database, migrated, and closes it afterwards. */
export async function withDatabase<T>(
  fn: (connection: Connection, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig()
  const connection = await connectDatabase(config, clockFor(config))
  try {
    await migrate(connection.db)
    return await fn(connection, config)
  } finally {
    await connection.close()
  }
}

/** Messages go to standard error, so standard output carries only a command's result (a token). */
export function say(message: string): void {
  process.stderr.write(`${message}\n`)
}
