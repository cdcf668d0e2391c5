import { z } from 'zod'
import { defaultPolicy } from '#features/policy/policy.ts'
import { londonDateOf } from '#platform/clock.ts'
import { clockFor } from '#src/runtime.ts'
import { say, withDatabase } from './connection.ts'

const input = z.object({
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    message: 'Use lower-case letters, digits and single hyphens, like north-somerset',
  }),
  name: z.string().trim().min(1).max(200),
})

/** Creates a partnership with the default policy in force from today. */
export async function createPartnershipCommand(options: { slug: string; name: string }): Promise<void> {
  const { slug, name } = input.parse(options)
  await withDatabase(async ({ db }, config) => {
    const partnership = await db.platform(async (sql) => {
      if (await sql.maybeOne('SELECT 1 FROM partnerships WHERE slug = $1', [slug]))
        throw new Error(`A partnership ${slug} already exists`)
      return sql.one<{ id: string }>('INSERT INTO partnerships (slug, name) VALUES ($1, $2) RETURNING id', [
        slug,
        name,
      ])
    })
    const today = londonDateOf(clockFor(config).now())
    await db.tenant({ partnershipId: partnership.id, userId: null, actor: 'cli' }, async (sql) => {
      await sql.auditAs('policy.create')
      await sql.query(
        'INSERT INTO policies (partnership_id, effective_from, rules, reason) VALUES ($1, $2, $3, $4)',
        [
          partnership.id,
          today,
          JSON.stringify(defaultPolicy),
          'The default policy, set when the partnership was created',
        ],
      )
    })
    say(`Created ${name} (${slug})`)
  })
}
