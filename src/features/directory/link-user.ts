import type { Sql } from '#platform/db/database.ts'

/**
 * A user and a person with the same email in a partnership are one person. Links each of the
 * partnership's active or pending people with one of these emails (compared case-insensitively)
 * to the enabled user with that email, inside the caller's tenant transaction. A person already
 * linked to a user keeps that link, and a user already linked to a person of the partnership is
 * not linked to a second. Returns the ids of the people it linked.
 */
export async function linkUserToPerson(
  sql: Sql,
  partnershipId: string,
  emails: readonly string[],
): Promise<string[]> {
  if (emails.length === 0) return []
  const rows = await sql.query<{ id: string }>(
    `UPDATE people p SET user_id = u.id
       FROM users u
      WHERE p.partnership_id = $1
        AND p.email_key = ANY($2::text[])
        AND lower(u.email) = p.email_key
        AND p.user_id IS NULL
        AND p.merged_into IS NULL
        AND p.status IN ('active', 'pending')
        AND NOT u.disabled
        AND NOT EXISTS (SELECT 1 FROM people o WHERE o.partnership_id = $1 AND o.user_id = u.id AND o.merged_into IS NULL)
     RETURNING p.id`,
    [partnershipId, emails.map((e) => e.toLowerCase())],
  )
  return rows.map((r) => r.id)
}
