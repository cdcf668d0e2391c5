/** The kinds of review a partnership holds, local and national. */
export const reviewTypes = [
  'rapid_review',
  'cspr',
  'scr',
  'sar',
  'dhr',
  'child_death_review',
  'leder',
  'multi_agency_audit',
  'thematic',
  'national',
  'other',
] as const
export type ReviewType = (typeof reviewTypes)[number]

export const reviewTypeNames: Record<ReviewType, string> = {
  rapid_review: 'Rapid review',
  cspr: 'Local child safeguarding practice review',
  scr: 'Serious case review (legacy)',
  sar: 'Safeguarding adults review',
  dhr: 'Domestic homicide review',
  child_death_review: 'Child death review',
  leder: 'Learning from lives and deaths (LeDeR) review',
  multi_agency_audit: 'Multi-agency case-file audit',
  thematic: 'Thematic review',
  national: 'National review',
  other: 'Other review',
}

/** Where a review is in its life; moved only by the transitions in rules.ts. */
export const reviewStatuses = [
  'notified',
  'decision_made',
  'in_progress',
  'published',
  'actions_in_progress',
  'closed',
] as const
export type ReviewStatus = (typeof reviewStatuses)[number]

export const reviewStatusNames: Record<ReviewStatus, string> = {
  notified: 'Notified',
  decision_made: 'Decision made',
  in_progress: 'In progress',
  published: 'Published',
  actions_in_progress: 'Actions in progress',
  closed: 'Closed',
}

/** The GOV.UK tag colour of each status; the words always say it too. */
export const reviewStatusTags: Record<ReviewStatus, string> = {
  notified: 'govuk-tag--blue',
  decision_made: 'govuk-tag--purple',
  in_progress: 'govuk-tag--yellow',
  published: 'govuk-tag--green',
  actions_in_progress: 'govuk-tag--orange',
  closed: 'govuk-tag--grey',
}

/** What the partnership decided on notification: hold a review, or no local review. */
export const reviewDecisions = ['review', 'no_review'] as const
export type ReviewDecision = (typeof reviewDecisions)[number]

export const reviewDecisionNames: Record<ReviewDecision, string> = {
  review: 'Hold a review',
  no_review: 'No local review',
}

/** Whom a recommendation asks to act. */
export const addressees = ['partnership', 'subgroup', 'agencies', 'national'] as const
export type Addressee = (typeof addressees)[number]

export const addresseeNames: Record<Addressee, string> = {
  partnership: 'The partnership',
  subgroup: 'A sub-group',
  agencies: 'Named agencies',
  national: 'A national body',
}

/** The board's response to a recommendation; none until it is given. */
export const responses = ['accepted', 'partially_accepted', 'not_accepted'] as const
export type RecommendationResponse = (typeof responses)[number]

export const responseNames: Record<RecommendationResponse, string> = {
  accepted: 'Accepted',
  partially_accepted: 'Partially accepted',
  not_accepted: 'Not accepted',
}

export const responseTags: Record<RecommendationResponse, string> = {
  accepted: 'govuk-tag--green',
  partially_accepted: 'govuk-tag--yellow',
  not_accepted: 'govuk-tag--red',
}

/** Responses under which the board acts: their recommendations carry actions. */
export const actedOn = ['accepted', 'partially_accepted'] as const satisfies readonly RecommendationResponse[]
