import type { Session } from '#features/sessions/queries.ts'

const WEEK = 7 * 86_400_000

/**
 * When a session's applications close and its places are allocated: the policy's lead time
 * before its first day (Norfolk 12c: six weeks).
 */
export function shortlistingTime(session: Pick<Session, 'startsAt'>, leadWeeks: number): Date {
  return new Date(new Date(session.startsAt).getTime() - leadWeeks * WEEK)
}

/** Why no one can apply for a session now, or null when they can. */
export function applyingRefusal(
  session: Pick<Session, 'status' | 'startsAt'> & Partial<Pick<Session, 'shortlistProposedAt'>>,
  now: Date,
  leadWeeks: number,
): string | null {
  switch (session.status) {
    case 'open':
      break
    case 'draft':
      return 'This session is not open for applications yet'
    case 'cancelled':
      return 'This session has been cancelled'
    case 'shortlisted':
    case 'full':
      // Its places are allocated: applying joins the waiting list until the session starts.
      return now >= new Date(session.startsAt) ? 'This session has already taken place' : null
    case 'running':
    case 'delivered':
      return 'This session has already taken place'
  }
  if (now >= new Date(session.startsAt)) return 'This session has already taken place'
  if (session.shortlistProposedAt)
    return 'Places for this session are being allocated, so applications have closed'
  if (now >= shortlistingTime(session, leadWeeks)) return 'Applications for this session have closed'
  return null
}

/**
 * Whether an admin must decide to run or cancel a session: applications have closed and
 * fewer people applied than its minimum places, and no admin has yet chosen to run it.
 */
export function belowMinimum(
  session: Pick<Session, 'status' | 'startsAt' | 'minimumPlaces'> & { belowMinimumConfirmedAt: Date | null },
  applications: number,
  now: Date,
  leadWeeks: number,
): boolean {
  return (
    session.status === 'open' &&
    session.minimumPlaces !== null &&
    session.belowMinimumConfirmedAt === null &&
    now >= shortlistingTime(session, leadWeeks) &&
    applications < session.minimumPlaces
  )
}
