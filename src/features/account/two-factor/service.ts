import { decryptSecret, encryptSecret } from '#platform/auth/encryption.ts'
import type { Role } from '#platform/auth/roles.ts'
import {
  authenticatorUri,
  keyInGroups,
  newAuthenticatorKey,
  newRecoveryCodes,
  qrCodeDataUrl,
  recoveryCodeHash,
  stepOfCode,
} from '#platform/auth/second-factor.ts'
import { hashToken, newToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'

/** Roles whose holders must use a second factor: they can see the personal data of many people. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['admin', 'subgroup', 'executive', 'agency-lead']
/** Codes (and recovery codes) tried in one minute before second-factor sign-in is locked. */
export const MAX_CODES_PER_MINUTE = 20
export const SECOND_FACTOR_LOCK_MINUTES = 15
/** How long a sign-in may wait for its second factor. */
export const CHALLENGE_MINUTES = 10

/** What a sign-in needs next: a code from the user's app, setting one up first, or nothing. */
export type SecondFactorNeed = 'verify' | 'enrol' | null

export type CodeOutcome = { ok: true } | { ok: false; reason: 'wrong' | 'locked' }

export type Challenge = { userId: string; email: string; returnTo?: string; enrolled: boolean }

type FactorRow = {
  secret_encrypted: string
  confirmed_at: Date | null
  attempts: number
}

/**
 * Counts a code attempt against the user's minute and answers with the factor, or no row when
 * second-factor sign-in is locked: one statement, so attempts sent at once each count.
 */
const countCodeAttempt = `UPDATE second_factors SET
    attempts = CASE WHEN window_started_at > $2::timestamptz - interval '1 minute' THEN attempts + 1 ELSE 1 END,
    window_started_at = CASE WHEN window_started_at > $2::timestamptz - interval '1 minute'
                             THEN window_started_at ELSE $2::timestamptz END
  WHERE user_id = $1 AND (locked_until IS NULL OR locked_until <= $2)
  RETURNING secret_encrypted, confirmed_at, attempts`

function lockedEmail(to: string): Parameters<typeof enqueueEmail>[2] {
  return {
    to,
    subject: 'Sign-in to Cascade with your second factor is paused',
    text: [
      `Someone entered ${MAX_CODES_PER_MINUTE} wrong codes from an authenticator app, or wrong recovery codes, for your Cascade account within a minute.`,
      '',
      `Signing in with a second factor is paused for ${SECOND_FACTOR_LOCK_MINUTES} minutes.`,
      '',
      'If this was not you, someone may know your password: change it, or use a sign-in link, and tell your partnership’s admin.',
    ].join('\n'),
  }
}

function resetEmail(to: string, partnershipName: string): Parameters<typeof enqueueEmail>[2] {
  return {
    to,
    subject: 'Your Cascade second factor was reset',
    text: [
      `An admin of ${partnershipName} reset the second factor (authenticator app and recovery codes) of your Cascade account, and signed you out everywhere.`,
      '',
      'If your role needs one, you will be asked to set up an authenticator app when you next sign in.',
      '',
      'If you did not ask for this, tell your partnership’s admin.',
    ].join('\n'),
  }
}

/**
 * Two-factor sign-in with an authenticator app. After the password (or a sign-in link) a user
 * who has a second factor, or whose role needs one, gets a challenge, not a session: a short-
 * lived server-side record the browser holds the id of, that reaches only the pages asking for
 * a code or setting one up. A session starts once a code (or a recovery code) is right.
 */
export function createSecondFactorService(deps: {
  db: Database
  clock: Clock
  /** The data encryption key: the authenticator key is stored encrypted under it. */
  encryptionKey: string
  /** In production every account with a role that needs it must use a second factor, demo or not. */
  production: boolean
  mailQueued: () => void
}) {
  const { db, clock } = deps

  /** Marks the code's step used, unless it (or a later one) was: a code is accepted once. */
  async function takeStep(sql: Sql, userId: string, step: number, confirming: boolean): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE second_factors SET last_step = $2,
              confirmed_at = CASE WHEN $3 THEN $4::timestamptz ELSE confirmed_at END
        WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)
          AND (CASE WHEN $3 THEN confirmed_at IS NULL ELSE confirmed_at IS NOT NULL END)
        RETURNING user_id`,
      [userId, step, confirming, clock.now()],
    )
    return rows.length === 1
  }

  /** After a wrong code: the attempt that used up the minute locks sign-in and tells the user. */
  async function afterWrong(sql: Sql, userId: string, attempts: number): Promise<CodeOutcome> {
    if (attempts < MAX_CODES_PER_MINUTE) return { ok: false, reason: 'wrong' }
    const now = clock.now()
    const locked = await sql.maybeOne<{ email: string }>(
      `UPDATE second_factors f SET locked_until = $2
         FROM users u
        WHERE f.user_id = $1 AND u.id = f.user_id AND (f.locked_until IS NULL OR f.locked_until <= $3)
        RETURNING u.email`,
      [userId, new Date(now.getTime() + SECOND_FACTOR_LOCK_MINUTES * 60_000), now],
    )
    if (locked) {
      await enqueueEmail(sql, null, lockedEmail(locked.email))
      deps.mailQueued()
    }
    return { ok: false, reason: 'locked' }
  }

  /** Counts the attempt, then checks `check`; a wrong answer counts towards the lock. */
  async function attempt(
    userId: string,
    check: (sql: Sql, factor: FactorRow) => Promise<boolean>,
  ): Promise<CodeOutcome> {
    return db.anonymous({ userId, actor: 'sign-in' }, async (sql) => {
      const factor = await sql.maybeOne<FactorRow>(countCodeAttempt, [userId, clock.now()])
      if (!factor || factor.attempts > MAX_CODES_PER_MINUTE) return { ok: false, reason: 'locked' }
      if (await check(sql, factor)) return { ok: true }
      return afterWrong(sql, userId, factor.attempts)
    })
  }

  async function codeMatches(sql: Sql, userId: string, factor: FactorRow, code: string, confirming: boolean) {
    if (confirming !== (factor.confirmed_at === null)) return false
    const step = await stepOfCode(
      decryptSecret(factor.secret_encrypted, deps.encryptionKey),
      code,
      clock.now(),
    )
    return step !== undefined && (await takeStep(sql, userId, step, confirming))
  }

  /** The member a person record belongs to, for the admin's reset page: undefined when none. */
  async function memberOf(ctx: Context, personId: string) {
    requireRole(ctx, 'admin')
    if (!isUuid(personId)) throw new NotFoundError('Person')
    return db.tenant(scopeOf(ctx), async (sql) => {
      const person = await sql.maybeOne<{
        id: string
        first_name: string
        last_name: string
        user_id: string | null
        enrolled: boolean
      }>(
        `SELECT p.id, p.first_name, p.last_name, m.user_id,
                EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = m.user_id AND f.confirmed_at IS NOT NULL) AS enrolled
           FROM people p
           LEFT JOIN LATERAL (SELECT DISTINCT user_id FROM memberships
                               WHERE user_id = p.user_id AND partnership_id = p.partnership_id) m ON true
          WHERE p.id = $1 AND p.merged_into IS NULL`,
        [personId],
      )
      if (!person) throw new NotFoundError('Person')
      return {
        personId: person.id,
        name: `${person.first_name} ${person.last_name}`,
        userId: person.user_id,
        enrolled: person.enrolled,
      }
    })
  }

  return {
    /** Whether the user has a confirmed second factor. */
    async enrolled(userId: string): Promise<boolean> {
      const row = await db.anonymous({ userId }, (sql) =>
        sql.maybeOne('SELECT 1 FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL', [
          userId,
        ]),
      )
      return Boolean(row)
    },

    /**
     * What a password or sign-in-link sign-in needs before a session: a code when the user has
     * a second factor; setting one up when a role in any partnership needs it (demo accounts
     * outside production excepted); nothing otherwise. Single sign-on does not ask this: it
     * relies on the organisation's own second factor.
     */
    async needsSecondFactor(userId: string): Promise<SecondFactorNeed> {
      const row = await db.anonymous({ userId }, (sql) =>
        sql.one<{ enrolled: boolean; demo: boolean; privileged: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS enrolled,
                  u.demo_account AS demo,
                  EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $1 AND m.role = ANY($2::text[])) AS privileged
             FROM users u WHERE u.id = $1`,
          [userId, SECOND_FACTOR_ROLES],
        ),
      )
      if (row.enrolled) return 'verify'
      if (row.privileged && (deps.production || !row.demo)) return 'enrol'
      return null
    },

    /** Starts a sign-in waiting for its second factor; the token goes in a cookie. */
    async beginChallenge(userId: string, returnTo?: string): Promise<string> {
      const token = newToken()
      const now = clock.now()
      await db.anonymous({ userId, actor: 'sign-in' }, async (sql) => {
        // One sign-in waits at a time for each account; older ones, and expired ones, go.
        await sql.query('DELETE FROM second_factor_challenges WHERE user_id = $1 OR expires_at <= $2', [
          userId,
          now,
        ])
        await sql.query(
          `INSERT INTO second_factor_challenges (id_hash, user_id, return_to, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            hashToken(token),
            userId,
            returnTo ?? null,
            now,
            new Date(now.getTime() + CHALLENGE_MINUTES * 60_000),
          ],
        )
      })
      return token
    },

    /** The sign-in a challenge token stands for, while it is in date. */
    async challenge(token: string | undefined): Promise<Challenge | null> {
      if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null
      const row = await db.anonymous({}, (sql) =>
        sql.maybeOne<{ user_id: string; email: string; return_to: string | null; enrolled_at: Date | null }>(
          `SELECT c.user_id, u.email, c.return_to, c.enrolled_at
             FROM second_factor_challenges c JOIN users u ON u.id = c.user_id
            WHERE c.id_hash = $1 AND c.expires_at > $2 AND NOT u.disabled`,
          [hashToken(token), clock.now()],
        ),
      )
      if (!row) return null
      return {
        userId: row.user_id,
        email: row.email,
        returnTo: row.return_to ?? undefined,
        enrolled: row.enrolled_at !== null,
      }
    },

    /** Ends a challenge: once the session starts, or when the user gives up. */
    async endChallenge(token: string): Promise<void> {
      await db.anonymous({}, (sql) =>
        sql.query('DELETE FROM second_factor_challenges WHERE id_hash = $1', [hashToken(token)]),
      )
    },

    /**
     * The key being set up, with its QR code: a new one, or the one set up but not yet
     * confirmed, so reloading the page does not undo a scan. Refused once one is confirmed.
     */
    async setUp(
      userId: string,
      email: string,
    ): Promise<{ key: string; keyInGroups: string; qrCode: string }> {
      const fresh = newAuthenticatorKey()
      const stored = await db.anonymous({ userId, actor: 'sign-in' }, async (sql) => {
        await sql.query(
          `INSERT INTO second_factors (user_id, secret_encrypted, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO NOTHING`,
          [userId, encryptSecret(fresh, deps.encryptionKey), clock.now()],
        )
        return sql.one<{ secret_encrypted: string; confirmed_at: Date | null }>(
          'SELECT secret_encrypted, confirmed_at FROM second_factors WHERE user_id = $1',
          [userId],
        )
      })
      if (stored.confirmed_at) throw new ConflictError('A second factor is set up already')
      const key = decryptSecret(stored.secret_encrypted, deps.encryptionKey)
      return { key, keyInGroups: keyInGroups(key), qrCode: await qrCodeDataUrl(authenticatorUri(key, email)) }
    },

    /**
     * Confirms the key being set up with a code from the app, and gives the ten recovery codes,
     * to be shown once: only their hashes are kept. A challenge, when given, is marked so the
     * sign-in can go on once the user has saved them.
     */
    async confirm(
      userId: string,
      code: string,
      challengeToken?: string,
    ): Promise<{ ok: true; recoveryCodes: string[] } | Extract<CodeOutcome, { ok: false }>> {
      const recoveryCodes = newRecoveryCodes()
      const outcome = await attempt(userId, async (sql, factor) => {
        if (!(await codeMatches(sql, userId, factor, code, true))) return false
        await sql.query('DELETE FROM second_factor_recovery_codes WHERE user_id = $1', [userId])
        await sql.query(
          `INSERT INTO second_factor_recovery_codes (user_id, code_hash)
           SELECT $1, unnest($2::text[])`,
          [userId, recoveryCodes.map((c) => recoveryCodeHash(userId, c))],
        )
        if (challengeToken)
          await sql.query(
            'UPDATE second_factor_challenges SET enrolled_at = $3 WHERE id_hash = $1 AND user_id = $2',
            [hashToken(challengeToken), userId, clock.now()],
          )
        return true
      })
      return outcome.ok ? { ok: true, recoveryCodes } : outcome
    },

    /** Checks a code from the user's app; each code is accepted once. */
    verifyCode(userId: string, code: string): Promise<CodeOutcome> {
      return attempt(userId, (sql, factor) => codeMatches(sql, userId, factor, code, false))
    },

    /** Uses a recovery code, once; counted with codes towards the lock. */
    useRecoveryCode(userId: string, code: string): Promise<CodeOutcome> {
      return attempt(userId, async (sql, factor) => {
        if (factor.confirmed_at === null) return false
        const used = await sql.query(
          `UPDATE second_factor_recovery_codes SET used_at = $3
            WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1`,
          [userId, recoveryCodeHash(userId, code), clock.now()],
        )
        return used.length === 1
      })
    },

    /** Recovery codes not yet used. */
    async recoveryCodesLeft(userId: string): Promise<number> {
      const row = await db.anonymous({ userId }, (sql) =>
        sql.one<{ n: number }>(
          'SELECT count(*)::int AS n FROM second_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
          [userId],
        ),
      )
      return row.n
    },

    memberOf,

    /**
     * An admin resets the second factor of a member of their partnership, with the reason:
     * the key and recovery codes go, the member's sessions and waiting sign-ins end, the reset
     * is recorded in the partnership's audit trail and the member is emailed. At their next
     * sign-in they set one up again if their role needs it.
     */
    async reset(ctx: Context, personId: string, reason: string): Promise<void> {
      requireRole(ctx, 'admin')
      const why = reason.trim()
      if (!why)
        throw new ValidationError([
          { field: 'reason', text: 'Enter why you are resetting their second factor' },
        ])
      if (why.length > 1000)
        throw new ValidationError([{ field: 'reason', text: 'The reason must be 1,000 characters or fewer' }])
      const member = await memberOf(ctx, personId)
      if (!member.userId) throw new NotFoundError('Person')
      if (member.userId === ctx.actor.userId)
        throw new ForbiddenError('Another admin must reset your own second factor')
      const userId = member.userId
      const now = clock.now()
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('second-factor.reset')
        await sql.query(
          `INSERT INTO second_factor_resets (partnership_id, user_id, reset_by, reason, created_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [ctx.partnership.id, userId, ctx.actor.userId, why, now],
        )
        await sql.query('DELETE FROM second_factors WHERE user_id = $1', [userId])
        await sql.query('DELETE FROM second_factor_recovery_codes WHERE user_id = $1', [userId])
        await sql.query('DELETE FROM second_factor_challenges WHERE user_id = $1', [userId])
        await sql.query(
          'UPDATE user_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL',
          [userId, now],
        )
        const user = await sql.one<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId])
        await enqueueEmail(sql, ctx.partnership.id, resetEmail(user.email, ctx.partnership.name))
      })
      deps.mailQueued()
    },

    /** Removes sign-ins that waited too long for their second factor. */
    async forgetExpiredChallenges(): Promise<number> {
      const gone = await db.anonymous({ actor: 'job:account.forget-attempts' }, (sql) =>
        sql.query('DELETE FROM second_factor_challenges WHERE expires_at <= $1 RETURNING 1', [clock.now()]),
      )
      return gone.length
    },
  }
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>
