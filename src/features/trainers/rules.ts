/** What decides whether a trainer's approval stands on a day. */
export type Approval = {
  trainedOn: string
  cpdCompletedOn: string | null
  withdrawnAt: Date | null
}

/** A calendar date (YYYY-MM-DD) a whole number of years on; 29 February becomes 28 February. */
export function yearsAfter(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const day = m === 2 && d === 29 ? 28 : d
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * The last day an approval stands: a year after the later of train-the-trainer and the last
 * annual CPD questionnaire (Shropshire's pool keeps trainers current through yearly CPD).
 */
export function approvalExpiresOn(approval: Pick<Approval, 'trainedOn' | 'cpdCompletedOn'>): string {
  const latest =
    approval.cpdCompletedOn && approval.cpdCompletedOn > approval.trainedOn
      ? approval.cpdCompletedOn
      : approval.trainedOn
  return yearsAfter(latest, 1)
}

export type Standing =
  | { approved: true }
  | { approved: false; reason: 'withdrawn' | 'expired' | 'not_yet_trained'; since?: string }

/** Whether an approval lets its trainer deliver on a calendar date, and if not, why. */
export function standingOn(approval: Approval, date: string): Standing {
  if (approval.withdrawnAt) return { approved: false, reason: 'withdrawn' }
  if (date < approval.trainedOn) return { approved: false, reason: 'not_yet_trained' }
  const expires = approvalExpiresOn(approval)
  if (date > expires) return { approved: false, reason: 'expired', since: expires }
  return { approved: true }
}

/** How many days before an approval lapses its trainer's annual CPD questionnaire is shown as due. */
export const CPD_DUE_WARNING_DAYS = 30

/**
 * Whether an approval needs its annual CPD questionnaire now: it lapses within the warning
 * period, or has lapsed and not been withdrawn (a withdrawn approval needs nothing more).
 */
export function cpdDue(approval: Approval, today: string): boolean {
  if (approval.withdrawnAt) return false
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const warnFrom = new Date(Date.UTC(y, m - 1, d + CPD_DUE_WARNING_DAYS)).toISOString().slice(0, 10)
  return approvalExpiresOn(approval) <= warnFrom
}
