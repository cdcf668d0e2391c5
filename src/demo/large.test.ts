import { describe, expect, it } from 'vitest'
import { scopeFrom } from '#features/evaluation/impact.ts'
import { steppingClock } from '#platform/clock.ts'
import { systemContext } from '#platform/context.ts'
import { loadConfig } from '#src/config.ts'
import { createServices } from '#src/services.ts'
import { freshDatabase } from '#test/support/database.ts'
import type { Size } from './large.ts'
import { seedLarge } from './large.ts'

// The large partnership's shape at a size a test can build in a moment.
const small: Size = {
  agencies: 24,
  people: 600,
  courses: 6,
  years: 2,
  sessionsPerYear: 30,
  applicationsPerSession: 12,
  placesPerSession: 10,
  responses: { atBooking: 300, afterCourse: 200, followUp: 100 },
  reviews: { reviews: 12, recommendations: 60, actions: 150 },
}

async function build(seed: number) {
  const clock = steppingClock('2026-11-24T10:00:00Z')
  const database = await freshDatabase(clock)
  const partnership = await database.db.platform((sql) =>
    sql.one<{ id: string; slug: string; name: string }>(
      `INSERT INTO partnerships (slug, name) VALUES ('synthetic', 'Synthetic') RETURNING id, slug, name`,
    ),
  )
  await seedLarge(database.db, partnership, seed, '2026-11-24', () => {}, small)
  const digest = (table: string, columns: string) =>
    database.db.platform(async (sql) => {
      const row = await sql.one<{ digest: string; n: number }>(
        `SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) AS digest, count(*)::int AS n
           FROM (SELECT ${columns} FROM ${table} WHERE partnership_id = $1) x`,
        [partnership.id],
      )
      return row
    })
  return { database, partnership, clock, digest }
}

describe('the large synthetic partnership', () => {
  it('is the same for the same seed, different for another, and hangs together', async () => {
    const [first, again, other] = [await build(7), await build(7), await build(8)]
    try {
      const tables: [string, string][] = [
        ['agencies', 'id, name, category, sector'],
        ['people', 'id, first_name, last_name, email, agency_id, manager_email'],
        ['sessions', 'id, course_id, starts_at'],
        ['applications', 'id, session_id, person_id, agency_id, status'],
        ['attendance', 'application_id, mark'],
        ['charges', 'application_id, reason, amount_pence'],
        ['certificates', 'application_id, code'],
        ['evaluation_responses', 'application_id, stage, answers, plan_outcome'],
        ['reviews', 'id, type, reference, status, notified_on, closed_on'],
        ['recommendations', 'id, review_id, addressed_to, response'],
        ['actions', 'id, recommendation_id, owning_agency_id, owner_user_id, due_on, status'],
        ['action_updates', 'id, action_id, kind, at'],
      ]
      for (const [table, columns] of tables) {
        const [a, b, c] = [
          await first.digest(table, columns),
          await again.digest(table, columns),
          await other.digest(table, columns),
        ]
        expect({ table, same: a }).toEqual({ table, same: b })
        expect(a.n, table).toBeGreaterThan(0)
        if (table !== 'agencies' && table !== 'sessions') expect(a.digest, table).not.toBe(c.digest)
      }
      expect((await first.digest('applications', 'id')).n).toBe(2 * 30 * 12)
      expect((await first.digest('evaluation_responses', 'id')).n).toBe(600)

      // Every booking is its person's agency's; certificates only for those who attended in full.
      const broken = await first.database.db.platform((sql) =>
        sql.one<{
          agency: number
          certificates: number
          unmanaged: number
          evidence: number
          trained: number
        }>(
          `SELECT (SELECT count(*)::int FROM applications a JOIN people p ON p.id = a.person_id
                    WHERE a.agency_id <> p.agency_id) AS agency,
                  (SELECT count(*)::int FROM certificates c JOIN attendance m ON m.application_id = c.application_id
                    WHERE m.mark <> 'attended') AS certificates,
                  (SELECT count(*)::int FROM people p WHERE p.manager_email IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM people m WHERE m.email = p.manager_email)) AS unmanaged,
                  (SELECT count(*)::int FROM people p LEFT JOIN LATERAL cascade_training_evidence(p.id, p.tier) e ON true
                    WHERE e.trained_on IS DISTINCT FROM p.trained_on) AS evidence,
                  (SELECT count(*)::int FROM people WHERE trained_on IS NOT NULL) AS trained`,
        ),
      )
      // …and each person's training evidence is kept as the certificates' triggers would keep it.
      expect(broken).toMatchObject({ agency: 0, certificates: 0, unmanaged: 0, evidence: 0 })
      expect(broken.trained).toBeGreaterThan(0)

      // Everyone but the agencies' managers is on a pathway, and their standing, rebuilt after
      // the load, is what the triggers would keep: refreshing it again changes nothing.
      const standings = () =>
        first.digest('requirement_standings', 'person_id, requirement_id, evidenced_on, due_on')
      const kept = await standings()
      expect(kept.n).toBeGreaterThan(0)
      expect((await first.digest('people', 'id, pathway_id')).n).toBe(600)
      const onPathway = await first.database.db.platform((sql) =>
        sql.one<{ n: number; kept: number }>(
          `SELECT count(*) FILTER (WHERE pathway_id IS NOT NULL)::int AS n,
                  count(*) FILTER (WHERE pathway_missing IS NOT NULL)::int AS kept FROM people`,
        ),
      )
      expect(onPathway).toEqual({ n: 600 - 24, kept: 600 - 24 })
      await first.database.db.platform((sql) =>
        sql.query('SELECT cascade_refresh_pathway_standing(ARRAY(SELECT id FROM people))'),
      )
      expect(await standings()).toEqual(kept)

      // The impact view reads the sums rebuilt after the load.
      const services = createServices({
        config: loadConfig({ NODE_ENV: 'test' }),
        db: first.database.db,
        clock: first.clock,
      })
      const impact = await services.impact.impact(
        systemContext({ ...first.partnership }, 'test'),
        scopeFrom({}),
      )
      expect(impact.rates.map((r) => r.responded)).toEqual([300, 200, 100])
      expect(impact.headline?.change).toBeGreaterThan(0)
    } finally {
      for (const world of [first, again, other]) await world.database.close()
    }
  })
})
