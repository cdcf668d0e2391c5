import { defaultPolicy } from '#features/policy/policy.ts'
import { londonDateOf } from '#platform/clock.ts'
import { migrate } from '#platform/db/migrate.ts'
import { LARGE, seedLarge } from '#src/demo/large.ts'
import { seedDemo } from '#src/demo/seed.ts'
import { clockFor } from '#src/runtime.ts'
import { say, withDatabase } from './connection.ts'
import { progressBar } from './import.ts'

export async function migrateCommand(): Promise<void> {
  await withDatabase(async ({ db }) => {
    const applied = await migrate(db)
    say(applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date')
  })
}

export async function seedCommand(options: {
  demo?: boolean
  scale?: string
  partnership?: string
  seed?: string
}): Promise<void> {
  if (options.scale !== undefined) return seedLargeCommand(options)
  if (!options.demo) throw new Error('Say what to load: --demo, or --scale large --partnership SLUG')
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

/** `cascade seed --scale large --partnership SLUG [--seed N]`: a large synthetic partnership. */
async function seedLargeCommand(options: { scale?: string; partnership?: string; seed?: string }) {
  if (options.scale !== 'large') throw new Error('The only scale is large: --scale large')
  const slug = options.partnership ?? ''
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug))
    throw new Error('Name the partnership to build: --partnership SLUG, like --partnership large-county')
  const seed = Number(options.seed ?? '1')
  if (!Number.isInteger(seed) || seed < 0) throw new Error('The seed is a whole number, like --seed 1')
  await withDatabase(async ({ db }, config) => {
    if (config.production) throw new Error('Synthetic data is not allowed in production')
    const today = londonDateOf(clockFor(config).now())
    const partnership = await db.platform(async (sql) => {
      const existing = await sql.maybeOne<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1', [
        slug,
      ])
      if (
        existing &&
        (await sql.maybeOne('SELECT 1 FROM agencies WHERE partnership_id = $1 LIMIT 1', [existing.id]))
      )
        throw new Error(
          `The partnership ${slug} already has data: build the large partnership under a new slug`,
        )
      const row =
        existing ??
        (await sql.one<{ id: string }>('INSERT INTO partnerships (slug, name) VALUES ($1, $2) RETURNING id', [
          slug,
          `${slug.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())} (synthetic)`,
        ]))
      await sql.query(
        `INSERT INTO policies (partnership_id, effective_from, rules, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (partnership_id, effective_from) DO NOTHING`,
        [
          row.id,
          `${Number(today.slice(0, 4)) - 10}-04-01`,
          JSON.stringify(defaultPolicy),
          'Synthetic partnership',
        ],
      )
      return { id: row.id, slug }
    })
    const started = Date.now()
    const bar = progressBar(`Building ${slug}`)
    let current = ''
    const { bulk } = await seedLarge(db, partnership, seed, today, (done, total, step) => {
      if (step !== current && step !== 'done') say(`  ${step}`)
      current = step
      bar(done, total)
    })
    say(
      `Built ${slug} from seed ${seed} in ${Math.round((Date.now() - started) / 1000)} s: ${LARGE.agencies} agencies, ` +
        `${LARGE.people.toLocaleString('en-GB')} practitioners, ${(LARGE.years * LARGE.sessionsPerYear).toLocaleString('en-GB')} sessions, ` +
        `${LARGE.reviews.reviews} case reviews with ${LARGE.reviews.actions.toLocaleString('en-GB')} actions` +
        (bulk ? '' : ' (audited row by row, as this login may not set triggers aside)'),
    )
  })
}
