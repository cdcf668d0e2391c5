import type { Sql } from '#platform/db/database.ts'

/** A token as an admin sees it: never its secret, which is kept only as a hash. */
export type ApiTokenRow = {
  id: string
  name: string
  userEmail: string
  createdAt: Date
  lastUsedAt: Date | null
  expiresAt: Date
  revokedAt: Date | null
}

const tokenColumns = `t.id, t.name, u.email AS "userEmail", t.created_at AS "createdAt", t.last_used_at AS "lastUsedAt",
  t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt"`

/** The partnership's tokens (by row-level security), newest first. */
export function partnershipTokens(sql: Sql): Promise<ApiTokenRow[]> {
  return sql.query<ApiTokenRow>(
    `SELECT ${tokenColumns} FROM api_tokens t JOIN users u ON u.id = t.user_id
      ORDER BY t.created_at DESC, t.id LIMIT 1000`,
  )
}

/** The partnership's tokens whose id starts with the given lower-case hexadecimal text (a whole id included). */
export function tokensByIdStart(sql: Sql, start: string): Promise<ApiTokenRow[]> {
  return sql.query<ApiTokenRow>(
    `SELECT ${tokenColumns} FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.id::text LIKE $1 || '%' ORDER BY t.id LIMIT 2`,
    [start],
  )
}

/** Revokes the token now by the one clock, unless it already was; answers whether this did. */
export async function revokeToken(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query(
    'UPDATE api_tokens SET revoked_at = cascade_now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id],
  )
  return rows.length > 0
}
