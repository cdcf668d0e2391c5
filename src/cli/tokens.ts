import { createApiTokens } from '#platform/auth/identity.ts'
import { clockFor } from '#src/runtime.ts'
import { say, withDatabase } from './connection.ts'

/** Prints the new token alone on standard output, so `TOKEN=$(cascade tokens create …)` works. It is never shown again. */
export async function createTokenCommand(options: {
  partnership: string
  user: string
  name: string
}): Promise<void> {
  await withDatabase(async ({ db }, config) => {
    const found = await db.anonymous({}, async (sql) => {
      const partnership = await sql.maybeOne<{ id: string }>('SELECT id FROM partnerships WHERE slug = $1', [
        options.partnership,
      ])
      const user = await sql.maybeOne<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [
        options.user,
      ])
      return { partnership, user }
    })
    if (!found.partnership) throw new Error(`There is no partnership ${options.partnership}`)
    if (!found.user) throw new Error(`There is no user ${options.user}`)
    const member = await db.anonymous({ userId: found.user.id }, (sql) =>
      sql.maybeOne('SELECT 1 FROM memberships WHERE user_id = $1 AND partnership_id = $2', [
        found.user?.id,
        found.partnership?.id,
      ]),
    )
    if (!member) throw new Error(`${options.user} has no role in ${options.partnership}`)
    const token = await createApiTokens(db, clockFor(config)).create({
      partnershipId: found.partnership.id,
      userId: found.user.id,
      name: options.name,
    })
    process.stdout.write(`${token}\n`)
    say('Keep this token safe: it is shown only once.')
  })
}
