import type { Approval, Standing } from '#features/trainers/rules.ts'
import { approvalExpiresOn, CPD_DUE_WARNING_DAYS, standingOn, yearsAfter } from '#features/trainers/rules.ts'

/** How many days before the earliest lapse the reminder goes, after the request at CPD_DUE_WARNING_DAYS. */
export const CPD_REMINDER_DAYS = 7
/** How far ahead the admin's home page lists approvals about to lapse. */
export const LAPSING_LISTED_DAYS = 60

/** A calendar date (YYYY-MM-DD) a number of days on (or back, when negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Whole days from one calendar date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** An approval stands until a later day than today, and lapses within the days given. */
export function lapsingWithin(approval: Approval, today: string, days: number): boolean {
  if (approval.withdrawnAt || today < approval.trainedOn) return false
  const expires = approvalExpiresOn(approval)
  return expires >= today && expires <= addDays(today, days)
}

/**
 * The earliest day any of a trainer's live approvals (not withdrawn, not yet lapsed) lapses:
 * the day their CPD questionnaire is asked for against. None when they have no live approval.
 */
export function earliestLapse(approvals: readonly Approval[], today: string): string | null {
  const live = approvals
    .filter((a) => !a.withdrawnAt && approvalExpiresOn(a) >= today)
    .map((a) => approvalExpiresOn(a))
    .sort()
  return live[0] ?? null
}

/** Which CPD email is due today for a trainer whose approval lapses on `lapsesOn`, if any. */
export function chaseStage(lapsesOn: string, today: string): 'request' | 'reminder' | null {
  const days = daysBetween(today, lapsesOn)
  if (days < 0) return null
  if (days <= CPD_REMINDER_DAYS) return 'reminder'
  if (days <= CPD_DUE_WARNING_DAYS) return 'request'
  return null
}

/** A trainer's CPD in one word: current, due within the warning period, lapsed, or out of the pool. */
export type CpdState = 'current' | 'due' | 'lapsed' | 'withdrawn'

export function cpdStateOf(approvals: readonly Approval[], today: string): CpdState {
  const live = approvals.filter((a) => !a.withdrawnAt)
  if (!live.length) return 'withdrawn'
  if (live.some((a) => today >= a.trainedOn && approvalExpiresOn(a) < today)) return 'lapsed'
  if (live.some((a) => approvalExpiresOn(a) <= addDays(today, CPD_DUE_WARNING_DAYS))) return 'due'
  return 'current'
}

/** Whether a trainer is in the pool: they hold an approval that is not withdrawn. */
export const inPool = (approvals: readonly Approval[]): boolean => approvals.some((a) => !a.withdrawnAt)

/** Whether any of their approvals stands today: only an approved trainer is due to be observed. */
export const approvedToday = (approvals: readonly Approval[], today: string): boolean =>
  approvals.some((a) => (standingOn(a, today) as Standing).approved)

/**
 * When an approved trainer is next due to be observed: the policy's years after their last
 * observation; due now when that has passed or they were never observed.
 */
export function observationDue(
  lastObservedOn: string | null,
  years: number,
  today: string,
): { due: boolean; dueOn: string | null } {
  if (!lastObservedOn) return { due: true, dueOn: null }
  const dueOn = yearsAfter(lastObservedOn, years)
  return { due: today > dueOn, dueOn }
}

/**
 * Hours of CPD as typed (7.5) in tenths of an hour (75), as the table keeps them; null when it
 * is not a number of hours to one decimal place between 0.1 and 10,000.
 */
export function tenthsOf(hours: string | number): number | null {
  const text = typeof hours === 'number' ? String(hours) : hours.trim()
  if (!/^\d{1,5}(\.\d)?0*$/.test(text) && !/^\d{1,5}\.?$/.test(text)) return null
  const tenths = Math.round(Number(text) * 10)
  return tenths >= 1 && tenths <= 100_000 ? tenths : null
}

/** Tenths of an hour as the hours people read: 75 as "7.5", 80 as "8". */
export const hoursText = (tenths: number): string =>
  tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)
