import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { systemClock } from '#platform/clock.ts'
import { Database } from '#platform/db/database.ts'
import { openEmbedded } from '#platform/db/embedded.ts'
import { migrate } from '#platform/db/migrate.ts'
import { TEMPLATE_PATH } from './support/database.ts'

/**
 * Creating an embedded database takes seconds; loading one takes under one. So the suite
 * creates and migrates one once, and every test file starts from a copy of it.
 */
export default async function setup() {
  if (process.env.DATABASE_URL) return
  const embedded = await openEmbedded(null)
  const db = new Database({ target: embedded.target, poolSize: 2, clock: systemClock })
  await migrate(db)
  await db.close()
  const dump = await embedded.dump?.()
  await embedded.close()
  if (!dump) return
  mkdirSync(dirname(TEMPLATE_PATH), { recursive: true })
  writeFileSync(TEMPLATE_PATH, Buffer.from(await dump.arrayBuffer()))
}
