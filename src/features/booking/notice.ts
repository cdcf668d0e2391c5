import type { PolicyRules } from '#features/policy/policy.ts'
import { londonDateOf } from '#platform/clock.ts'
import { workingDaysFrom } from '#platform/holidays.ts'

/** What the notice rule reads from a partnership's policy. */
export type NoticeRules = Pick<
  PolicyRules,
  'cancellationNoticeDays' | 'cancellationNoticeBasis' | 'jurisdiction'
>

/** A calendar date (YYYY-MM-DD) moved by whole days; noon UTC keeps clock changes and local time out of it. */
function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`)
  at.setUTCDate(at.getUTCDate() + days)
  return at.toISOString().slice(0, 10)
}

/**
 * The last day (YYYY-MM-DD, Europe/London) a cancellation has enough notice, so is not
 * charged. Norfolk 12d: cancellation less than seven working days before is charged.
 *
 * Counting back from the session's first day, which is not itself counted, it is the Nth
 * working day before it: weekends and the bank holidays of the partnership's jurisdiction
 * are skipped, so the same session can have different deadlines in Jersey and in England.
 * Where the policy counts calendar days it is simply N days before the first day.
 *
 * With no notice required (N = 0) there is nothing to count back, so on either basis a
 * cancellation is in time up to and including the first day itself.
 */
export function noticeDeadline(firstDay: string, rules: NoticeRules): string {
  const days = rules.cancellationNoticeDays
  if (days <= 0) return firstDay
  switch (rules.cancellationNoticeBasis) {
    case 'working':
      return workingDaysFrom(rules.jurisdiction, firstDay, -days)
    case 'calendar':
      return addDays(firstDay, -days)
    default: {
      const unknown: never = rules.cancellationNoticeBasis
      throw new Error(`Unknown notice basis: ${String(unknown)}`)
    }
  }
}

/**
 * Whether a cancellation received at an instant has enough notice for a session starting at
 * another. Both are read as Europe/London calendar dates, because that is the day a
 * partnership's office would stamp on it: half past midnight on a summer night is already
 * the next day in London, though UTC still has the day before.
 */
export function sufficientNotice(receivedAt: Date, sessionStartsAt: Date, rules: NoticeRules): boolean {
  return londonDateOf(receivedAt) <= noticeDeadline(londonDateOf(sessionStartsAt), rules)
}
