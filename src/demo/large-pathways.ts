import type { Sql } from '#platform/db/database.ts'
import type { Size } from './large.ts'
import { type Step, seeded } from './seeded.ts'

/**
 * The large partnership's pathways, as Shropshire's tiers shape them: universal, targeted and
 * specialist, and a CSE pathway with optional courses. Each requirement is met by any of ten
 * of the synthetic courses and refreshed every three years (two for the specialist one); every
 * practitioner is on one of the four pathways.
 */
const PATHWAYS = [
  { title: 'Universal', requirements: [{ from: 1, to: 10, months: 36, required: true }] },
  {
    title: 'Targeted',
    requirements: [
      { from: 1, to: 10, months: 36, required: true },
      { from: 11, to: 20, months: 36, required: true },
    ],
  },
  {
    title: 'Specialist',
    requirements: [
      { from: 1, to: 10, months: 36, required: true },
      { from: 11, to: 20, months: 36, required: true },
      { from: 21, to: 30, months: 24, required: true },
    ],
  },
  {
    title: 'CSE pathway',
    requirements: [
      { from: 1, to: 10, months: 36, required: true },
      { from: 31, to: 40, months: 36, required: true },
      { from: 41, to: 45, months: null, required: false },
    ],
  },
]

export function pathwaySteps(partnership: { id: string; slug: string }, seed: number, size: Size): Step[] {
  const { id } = seeded(partnership, seed)
  const p = partnership.id
  return [
    {
      name: 'pathways',
      run: async (sql: Sql) => {
        for (const [i, pathway] of PATHWAYS.entries()) {
          await sql.query(
            `INSERT INTO pathways (id, partnership_id, title, audience)
             VALUES (${id('pathway', String(i + 1))}, $1, $2, 'Synthetic workforce')`,
            [p, pathway.title],
          )
          for (const [j, r] of pathway.requirements.entries()) {
            const n = `'${i + 1}.${j + 1}'`
            await sql.query(
              `INSERT INTO pathway_requirements (id, partnership_id, pathway_id, position, title, required, refresher_months)
               VALUES (${id('requirement', n)}, $1, ${id('pathway', String(i + 1))}, $2, $3, $4, $5)`,
              [p, j + 1, `Requirement ${j + 1}`, r.required, r.months],
            )
            await sql.query(
              `INSERT INTO pathway_requirement_courses (partnership_id, requirement_id, course_id)
               SELECT $1, ${id('requirement', n)}, ${id('course', 'c')} FROM generate_series($2::int, $3::int) c
                WHERE c <= $4`,
              [p, r.from, r.to, size.courses],
            )
          }
        }
        // Everyone after the agencies' managers is on a pathway; the managers have none set.
        await sql.query(
          `UPDATE people SET pathway_id = (ARRAY[${PATHWAYS.map((_, i) => id('pathway', String(i + 1))).join(', ')}])[1 + abs(hashtext(id::text)) % ${PATHWAYS.length}]
            WHERE partnership_id = $1 AND agency_id IS NOT NULL
              AND id NOT IN (SELECT ${id('person', 'n')} FROM generate_series(1, $2) n)`,
          [p, size.agencies],
        )
      },
    },
  ]
}

/** Each person's standing, all at once: what the triggers keep, when a bulk load bypassed them. */
export function refreshStandings(sql: Sql, partnershipId: string): Promise<unknown> {
  return sql.query(
    'SELECT cascade_refresh_pathway_standing(ARRAY(SELECT id FROM people WHERE partnership_id = $1 AND pathway_id IS NOT NULL))',
    [partnershipId],
  )
}
