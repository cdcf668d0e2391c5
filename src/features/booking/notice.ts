import type { Jurisdiction, PolicyRules } from '#features/policy/policy.ts'
import { londonDateOf } from '#platform/clock.ts'
import { isWorkingDay } from '#platform/holidays.ts'

type NoticeRules = Pick<PolicyRules, 'cancellationNoticeDays' | 'cancellationNoticeBasis'> & {
  jurisdiction: Jurisdiction
}

/** A calendar date (YYYY-MM-DD) moved by whole days; noon UTC keeps clocks changing out of it. */
function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`)
  at.setUTCDate(at.getUTCDate() + days)
  return at.toISOString().slice(0, 10)
}

/**
 * The last day a cancellation has enough notice (Norfolk 12d: seven working days). Counting
 * back from the session's first day, which is not counted, the Nth working day before it; or
 * the Nth calendar day, where the policy counts those. Working days leave out weekends and
 * the bank holidays of the partnership's jurisdiction. With no notice required, a
 * cancellation is in time up to the first day itself.
 */
export function noticeDeadline(firstDay: string, rules: NoticeRules): string {
  const days = rules.cancellationNoticeDays
  if (days <= 0) return firstDay
  if (rules.cancellationNoticeBasis === 'calendar') return addDays(firstDay, -days)
  let date = firstDay
  for (let counted = 0; counted < days; ) {
    date = addDays(date, -1)
    if (isWorkingDay(rules.jurisdiction, date)) counted++
  }
  return date
}

/** Whether a cancellation received at an instant has enough notice for a session starting at another. */
export function sufficientNotice(receivedAt: Date, sessionStartsAt: Date, rules: NoticeRules): boolean {
  return londonDateOf(receivedAt) <= noticeDeadline(londonDateOf(sessionStartsAt), rules)
}
