import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { ApiTokenRow } from './queries.ts'
import { partnershipTokens, revokeToken, tokensByIdStart } from './queries.ts'

/** Whether a token still works, and if not, why: shown as words, never by colour alone. */
export type ApiTokenStatus = 'active' | 'expired' | 'revoked'

export type ApiToken = ApiTokenRow & {
  /** The start of its id, enough to name it on the command line. */
  shortId: string
  status: ApiTokenStatus
}

/** How many of an id's first characters name a token on the command line. */
export const SHORT_ID_LENGTH = 8

/** A token's status at an instant: revoked is said before expired, since someone chose it. */
export function statusOf(token: Pick<ApiTokenRow, 'revokedAt' | 'expiresAt'>, now: Date): ApiTokenStatus {
  if (token.revokedAt) return 'revoked'
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active'
}

// A whole id, or at least its first eight characters as the list shows them.
const ID_START = /^[0-9a-f]{8}[0-9a-f-]{0,28}$/

/**
 * A partnership's API tokens, for its admins: listing them with when they were made, last
 * used and expire, and revoking one. Making a token and checking one on each request are the
 * platform's (`#platform/auth/identity.ts`); row-level security keeps each partnership to its
 * own tokens, and the audit trigger records a revocation.
 */
export function createApiTokenService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  const described = (row: ApiTokenRow): ApiToken => ({
    ...row,
    shortId: row.id.slice(0, SHORT_ID_LENGTH),
    status: statusOf(row, clock.now()),
  })

  /** The one token the reference names (a whole id, or the start of one), or why there is none. */
  async function named(sql: Sql, reference: string): Promise<ApiTokenRow> {
    const start = reference.trim().toLowerCase()
    const found = isUuid(start) || ID_START.test(start) ? await tokensByIdStart(sql, start) : []
    const [token, another] = found
    if (!token) throw new NotFoundError('API token')
    if (another)
      throw new ValidationError([
        { field: 'id', text: `More than one API token’s id starts with ${start}: give more of the id` },
      ])
    return token
  }

  return {
    async list(ctx: Context): Promise<ApiToken[]> {
      requireRole(ctx, 'admin')
      const rows = await db.tenant(scopeOf(ctx), (sql) => partnershipTokens(sql))
      return rows.map(described)
    },

    async token(ctx: Context, reference: string): Promise<ApiToken> {
      requireRole(ctx, 'admin')
      return described(await db.tenant(scopeOf(ctx), (sql) => named(sql, reference)))
    },

    /**
     * Revokes a token at once: anything using it is refused from its next request. Revoking
     * one already revoked changes nothing and says so (`revoked: false`).
     */
    async revoke(ctx: Context, reference: string): Promise<{ token: ApiToken; revoked: boolean }> {
      requireRole(ctx, 'admin')
      const { row, revoked } = await db.tenant(scopeOf(ctx), async (sql) => {
        const found = await named(sql, reference)
        if (found.revokedAt) return { row: found, revoked: false }
        await sql.auditAs('api-token.revoke')
        // Revoked by another request since it was read: as if it had been revoked already.
        if (!(await revokeToken(sql, found.id))) return { row: await named(sql, found.id), revoked: false }
        return { row: { ...found, revokedAt: clock.now() }, revoked: true }
      })
      return { token: described(row), revoked }
    },
  }
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>
