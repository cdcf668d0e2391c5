import { hashToken } from '#platform/auth/secrets.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

/**
 * When the page warns before an idle sign-in ends (WCAG 2.2.1: at least 20 seconds to ask for
 * more time; GOV.UK warns two minutes before), and when it first asks the server how long is
 * left. A page is rendered up to a minute after the sign-in was last marked as used (it is
 * marked at most once a minute, see createSessions), so the first check comes that much early.
 */
export function timeoutPlan(idleMinutes: number) {
  const idleSeconds = idleMinutes * 60
  const warningSeconds = Math.min(120, Math.floor(idleSeconds / 2))
  const markedWithinSeconds = Math.min(60, idleSeconds / 4)
  return {
    idleMinutes,
    idleSeconds,
    warningSeconds,
    firstCheckSeconds: Math.max(0, Math.floor(idleSeconds - warningSeconds - markedWithinSeconds)),
  }
}

export type TimeoutPlan = ReturnType<typeof timeoutPlan>

/** Why a sign-in ended, as the page that says so words it; 'alive' when it has not. */
export type Ending = 'idle' | 'expired' | 'revoked' | 'alive' | null

type SessionTimes = {
  last_seen_at: Date
  expires_at: Date
  revoked_at: Date | null
  disabled: boolean
}

/**
 * The sign-in's idle timeout as the page's warning sees it: how long is left (asked without
 * counting as use, so a page open in another tab does not keep it alive by asking), staying
 * signed in (which counts as use at once, whatever the once-a-minute marking last did), and
 * ending a sign-in that has run out so nothing of it is kept.
 */
export function createSessionTimeout(deps: { db: Database; clock: Clock; idleMinutes: number }) {
  const { db, clock } = deps
  const idleMs = deps.idleMinutes * 60_000

  function secondsLeft(row: SessionTimes | undefined, now: Date): number {
    if (!row || row.revoked_at || row.disabled) return 0
    const ends = Math.min(row.last_seen_at.getTime() + idleMs, row.expires_at.getTime())
    // Rounded up: 0 means ended, never "less than a second left", which the next request would renew.
    return Math.max(0, Math.ceil((ends - now.getTime()) / 1000))
  }

  async function remaining(token: string): Promise<number> {
    const now = clock.now()
    const [row] = await db.platformStatement<SessionTimes>(
      `SELECT s.last_seen_at, s.expires_at, s.revoked_at, u.disabled
         FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1`,
      [hashToken(token)],
    )
    return secondsLeft(row, now)
  }

  return {
    /** Seconds before the sign-in ends if nothing more is done; 0 once it has ended. Touches nothing. */
    remaining,

    /** Marks the sign-in as used now; the seconds it then has left, or 0 if it had ended already. */
    async keepAlive(token: string): Promise<number> {
      const now = clock.now()
      const [row] = await db.platformStatement<SessionTimes>(
        `UPDATE user_sessions s SET last_seen_at = $2
           FROM users u
          WHERE s.id_hash = $1 AND u.id = s.user_id AND NOT u.disabled AND s.revoked_at IS NULL
            AND s.expires_at > $2 AND s.last_seen_at > $2::timestamptz - make_interval(secs => $3)
        RETURNING s.last_seen_at, s.expires_at, s.revoked_at, u.disabled`,
        [hashToken(token), now, idleMs / 1000],
      )
      return secondsLeft(row, now)
    },

    /**
     * Deletes a sign-in that has run out (idle, past its longest life, or revoked) and says
     * why; a sign-in still running is left alone ('alive'), so a link to this cannot sign
     * anyone out. Null when the browser's cookie names no sign-in at all.
     */
    async end(token: string): Promise<Ending> {
      const now = clock.now()
      const [gone] = await db.platformStatement<SessionTimes>(
        `DELETE FROM user_sessions s USING users u
          WHERE s.id_hash = $1 AND u.id = s.user_id
            AND (s.revoked_at IS NOT NULL OR u.disabled OR s.expires_at <= $2
                 OR s.last_seen_at <= $2::timestamptz - make_interval(secs => $3))
        RETURNING s.last_seen_at, s.expires_at, s.revoked_at, u.disabled`,
        [hashToken(token), now, idleMs / 1000],
      )
      if (!gone) return (await remaining(token)) > 0 ? 'alive' : null
      if (gone.revoked_at || gone.disabled) return 'revoked'
      if (gone.expires_at.getTime() <= now.getTime()) return 'expired'
      return 'idle'
    },
  }
}

export type SessionTimeout = ReturnType<typeof createSessionTimeout>
