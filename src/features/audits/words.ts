/** The words agency audits use on screen and in the API, from DOMAIN.md and the statutory guidance. */

export const templateKinds = ['section_11', 'section_175', 'adults', 'other'] as const
export type TemplateKind = (typeof templateKinds)[number]
export const templateKindNames: Record<TemplateKind, string> = {
  section_11: 'Section 11 (Children Act 2004)',
  section_175: 'Section 175 / 157 (Education Act 2002)',
  adults: 'Adults’ safeguarding self-assessment',
  other: 'Other',
}

/** The two rating scales a template may use. */
export const scales = ['four_point', 'rag'] as const
export type Scale = (typeof scales)[number]
export const scaleNames: Record<Scale, string> = {
  four_point: 'Four points: outstanding, good, requires improvement, inadequate',
  rag: 'Red, amber, green',
}

/** Each scale's ratings, best first. */
export const scaleRatings = {
  four_point: ['outstanding', 'good', 'requires_improvement', 'inadequate'],
  rag: ['green', 'amber', 'red'],
} as const satisfies Record<Scale, readonly string[]>
export type AuditRating = (typeof scaleRatings)[Scale][number]
export const auditRatingNames: Record<AuditRating, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
}

/** Whether a rating is below good: such a standard needs an action in the agency's plan. */
export function belowGood(rating: AuditRating): boolean {
  return (
    rating === 'requires_improvement' || rating === 'inadequate' || rating === 'amber' || rating === 'red'
  )
}

/**
 * A rating's place on its scale as a number, 1 the worst, so one cycle can be compared with the
 * last: four points run 1-4, red, amber and green 1-3.
 */
export function ratingScore(rating: AuditRating): number {
  for (const ratings of Object.values(scaleRatings) as readonly (readonly string[])[]) {
    const at = ratings.indexOf(rating)
    if (at >= 0) return ratings.length - at
  }
  throw new Error(`Not a rating: ${rating}`)
}

export function isRatingOf(scale: Scale, rating: string): rating is AuditRating {
  return (scaleRatings[scale] as readonly string[]).includes(rating)
}

export const returnStatuses = ['not_started', 'in_progress', 'submitted', 'challenge', 'concluded'] as const
export type AuditReturnStatus = (typeof returnStatuses)[number]
export const returnStatusNames: Record<AuditReturnStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  submitted: 'Submitted',
  challenge: 'Under challenge',
  concluded: 'Concluded',
}
/** GOV.UK tag colours, always beside the status's words. */
export const returnStatusTags: Record<AuditReturnStatus, string> = {
  not_started: 'govuk-tag--grey',
  in_progress: 'govuk-tag--blue',
  submitted: 'govuk-tag--yellow',
  challenge: 'govuk-tag--orange',
  concluded: 'govuk-tag--green',
}

export const reviews = ['agreed', 'challenged'] as const
export type AnswerReview = (typeof reviews)[number]
export const reviewNames: Record<AnswerReview, string> = { agreed: 'Agreed', challenged: 'Challenged' }

export const resolutions = ['agreed', 'revised'] as const
export type Resolution = (typeof resolutions)[number]
export const resolutionNames: Record<Resolution, string> = { agreed: 'Agreed', revised: 'Revised' }

export const caseAuditStatuses = ['sampling', 'answering', 'panel', 'concluded'] as const
export type CaseAuditStatus = (typeof caseAuditStatuses)[number]
export const caseAuditStatusNames: Record<CaseAuditStatus, string> = {
  sampling: 'Choosing the sample',
  answering: 'Agencies answering',
  panel: 'Panel',
  concluded: 'Concluded',
}

export const caseGrades = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const
export type CaseGrade = (typeof caseGrades)[number]
export const caseGradeNames: Record<CaseGrade, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
}
