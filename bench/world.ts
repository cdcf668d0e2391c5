import type { PartnershipRef } from '#platform/auth/identity.ts'
import { steppingClock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'
import { loadConfig } from '#src/config.ts'
import { seedDemo } from '#src/demo/seed.ts'
import type { Services } from '#src/services.ts'
import { createServices } from '#src/services.ts'
import type { TestDatabase } from '#test/support/database.ts'
import { freshDatabase } from '#test/support/database.ts'

export type BenchWorld = {
  database: TestDatabase
  services: Services
  clock: ReturnType<typeof steppingClock>
  /** The demo Norfolk partnership, which each benchmark fills with what it measures. */
  partnership: PartnershipRef
}

/** Runs a benchmark on a fresh database with the demo partnerships, closing it afterwards. */
export async function withDemoPartnership<T>(measure: (world: BenchWorld) => Promise<T>): Promise<T> {
  const clock = steppingClock('2026-11-24T10:00:00Z')
  const database = await freshDatabase(clock)
  try {
    await seedDemo(database.db)
    const services = createServices({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }),
      db: database.db,
      clock,
    })
    const partnership = await services.partnerships.bySlug('norfolk')
    if (!partnership) throw new Error('no demo partnership')
    return await measure({ database, services, clock, partnership })
  } finally {
    await database.close()
  }
}

/**
 * A user a benchmark signs in with a password. Roles that must set up a second factor are
 * spared it as the demo seed's accounts are (never in production), so the benchmark measures
 * the page rather than the set-up screen.
 */
export async function benchAccount(db: Database, userId: string): Promise<void> {
  await db.platform((sql) => sql.query('UPDATE users SET demo_account = true WHERE id = $1', [userId]))
}
