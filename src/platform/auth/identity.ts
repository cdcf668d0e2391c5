import type { Clock } from '../clock.ts'
import type { Database, Sql } from '../db/database.ts'
import { ValidationError } from '../errors.ts'
import type { Role } from './roles.ts'
import { hashToken, newToken } from './secrets.ts'

export type PartnershipRef = { id: string; slug: string; name: string }

/** Who is making a request, in which partnership, holding which roles. */
export type Authenticated = {
  user: { id: string; email: string; displayName: string }
  partnership: PartnershipRef | null
  roles: Role[]
  /** The agencies an agency lead leads; empty for other roles. */
  agencyIds: string[]
  /** How many partnerships the user belongs to: more than one offers a switch. */
  partnershipCount: number
  via: 'session' | 'token'
}

export type Membership = { partnership: PartnershipRef; role: Role; agencyIds: string[] }

type MembershipRow = { role: Role; agency_ids: string[]; id: string; slug: string; name: string }

/** Every membership of a user across partnerships (their own rows only, by row-level security). */
export async function membershipsOf(sql: Sql, userId: string): Promise<Membership[]> {
  const rows = await sql.query<MembershipRow>(
    `SELECT m.role, m.agency_ids, p.id, p.slug, p.name
       FROM memberships m JOIN partnerships p ON p.id = m.partnership_id
      WHERE m.user_id = $1
      ORDER BY p.name, m.role`,
    [userId],
  )
  return rows.map((r) => ({
    partnership: { id: r.id, slug: r.slug, name: r.name },
    role: r.role,
    agencyIds: r.agency_ids,
  }))
}

/** The distinct partnerships among a user's memberships. */
export function partnershipsOf(memberships: readonly Membership[]): PartnershipRef[] {
  const seen = new Map<string, PartnershipRef>()
  for (const m of memberships) seen.set(m.partnership.id, m.partnership)
  return [...seen.values()]
}

function authenticatedIn(
  user: Authenticated['user'],
  memberships: readonly Membership[],
  partnershipId: string | null,
  via: Authenticated['via'],
): Authenticated {
  const here = memberships.filter((m) => m.partnership.id === partnershipId)
  return {
    user,
    partnership: here[0]?.partnership ?? null,
    roles: here.map((m) => m.role),
    agencyIds: [...new Set(here.flatMap((m) => m.agencyIds))],
    partnershipCount: partnershipsOf(memberships).length,
    via,
  }
}

type SessionRow = {
  user_id: string
  partnership_id: string | null
  last_seen_at: Date
  expires_at: Date
  revoked_at: Date | null
  email: string
  display_name: string
  disabled: boolean
  memberships: MembershipJson[]
}

/** A user's memberships as the lookups give them. */
type MembershipJson = { role: Role; agencyIds: string[]; id: string; slug: string; name: string }

/** The memberships of the user in `user_id`, in every partnership, as JSON. */
const MEMBERSHIPS_JSON = `(SELECT coalesce(json_agg(json_build_object('role', m.role, 'agencyIds', m.agency_ids,
                                                   'id', p.id, 'slug', p.slug, 'name', p.name)
                                 ORDER BY p.name, m.role), '[]'::json)
          FROM memberships m JOIN partnerships p ON p.id = m.partnership_id
         WHERE m.user_id = u.id) AS memberships`

function membershipsFrom(rows: readonly MembershipJson[]): Membership[] {
  return rows.map((m) => ({
    partnership: { id: m.id, slug: m.slug, name: m.name },
    role: m.role,
    agencyIds: m.agencyIds,
  }))
}

/**
 * Server-side sessions. The cookie holds a random id; the table holds its hash. A session
 * ends when idle for too long, at its absolute expiry, on sign-out or when revoked.
 */
export function createSessions(
  db: Database,
  clock: Clock,
  options: { idleMinutes: number; maxHours: number },
) {
  const idleMs = options.idleMinutes * 60_000
  // Writing last_seen_at on every request would turn every read into a write.
  const touchAfterMs = Math.min(60_000, idleMs / 4)

  return {
    /** Starts a new session, ending the one the browser had: the id always changes at sign-in. */
    async start(userId: string, partnershipId: string | null, previousToken?: string): Promise<string> {
      const token = newToken()
      const now = clock.now()
      await db.anonymous({ userId, actor: 'sign-in' }, async (sql) => {
        if (previousToken)
          await sql.query('DELETE FROM user_sessions WHERE id_hash = $1', [hashToken(previousToken)])
        await sql.query(
          `INSERT INTO user_sessions (id_hash, user_id, current_partnership_id, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $4, $4, $5)`,
          [
            hashToken(token),
            userId,
            partnershipId,
            now,
            new Date(now.getTime() + options.maxHours * 3_600_000),
          ],
        )
      })
      return token
    },

    async resolve(token: string): Promise<Authenticated | null> {
      const now = clock.now()
      const hash = hashToken(token)
      // The session, its user and their memberships in one round trip: every signed-in page
      // starts here. A plain statement, planned once per connection, as the owner.
      const [row] = await db.platformStatement<SessionRow>(
        `SELECT s.user_id, s.current_partnership_id AS partnership_id, s.last_seen_at, s.expires_at,
                s.revoked_at, u.email, u.display_name, u.disabled, ${MEMBERSHIPS_JSON}
           FROM user_sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id_hash = $1`,
        [hash],
      )
      const at = now.getTime()
      if (!row || row.revoked_at || row.disabled) return null
      if (row.expires_at.getTime() <= at || row.last_seen_at.getTime() + idleMs <= at) return null
      if (row.last_seen_at.getTime() < at - touchAfterMs)
        await db.platformStatement(
          'UPDATE user_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL AND last_seen_at < $2',
          [hash, now],
        )
      return authenticatedIn(
        { id: row.user_id, email: row.email, displayName: row.display_name },
        membershipsFrom(row.memberships),
        row.partnership_id,
        'session',
      )
    },

    async choosePartnership(token: string, userId: string, partnershipId: string): Promise<boolean> {
      return db.anonymous({ userId }, async (sql) => {
        const memberships = await membershipsOf(sql, userId)
        if (!memberships.some((m) => m.partnership.id === partnershipId)) return false
        await sql.query(
          'UPDATE user_sessions SET current_partnership_id = $2 WHERE id_hash = $1 AND user_id = $3',
          [hashToken(token), partnershipId, userId],
        )
        return true
      })
    },

    async end(token: string): Promise<void> {
      await db.anonymous({}, (sql) =>
        sql.query('DELETE FROM user_sessions WHERE id_hash = $1', [hashToken(token)]),
      )
    },

    /** Revokes every session of a user but (optionally) the current one: "sign out everywhere else". */
    async revokeAll(userId: string, exceptToken?: string): Promise<number> {
      return db.anonymous({ userId }, async (sql) => {
        const rows = await sql.query(
          `UPDATE user_sessions SET revoked_at = $3
            WHERE user_id = $1 AND revoked_at IS NULL AND id_hash IS DISTINCT FROM $2 RETURNING 1`,
          [userId, exceptToken ? hashToken(exceptToken) : null, clock.now()],
        )
        return rows.length
      })
    },

    async activeCount(userId: string): Promise<number> {
      return db.anonymous({ userId }, async (sql) => {
        const row = await sql.one<{ n: number }>(
          `SELECT count(*) AS n FROM user_sessions
            WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3`,
          [userId, clock.now(), new Date(clock.now().getTime() - idleMs)],
        )
        return row.n
      })
    },
  }
}

export type Sessions = ReturnType<typeof createSessions>

type TokenRow = {
  user_id: string
  partnership_id: string
  last_used_at: Date | null
  revoked: boolean
  expired: boolean
  email: string
  display_name: string
  disabled: boolean
  memberships: MembershipJson[]
}

/** The bounds of a token's life, in days: long enough for an integration, short enough to be renewed. */
export const TOKEN_LIFE_DAYS = { min: 1, max: 730 } as const

/** Refuses a token's life that is not a whole number of days within the bounds. */
export function checkTokenLife(days: number): void {
  if (!(Number.isInteger(days) && days >= TOKEN_LIFE_DAYS.min && days <= TOKEN_LIFE_DAYS.max))
    throw new ValidationError([
      {
        field: 'expiresInDays',
        text: `The token must expire in a whole number of days from ${TOKEN_LIFE_DAYS.min} to ${TOKEN_LIFE_DAYS.max}`,
      },
    ])
}

/**
 * What presenting a token found: the one it acts for, or why it is refused. A token that has
 * expired or was revoked says so, to whoever holds it; one that is unknown (or whose user is
 * disabled) says nothing, so a guess learns nothing of other tokens.
 */
export type TokenCheck =
  | { status: 'accepted'; auth: Authenticated }
  | { status: 'expired' }
  | { status: 'revoked' }
  | { status: 'unknown' }

/** API tokens: shown once, stored hashed, each bound to one user in one partnership, each expiring. */
export function createApiTokens(db: Database, clock: Clock) {
  return {
    /**
     * Makes a token, expiring a year from now by the one clock, or after `expiresInDays`
     * (a whole number from 1 to 730).
     */
    async create(input: {
      partnershipId: string
      userId: string
      name: string
      expiresInDays?: number
      actor?: string
    }): Promise<string> {
      const days = input.expiresInDays
      if (days !== undefined) checkTokenLife(days)
      const token = newToken('cas_')
      await db.tenant(
        { partnershipId: input.partnershipId, userId: null, actor: input.actor ?? 'cli' },
        async (sql) => {
          await sql.auditAs('api-token.create')
          await sql.query(
            `INSERT INTO api_tokens (token_hash, partnership_id, user_id, name, expires_at)
             VALUES ($1, $2, $3, $4, cascade_now() + coalesce(make_interval(days => $5::integer), interval '1 year'))`,
            [hashToken(token), input.partnershipId, input.userId, input.name, days ?? null],
          )
        },
      )
      return token
    },

    async check(token: string): Promise<TokenCheck> {
      if (!token.startsWith('cas_') || token.length > 200) return { status: 'unknown' }
      // The token, whether it still works, its user and their memberships in one round trip:
      // every API request starts here.
      const hash = hashToken(token)
      const now = clock.now()
      const [row] = await db.platformStatement<TokenRow>(
        `SELECT t.user_id, t.partnership_id, t.last_used_at, t.revoked_at IS NOT NULL AS revoked,
                t.expires_at <= $2 AS expired, u.email, u.display_name, u.disabled, ${MEMBERSHIPS_JSON}
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1`,
        [hash, now],
      )
      if (!row || row.disabled) return { status: 'unknown' }
      if (row.revoked) return { status: 'revoked' }
      if (row.expired) return { status: 'expired' }
      // Its last use is kept to the minute, so an integration's concurrent requests do not
      // queue for the token's row.
      if (!row.last_used_at || row.last_used_at.getTime() < now.getTime() - 60_000)
        await db.platform((sql) =>
          sql.query(
            `UPDATE api_tokens SET last_used_at = $2
              WHERE token_hash = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
            [hash, now],
          ),
        )
      return {
        status: 'accepted',
        auth: authenticatedIn(
          { id: row.user_id, email: row.email, displayName: row.display_name },
          membershipsFrom(row.memberships),
          row.partnership_id,
          'token',
        ),
      }
    },
  }
}

export type ApiTokens = ReturnType<typeof createApiTokens>
