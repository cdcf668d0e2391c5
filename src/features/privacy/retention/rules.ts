import type { PolicyRules } from '#features/policy/policy.ts'

/** The kinds of record the retention job anonymises, in the order it runs and shows them. */
export const retentionKinds = ['leavers', 'applications', 'survey_answers', 'audit_trail'] as const
export type RetentionKind = (typeof retentionKinds)[number]

export const retentionKindNames: Record<RetentionKind, string> = {
  leavers: 'People who left an agency',
  applications: 'Applications and registers',
  survey_answers: 'Free text of anonymous survey answers',
  audit_trail: 'Personal details in the audit trail',
}

/** A calendar date (YYYY-MM-DD) whole years earlier; 29 February goes to 28 February. */
export function yearsBefore(date: string, years: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number)
  const year = y - years
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const day = m === 2 && d === 29 && !leap ? 28 : d
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * For each kind, the day before which its records are due: anything dated (left, held, given,
 * recorded) before it has been kept for its whole period, counted from today.
 */
export function cutoffs(today: string, retention: PolicyRules['retention']): Record<RetentionKind, string> {
  return {
    leavers: yearsBefore(today, retention.leaversYears),
    applications: yearsBefore(today, retention.applicationsYears),
    survey_answers: yearsBefore(today, retention.surveyAnswersYears),
    audit_trail: yearsBefore(today, retention.auditTrailYears),
  }
}
