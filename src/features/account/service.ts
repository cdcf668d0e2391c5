import type { Membership } from '#platform/auth/identity.ts'
import { membershipsOf, partnershipsOf } from '#platform/auth/identity.ts'
import { checkPassword } from '#platform/auth/passwords.ts'
import { hashToken, newToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'

/** Wrong passwords in a row before sign-in pauses for the account. */
export const MAX_FAILED_SIGN_INS = 5
export const LOCK_MINUTES = 15
export const SIGN_IN_LINK_MINUTES = 15

type UserRow = { id: string; password_hash: string | null; disabled: boolean }

/**
 * Counts a password attempt against the account before the password is checked, and pauses
 * the account at the MAX_FAILED_SIGN_INS-th attempt in a row, in one statement: attempts that
 * arrive together each count, as the row is changed by one at a time, and none is tried once
 * the account is paused. A pause that has ended starts the count again. The account comes
 * back when it may be tried; nothing when the email is unknown or the account is paused.
 */
const attemptPassword = `UPDATE users SET
    failed_sign_ins = CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END,
    locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END) >= $3
                        THEN $4::timestamptz END
  WHERE lower(email) = lower($1) AND (locked_until IS NULL OR locked_until <= $2)
  RETURNING id, password_hash, disabled`

export type SignInOutcome = { ok: true; userId: string; memberships: Membership[] } | { ok: false }

function signInLinkEmail(url: string): Email {
  return {
    to: '',
    subject: 'Your sign-in link for Cascade',
    text: [
      'Use this link to sign in to Cascade:',
      '',
      url,
      '',
      `It works once, within ${SIGN_IN_LINK_MINUTES} minutes.`,
      '',
      'If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.',
    ].join('\n'),
  }
}

/**
 * Signing in. Every failure looks the same from outside, whether the email is unknown, the
 * password wrong or the account paused, so the service never reveals who has an account.
 */
export function createAccountService(deps: {
  db: Database
  clock: Clock
  publicUrl: string
  mailQueued: () => void
}) {
  const { db, clock } = deps

  async function findUser(email: string): Promise<UserRow | undefined> {
    return db.anonymous({}, (sql) =>
      sql.maybeOne<UserRow>('SELECT id, password_hash, disabled FROM users WHERE lower(email) = lower($1)', [
        email,
      ]),
    )
  }

  return {
    async signInWithPassword(email: string, password: string): Promise<SignInOutcome> {
      const now = clock.now()
      const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000)
      const user = await db.anonymous({}, (sql) =>
        sql.maybeOne<UserRow>(attemptPassword, [email, now, MAX_FAILED_SIGN_INS, lockUntil]),
      )
      // The hash check runs even for an unknown or paused account, so timing tells nothing.
      const matches = await checkPassword(user ? user.password_hash : null, password)
      if (!user || user.disabled || !matches) return { ok: false }
      // The right password ends the run of wrong ones.
      return db.anonymous({ userId: user.id }, async (sql) => {
        await sql.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [user.id])
        return { ok: true, userId: user.id, memberships: await membershipsOf(sql, user.id) }
      })
    },

    /** Emails a one-time sign-in link when the address belongs to an account; says nothing either way. */
    async requestSignInLink(email: string): Promise<void> {
      const user = await findUser(email)
      if (!user || user.disabled) return
      const token = newToken()
      const now = clock.now()
      await db.anonymous({ userId: user.id }, async (sql) => {
        await sql.query(
          'INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
          [hashToken(token), user.id, now, new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000)],
        )
        const address = await sql.one<{ email: string }>('SELECT email FROM users WHERE id = $1', [user.id])
        await enqueueEmail(sql, null, {
          ...signInLinkEmail(`${deps.publicUrl}/sign-in/link/${token}`),
          to: address.email,
        })
      })
      deps.mailQueued()
    },

    /** Uses a sign-in link once; fails when it is unknown, used or out of date. */
    async useSignInLink(token: string): Promise<SignInOutcome> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false }
      const now = clock.now()
      const userId = await db.anonymous({}, async (sql) => {
        const row = await sql.maybeOne<{ user_id: string }>(
          `UPDATE sign_in_links l SET used_at = $2
             FROM users u
            WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.id = l.user_id AND NOT u.disabled
            RETURNING l.user_id`,
          [hashToken(token), now],
        )
        return row?.user_id
      })
      if (!userId) return { ok: false }
      return db.anonymous({ userId }, async (sql) => {
        await sql.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [userId])
        return { ok: true, userId, memberships: await membershipsOf(sql, userId) }
      })
    },

    async membershipsOf(userId: string): Promise<Membership[]> {
      return db.anonymous({ userId }, (sql) => membershipsOf(sql, userId))
    },
  }
}

export type AccountService = ReturnType<typeof createAccountService>

/** The partnership to open after sign-in: the only one, or none when the user must choose. */
export function partnershipAfterSignIn(memberships: readonly Membership[]): string | null {
  const partnerships = partnershipsOf(memberships)
  return partnerships.length === 1 ? (partnerships[0]?.id ?? null) : null
}
