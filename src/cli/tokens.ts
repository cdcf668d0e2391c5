import { checkTokenLife, createApiTokens } from '#platform/auth/identity.ts'
import { clockFor } from '#src/runtime.ts'
import { say, withDatabase } from './connection.ts'

/** A number of days as typed: a whole number, or NaN for anything else, which is then refused. */
export function daysFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN
}

/** Prints the new token alone on standard output, so `TOKEN=$(cascade tokens create …)` works. It is never shown again. */
export async function createTokenCommand(options: {
  partnership: string
  user: string
  name: string
  expiresInDays?: string
}): Promise<void> {
  const expiresInDays = daysFrom(options.expiresInDays)
  if (expiresInDays !== undefined) checkTokenLife(expiresInDays)
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
      expiresInDays,
    })
    process.stdout.write(`${token}\n`)
    say('Keep this token safe: it is shown only once.')
  })
}
