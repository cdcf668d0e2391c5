/** The words quality assurance uses on screen and in the API, from DOMAIN.md. */

export const ratings = ['met', 'partly_met', 'not_met', 'not_applicable'] as const
export type Rating = (typeof ratings)[number]
export const ratingNames: Record<Rating, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'Not applicable',
}

export const outcomes = ['assured', 'assured_with_actions', 'not_assured'] as const
export type Outcome = (typeof outcomes)[number]
export const outcomeNames: Record<Outcome, string> = {
  assured: 'Assured',
  assured_with_actions: 'Assured with actions',
  not_assured: 'Not assured',
}

export const grades = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const
export type Grade = (typeof grades)[number]
export const gradeNames: Record<Grade, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
}

export const returnStatuses = ['not_started', 'in_progress', 'submitted', 'reviewed'] as const
export type ReturnStatus = (typeof returnStatuses)[number]
export const returnStatusNames: Record<ReturnStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  submitted: 'Submitted',
  reviewed: 'Reviewed',
}
/** GOV.UK tag colours, always beside the status's words. */
export const returnStatusTags: Record<ReturnStatus, string> = {
  not_started: 'govuk-tag--grey',
  in_progress: 'govuk-tag--blue',
  submitted: 'govuk-tag--yellow',
  reviewed: 'govuk-tag--green',
}

/** Who runs quality assurance: admins and the learning and development sub-group. */
export const qaOverseers = ['admin', 'subgroup'] as const
/** Who may read its summaries and rounds besides: the executive. */
export const qaReaders = ['admin', 'subgroup', 'executive'] as const
