import type { PartnershipRef } from '#platform/auth/identity.ts'
import { ensureUser, grantRole } from '#platform/auth/users.ts'
import type { TenantScope } from '#platform/db/database.ts'
import type { TestApp } from '#test/support/app.ts'

/** Which of the other agencies a lead made for the tests leads. */
type Other = 'second' | 'third'

export type CaseAuditWorld = {
  p: PartnershipRef
  scope: TenantScope
  /** The demo lead's first agency, and the first two agencies by name that are not theirs. */
  agency: { led: string; second: string; secondName: string; third: string }
  themeId: string
  /** Each named user's id, by email. */
  users: Record<string, string>
  /** An API token for each named user, by email. */
  tokens: Record<string, string>
}

/**
 * The Shropshire demo ready for a case audit: the demo agency lead's agency and two others, a
 * theme, a lead made for each of the other agencies asked for (signing in with the demo lead's
 * password), and the id and an API token of every user named in `everyone`.
 */
export async function aCaseAuditWorld(
  t: TestApp,
  options: {
    lead: string
    newLeads: { email: string; displayName: string; of: Other }[]
    everyone: string[]
  },
): Promise<CaseAuditWorld> {
  const p = await t.partnership('shropshire')
  const scope: TenantScope = { partnershipId: p.id, userId: null, actor: 'test' }
  const { agency, themeId } = await t.db.tenant(scope, async (sql) => {
    const demoLead = await sql.one<{ ids: string[] }>(
      `SELECT m.agency_ids AS ids FROM users u JOIN memberships m ON m.user_id = u.id AND m.role = 'agency-lead'
        WHERE u.email = $1`,
      [options.lead],
    )
    const led = await sql.one<{ id: string }>(
      'SELECT id FROM agencies WHERE id = ANY($1::uuid[]) ORDER BY lower(name) LIMIT 1',
      [demoLead.ids],
    )
    const others = await sql.query<{ id: string; name: string }>(
      `SELECT id, name FROM agencies WHERE NOT archived AND NOT id = ANY($1::uuid[]) ORDER BY lower(name) LIMIT 2`,
      [demoLead.ids],
    )
    const theme = await sql.one<{ id: string }>(
      'SELECT id FROM themes WHERE NOT archived ORDER BY lower(name) LIMIT 1',
    )
    return {
      agency: {
        led: led.id,
        second: others[0]?.id ?? '',
        secondName: others[0]?.name ?? '',
        third: others[1]?.id ?? '',
      },
      themeId: theme.id,
    }
  })
  const hash = await t.db.anonymous({}, (sql) =>
    sql.one<{ h: string }>('SELECT password_hash AS h FROM users WHERE email = $1', [options.lead]),
  )
  for (const { email, displayName, of } of options.newLeads) {
    const made = await ensureUser(t.db, { email, displayName, passwordHash: hash.h })
    // Signs in with the password alone, as the demo accounts do, rather than set up a second factor.
    await t.db.anonymous({}, (sql) =>
      sql.query('UPDATE users SET demo_account = true WHERE id = $1', [made.id]),
    )
    await grantRole(t.db, {
      partnershipId: p.id,
      userId: made.id,
      role: 'agency-lead',
      agencyIds: [agency[of]],
      actor: 'test',
    })
  }
  const users: Record<string, string> = {}
  const tokens: Record<string, string> = {}
  for (const email of options.everyone) {
    const user = await t.db.anonymous({}, (sql) =>
      sql.one<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]),
    )
    users[email] = user.id
    tokens[email] = await t.services.tokens.create({ partnershipId: p.id, userId: user.id, name: 'test' })
  }
  return { p, scope, agency, themeId, users, tokens }
}
