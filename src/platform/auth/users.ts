import { linkUserToPerson } from '#features/directory/link-user.ts'
import type { Database } from '../db/database.ts'
import type { Role } from './roles.ts'

export type NewUser = { email: string; displayName: string; passwordHash: string | null }

/** Creates a user, or returns the existing one with that email (emails are unique, case-insensitively). */
export async function ensureUser(db: Database, user: NewUser): Promise<{ id: string; created: boolean }> {
  return db.anonymous({ actor: 'cli' }, async (sql) => {
    const existing = await sql.maybeOne<{ id: string }>(
      'SELECT id FROM users WHERE lower(email) = lower($1)',
      [user.email],
    )
    if (existing) return { id: existing.id, created: false }
    const row = await sql.one<{ id: string }>(
      'INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, $3) RETURNING id',
      [user.email, user.displayName, user.passwordHash],
    )
    return { id: row.id, created: true }
  })
}

/**
 * Gives a user a role in a partnership (an agency lead with the agencies they lead); audited as
 * partnership data. The partnership's directory record with the user's email becomes theirs.
 */
export async function grantRole(
  db: Database,
  input: { partnershipId: string; userId: string; role: Role; agencyIds?: string[]; actor: string },
): Promise<void> {
  await db.tenant({ partnershipId: input.partnershipId, userId: null, actor: input.actor }, async (sql) => {
    await sql.auditAs('membership.grant')
    await sql.query(
      `INSERT INTO memberships (partnership_id, user_id, role, agency_ids) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partnership_id, user_id, role) DO UPDATE SET agency_ids = EXCLUDED.agency_ids`,
      [input.partnershipId, input.userId, input.role, input.agencyIds ?? []],
    )
    const user = await sql.one<{ email: string }>('SELECT email FROM users WHERE id = $1', [input.userId])
    await linkUserToPerson(sql, input.partnershipId, [user.email])
  })
}
