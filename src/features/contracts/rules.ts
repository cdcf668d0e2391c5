import type { Contract } from './queries.ts'

/** How close to its review date a contract is before it is shown as due. */
export const REVIEW_WARNING_DAYS = 30

const DAY = 86_400_000

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`)
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** A calendar date `days` after another (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return iso(new Date(utc(date).getTime() + days * DAY))
}

/**
 * When a contract is next reviewed if no one says otherwise: a year after it starts
 * (Norfolk 12a: "Training contracts are reviewed on an annual basis"). A contract starting on
 * 29 February is reviewed on 28 February, still within the year.
 */
export function defaultReviewDate(startsOn: string): string {
  const [year, month, day] = startsOn.split('-').map(Number) as [number, number, number]
  const next = new Date(Date.UTC(year + 1, month - 1, day))
  // Past the end of the month (29 February in a common year): the month's last day.
  return next.getUTCMonth() === month - 1 ? iso(next) : iso(new Date(Date.UTC(year + 1, month, 0)))
}

export type ReviewStatus =
  | { state: 'ended' }
  | { state: 'overdue'; daysLate: number }
  | { state: 'due'; daysLeft: number }
  | { state: 'not-due'; daysLeft: number }

/**
 * Where a contract stands against its review date on a day: overdue once the date has
 * passed, due within the next 30 days, and never once the contract has ended.
 */
export function reviewStatus(contract: Pick<Contract, 'reviewOn' | 'status'>, today: string): ReviewStatus {
  if (contract.status === 'ended') return { state: 'ended' }
  const days = Math.round((utc(contract.reviewOn).getTime() - utc(today).getTime()) / DAY)
  if (days < 0) return { state: 'overdue', daysLate: -days }
  if (days <= REVIEW_WARNING_DAYS) return { state: 'due', daysLeft: days }
  return { state: 'not-due', daysLeft: days }
}

/** True when an admin should review the contract now: overdue, or due within 30 days. */
export function isDueForReview(contract: Pick<Contract, 'reviewOn' | 'status'>, today: string): boolean {
  const { state } = reviewStatus(contract, today)
  return state === 'overdue' || state === 'due'
}

/** A review status in words, for the contract's pages. */
export function describeReview(status: ReviewStatus): string {
  switch (status.state) {
    case 'ended':
      return 'Ended: no review needed'
    case 'overdue':
      return `Review overdue by ${status.daysLate} ${status.daysLate === 1 ? 'day' : 'days'}`
    case 'due':
      return status.daysLeft === 0
        ? 'Review due today'
        : `Review due in ${status.daysLeft} ${status.daysLeft === 1 ? 'day' : 'days'}`
    case 'not-due':
      return 'Not yet due for review'
  }
}
