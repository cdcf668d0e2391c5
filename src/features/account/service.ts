import type { Membership } from '#platform/auth/identity.ts'
import { membershipsOf, partnershipsOf } from '#platform/auth/identity.ts'
import { checkPassword } from '#platform/auth/passwords.ts'
import { hashToken, hmac, newToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'
import { TooManyRequestsError } from '#platform/errors.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'

/** Wrong passwords in a row before sign-in pauses for the account. */
export const MAX_FAILED_SIGN_INS = 5
export const LOCK_MINUTES = 15
export const SIGN_IN_LINK_MINUTES = 15

type UserRow = { id: string; password_hash: string | null; disabled: boolean }

/**
 * Counts a sign-in attempt against an account (by its key) in the current minute, starting a
 * new minute when the last has passed, and answers with the count so far: one statement, so
 * attempts sent at once each count. Written for its parameters' places, as it also runs
 * inside `attemptPassword`.
 */
function countAttempt(key: string, now: string): string {
  return `INSERT INTO sign_in_attempts AS a (account_key, window_started_at, attempts)
    VALUES (${key}, ${now}, 1)
    ON CONFLICT (account_key) DO UPDATE SET
      attempts = CASE WHEN a.window_started_at > ${now}::timestamptz - interval '1 minute'
                      THEN a.attempts + 1 ELSE 1 END,
      window_started_at = CASE WHEN a.window_started_at > ${now}::timestamptz - interval '1 minute'
                               THEN a.window_started_at ELSE ${now}::timestamptz END
    RETURNING attempts`
}

const countSignInAttempt = countAttempt('$1', '$2')

/**
 * A password attempt: counted against the account's minute (key $5, limit $6) and, when
 * within the limit, against the account itself before the password is checked, pausing it at
 * the MAX_FAILED_SIGN_INS-th attempt in a row. One statement, so attempts sent at once each
 * count, as the rows change one attempt at a time, and none is tried once the account is
 * paused; a pause that has ended starts the run again. The account comes back when it may be
 * tried; none when the email is unknown, the account paused or the minute's attempts used up.
 */
const attemptPassword = `WITH counted AS (${countAttempt('$5', '$2')}),
  attempt AS (
    UPDATE users SET
      failed_sign_ins = CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END,
      locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN failed_sign_ins + 1 ELSE 1 END) >= $3
                          THEN $4::timestamptz END
    WHERE lower(email) = lower($1) AND (locked_until IS NULL OR locked_until <= $2)
      AND (SELECT attempts FROM counted) <= $6
    RETURNING id, password_hash, disabled
  )
  SELECT counted.attempts <= $6 AS allowed, attempt.id, attempt.password_hash, attempt.disabled
    FROM counted LEFT JOIN attempt ON true`

export type SignInOutcome =
  | { ok: true; userId: string; memberships: Membership[]; email?: string }
  | { ok: false }

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
  /** Signs the key an account's attempts are counted by, so the count never holds an email. */
  secret: string
  /** Sign-in attempts against one account a minute, from whatever addresses. */
  attemptsPerMinute: number
  mailQueued: () => void
}) {
  const { db, clock } = deps
  const accountKey = (email: string) => hmac(deps.secret, `sign-in-account:${email.trim().toLowerCase()}`)

  async function writeSignInLink(email: string): Promise<void> {
    const token = newToken()
    const now = clock.now()
    const written = await db.anonymous({}, async (sql) => {
      const user = await sql.maybeOne<{ id: string; email: string }>(
        'SELECT id, email FROM users WHERE lower(email) = lower($1) AND NOT disabled',
        [email],
      )
      if (!user) return false
      await sql.query(
        'INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [hashToken(token), user.id, now, new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000)],
      )
      await enqueueEmail(sql, null, {
        ...signInLinkEmail(`${deps.publicUrl}/sign-in/link/${token}`),
        to: user.email,
      })
      return true
    })
    if (written) deps.mailQueued()
  }

  const writing = new Set<Promise<void>>()

  return {
    /**
     * Counts an attempt to sign in (asking for a link) against the email's account, refusing
     * it with TooManyRequestsError beyond the minute's limit; the same for an unknown email.
     */
    async countSignInAttempt(email: string): Promise<void> {
      const counted = await db.anonymous({}, (sql) =>
        sql.one<{ attempts: number }>(countSignInAttempt, [accountKey(email), clock.now()]),
      )
      if (counted.attempts > deps.attemptsPerMinute) throw new TooManyRequestsError()
    },

    /** Removes the counts of minutes that have passed; a count's current minute is all that is read. */
    async forgetPastAttempts(): Promise<number> {
      const gone = await db.anonymous({ actor: 'job:account.forget-attempts' }, (sql) =>
        sql.query(
          "DELETE FROM sign_in_attempts WHERE window_started_at <= $1::timestamptz - interval '1 minute' RETURNING 1",
          [clock.now()],
        ),
      )
      return gone.length
    },

    /** Signs in with a password; refuses with TooManyRequestsError beyond the account's limit a minute. */
    async signInWithPassword(email: string, password: string): Promise<SignInOutcome> {
      const now = clock.now()
      const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000)
      const attempt = await db.anonymous({}, (sql) =>
        sql.one<{ allowed: boolean } & (UserRow | { [K in keyof UserRow]: null })>(attemptPassword, [
          email,
          now,
          MAX_FAILED_SIGN_INS,
          lockUntil,
          accountKey(email),
          deps.attemptsPerMinute,
        ]),
      )
      if (!attempt.allowed) throw new TooManyRequestsError()
      const user = attempt.id === null ? undefined : attempt
      // The hash check runs even for an unknown or paused account, so timing tells nothing.
      const matches = await checkPassword(user ? user.password_hash : null, password)
      if (!user || user.disabled || !matches) return { ok: false }
      // The right password ends the run of wrong ones.
      return db.anonymous({ userId: user.id }, async (sql) => {
        await sql.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [user.id])
        return { ok: true, userId: user.id, memberships: await membershipsOf(sql, user.id) }
      })
    },

    /**
     * Emails a one-time sign-in link when the address belongs to an account; nothing when it
     * does not. The page asking for one answers first and calls this after, so the answer
     * takes as long either way; `linksWritten` waits for those under way.
     */
    requestSignInLink(email: string): Promise<void> {
      const work = writeSignInLink(email)
      writing.add(work)
      const done = () => writing.delete(work)
      work.then(done, done)
      return work
    },

    /** Waits for the sign-in links under way to be written (or to fail): before shutting down, and in tests. */
    async linksWritten(): Promise<void> {
      await Promise.allSettled([...writing])
    },

    /** Uses a sign-in link once; fails when it is unknown, used or out of date. */
    async useSignInLink(token: string): Promise<SignInOutcome> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false }
      const now = clock.now()
      const used = await db.anonymous({}, (sql) =>
        sql.maybeOne<{ user_id: string; email: string }>(
          `UPDATE sign_in_links l SET used_at = $2
             FROM users u
            WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.id = l.user_id AND NOT u.disabled
            RETURNING l.user_id, u.email`,
          [hashToken(token), now],
        ),
      )
      if (!used) return { ok: false }
      const userId = used.user_id
      return db.anonymous({ userId }, async (sql) => {
        await sql.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [userId])
        return { ok: true, userId, email: used.email, memberships: await membershipsOf(sql, userId) }
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
