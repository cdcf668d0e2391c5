import type { StaffTraining } from './queries.ts'

export const complianceStatuses = ['overdue', 'none', 'due-soon', 'up-to-date'] as const
export type ComplianceStatus = (typeof complianceStatuses)[number]

export const statusNames: Record<ComplianceStatus, string> = {
  overdue: 'Overdue',
  none: 'No training evidenced',
  'due-soon': 'Due within 3 months',
  'up-to-date': 'Up to date',
}

/** How far ahead a refresher shows as due, so a lead can book it before it lapses. */
const DUE_SOON_MONTHS = 3

export type Compliance = StaffTraining & {
  status: ComplianceStatus
  /** The London date by which the refresher is due (YYYY-MM-DD), or null with no training. */
  dueOn: string | null
}

/** A London date moved by whole months, kept within the month (31 May + 1 month is 30 June). */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number)
  const first = new Date(Date.UTC(year, month - 1 + months, 1))
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(day, lastDay))
  return first.toISOString().slice(0, 10)
}

/** A London date moved by whole years: 29 February falls back to the 28th in other years. */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years
  const rest = date.slice(4)
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return `${year}${rest === '-02-29' && !leap ? '-02-28' : rest}`
}

/**
 * Whether a member of staff's training is current: evidenced within the partnership's
 * refresher interval, and due soon when it lapses within three months of today. Made once
 * for a list, as a large agency has thousands of staff.
 */
export function complianceOn(today: string, refresherYears: number): (person: StaffTraining) => Compliance {
  const standing = standingOn(today, refresherYears)
  return (person) => ({ ...person, ...standing(person.trainedOn) })
}

/** The status of training evidenced on a date (or of none), and when its refresher is due. */
export function standingOn(
  today: string,
  refresherYears: number,
): (trainedOn: string | null) => Pick<Compliance, 'status' | 'dueOn'> {
  const soon = addMonths(today, DUE_SOON_MONTHS)
  return (trainedOn) => {
    if (!trainedOn) return { status: 'none', dueOn: null }
    const dueOn = addYears(trainedOn, refresherYears)
    const status: ComplianceStatus = dueOn < today ? 'overdue' : dueOn <= soon ? 'due-soon' : 'up-to-date'
    return { status, dueOn }
  }
}

/** How many of the staff are in each status. */
export function countByStatus(staff: readonly Compliance[]): Record<ComplianceStatus, number> {
  const counts: Record<ComplianceStatus, number> = { overdue: 0, none: 0, 'due-soon': 0, 'up-to-date': 0 }
  for (const person of staff) counts[person.status]++
  return counts
}
