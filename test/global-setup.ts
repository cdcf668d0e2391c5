import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { steppingClock } from '#platform/clock.ts'
import { Database } from '#platform/db/database.ts'
import { openEmbedded } from '#platform/db/embedded.ts'
import { migrate } from '#platform/db/migrate.ts'
import { seedDemo } from '#src/demo/seed.ts'
import { type DatabaseTemplates, withDatabaseName } from './support/database.ts'
import { TEST_NOW } from './support/now.ts'

/**
 * Migrating a database takes seconds, and seeding the demo partnerships as long again; copying
 * one takes a fraction of that. So the run migrates one database, and seeds a copy of it, once,
 * and every test file starts from a copy of one or the other.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL
  const made = serverUrl ? await onServer(serverUrl) : await embedded()
  project.provide('databaseTemplates', made.templates)
  return made.teardown
}

type Made = { templates: DatabaseTemplates; teardown: () => Promise<void> }

async function onServer(serverUrl: string): Promise<Made> {
  const base = `cascade_template_${randomBytes(4).toString('hex')}`
  const templates = { migrated: `${base}_migrated`, seeded: `${base}_seeded` }
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const build = async (name: string, from: string | null, fill: (db: Database) => Promise<unknown>) => {
    await admin.query(`CREATE DATABASE ${name}${from ? ` TEMPLATE ${from}` : ''}`)
    const db = new Database({
      target: { connectionString: withDatabaseName(serverUrl, name) },
      poolSize: 2,
      clock: steppingClock(TEST_NOW),
      server: true,
    })
    try {
      await fill(db)
    } finally {
      await db.close()
    }
  }
  try {
    await build(templates.migrated, null, migrate)
    await build(templates.seeded, templates.migrated, seedDemo)
  } finally {
    await admin.end()
  }
  return {
    templates,
    teardown: async () => {
      const dropper = new pg.Client({ connectionString: serverUrl })
      await dropper.connect()
      for (const name of [templates.seeded, templates.migrated])
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    },
  }
}

async function embedded(): Promise<Made> {
  const folder = `var/test/${process.pid}`
  const templates = { migrated: `${folder}/migrated.tar`, seeded: `${folder}/seeded.tar` }
  mkdirSync(folder, { recursive: true })
  const database = await openEmbedded(null)
  const db = new Database({ target: database.target, poolSize: 2, clock: steppingClock(TEST_NOW) })
  const dump = async (path: string) => {
    // Written out now, so that each copy starts without replaying the log.
    await db.platform((sql) => sql.query('CHECKPOINT'))
    const data = await database.dump?.()
    if (!data) throw new Error('The embedded database could not be dumped')
    writeFileSync(path, Buffer.from(await data.arrayBuffer()))
  }
  try {
    await migrate(db)
    await dump(templates.migrated)
    await seedDemo(db)
    await dump(templates.seeded)
  } finally {
    await db.close()
    await database.close()
  }
  return { templates, teardown: async () => rmSync(folder, { recursive: true, force: true }) }
}
