import { checkTokenLife, createApiTokens } from '#platform/auth/identity.ts'
import { londonClockOf, londonDateOf } from '#platform/clock.ts'
import { systemContext } from '#platform/context.ts'
import { NotFoundError } from '#platform/errors.ts'
import { clockFor } from '#src/runtime.ts'
import type { Services } from '#src/services.ts'
import { createServices } from '#src/services.ts'
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

function when(instant: Date | null): string {
  return instant ? `${londonDateOf(instant)} ${londonClockOf(instant)}` : 'never'
}

/** The partnership's API tokens as a table of plain text: never their secrets, which are not kept. */
export async function tokenTable(services: Services, slug: string): Promise<string> {
  const partnership = await services.partnerships.bySlug(slug)
  if (!partnership) throw new Error(`There is no partnership ${slug}`)
  const tokens = await services.apiTokens.list(systemContext(partnership, 'cli'))
  if (!tokens.length) return `There are no API tokens in ${slug}\n`
  const rows = [
    ['ID', 'NAME', 'USER', 'CREATED', 'LAST USED', 'EXPIRES', 'STATUS'],
    ...tokens.map((t) => [
      t.shortId,
      t.name,
      t.userEmail,
      when(t.createdAt),
      when(t.lastUsedAt),
      when(t.expiresAt),
      t.status,
    ]),
  ]
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? []
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('')
}

/** Revokes one of the partnership's tokens, named by its id or the start the list shows; saying so twice is harmless. */
export async function revokeTokenBy(services: Services, slug: string, reference: string): Promise<string> {
  const partnership = await services.partnerships.bySlug(slug)
  if (!partnership) throw new Error(`There is no partnership ${slug}`)
  try {
    const { token, revoked } = await services.apiTokens.revoke(systemContext(partnership, 'cli'), reference)
    const named = `API token ${token.shortId} (${token.name}, ${token.userEmail})`
    return revoked
      ? `Revoked ${named}: it no longer works`
      : `${named} was already revoked on ${when(token.revokedAt)}`
  } catch (error) {
    if (error instanceof NotFoundError) throw new Error(`There is no API token ${reference} in ${slug}`)
    throw error
  }
}

export async function listTokensCommand(options: { partnership: string }): Promise<void> {
  await withDatabase(async ({ db }, config) => {
    const services = createServices({ config, db, clock: clockFor(config) })
    process.stdout.write(await tokenTable(services, options.partnership))
  })
}

export async function revokeTokenCommand(id: string, options: { partnership: string }): Promise<void> {
  await withDatabase(async ({ db }, config) => {
    const services = createServices({ config, db, clock: clockFor(config) })
    say(await revokeTokenBy(services, options.partnership, id))
  })
}
