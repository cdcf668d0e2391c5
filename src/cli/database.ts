import { migrate } from '#platform/db/migrate.ts'
import { seedDemo } from '#src/demo/seed.ts'
import { say, withDatabase } from './connection.ts'

export async function migrateCommand(): Promise<void> {
  await withDatabase(async ({ db }) => {
    const applied = await migrate(db)
    say(applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date')
  })
}

export async function seedCommand(): Promise<void> {
  await withDatabase(async ({ db }, config) => {
    if (config.production) throw new Error('Demo data is not allowed in production')
    const { created } = await seedDemo(db)
    say(
      created.length
        ? `Loaded demo data for ${created.join(', ')}`
        : 'The demo partnerships are already there',
    )
  })
}
