import pg from 'pg'
import { actionColumns, actionSource } from '#features/actions/queries.ts'
import { p99, timesOf } from './measure.ts'

/** The tracker's views measured: every action, the overdue ones, and one agency's. */
export type TrackerView = 'all' | 'overdue' | 'agency'

type Scope = { partnershipId: string; today: string; agencyId: string }

/** A view's condition on actions aliased `a`, its value (if any) numbered `$next`. */
function condition(view: TrackerView, next: number, scope: Scope): { where: string; values: unknown[] } {
  if (view === 'overdue')
    return {
      where: `a.status IN ('not_started', 'on_track', 'at_risk') AND a.due_on < $${next}::date`,
      values: [scope.today],
    }
  if (view === 'agency') return { where: `a.owning_agency_id = $${next}::uuid`, values: [scope.agencyId] }
  return { where: 'true', values: [] }
}

/**
 * The bare SQL of one page of the action tracker, as the app's paged lists read one: the
 * first 50 actions by due date through the shared read model, and how many there are in all.
 */
export function trackerStatements(view: TrackerView, scope: Scope): pg.QueryConfig[] {
  const page = condition(view, 3, scope)
  const count = condition(view, 2, scope)
  return [
    {
      name: `bench_tracker_${view}_page`,
      text: `SELECT ${actionColumns(2)} FROM ${actionSource}
              WHERE a.partnership_id = $1::uuid AND ${page.where} ORDER BY a.due_on, a.id LIMIT 50`,
      values: [scope.partnershipId, scope.today, ...page.values],
    },
    {
      name: `bench_tracker_${view}_count`,
      text: `SELECT count(*)::int AS total FROM actions a WHERE a.partnership_id = $1::uuid AND ${count.where}`,
      values: [scope.partnershipId, ...count.values],
    },
  ]
}

export type Baselines = Record<TrackerView, { p99: number; total: number }>

/**
 * Each view's statements through `pg`, one after the other, `rounds` times, prepared as the app
 * prepares its own: the 99th percentile in milliseconds and how many actions the view holds.
 */
export async function sqlBaselines(client: pg.ClientBase, scope: Scope, rounds: number): Promise<Baselines> {
  const result = {} as Baselines
  for (const view of ['all', 'overdue', 'agency'] as const) {
    const [page, count] = trackerStatements(view, scope) as [pg.QueryConfig, pg.QueryConfig]
    let total = 0
    const run = async () => {
      await client.query(page)
      total = (await client.query<{ total: number }>(count)).rows[0]?.total ?? 0
    }
    result[view] = { p99: p99(await timesOf(rounds, run)), total }
  }
  return result
}

// Run on its own against a database the command line built (`cascade seed --scale large`):
// node bench/action-tracker-sql.ts SLUG [YYYY-MM-DD], with DATABASE_URL set.
if (import.meta.main) {
  const [slug = 'large-county', today = new Date().toISOString().slice(0, 10)] = process.argv.slice(2)
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ partnership: string; agency: string }>(
      `SELECT p.id AS partnership, (SELECT owning_agency_id FROM actions WHERE partnership_id = p.id
                                      AND owning_agency_id IS NOT NULL
                                    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS agency
         FROM partnerships p WHERE p.slug = $1`,
      [slug],
    )
    const found = rows[0]
    if (!found?.agency) throw new Error(`no actions in a partnership ${slug}`)
    const baselines = await sqlBaselines(
      client,
      { partnershipId: found.partnership, today, agencyId: found.agency },
      300,
    )
    console.table(baselines)
  } finally {
    await client.end()
  }
}
