import type { PartnershipRef } from '#platform/auth/identity.ts'
import { steppingClock } from '#platform/clock.ts'
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
