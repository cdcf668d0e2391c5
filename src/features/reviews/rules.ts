import type { Jurisdiction } from '#features/policy/policy.ts'
import type { Role } from '#platform/auth/roles.ts'
import { workingDaysFrom } from '#platform/holidays.ts'
import type { ReviewDecision, ReviewStatus, ReviewType } from './words.ts'
import { reviewStatusNames } from './words.ts'

/**
 * A review's life, as the seeds describe it: notified, decided on (a rapid review may decide
 * "no local review", which only closes), carried out, published, its actions followed, closed.
 * Every move is explicit and kept with who made it and why.
 */

/** What a transition reads of the review. */
export type ReviewState = {
  status: ReviewStatus
  decision: ReviewDecision | null
  notifiedOn: string
  commissionedOn: string | null
}

/** The fields a transition may carry; each target needs some of them. */
export type TransitionFields = {
  decision?: ReviewDecision | null
  decisionOn?: string | null
  decisionReason?: string | null
  commissionedOn?: string | null
  publishedOn?: string | null
  reportUrl?: string | null
  closedOn?: string | null
  reason?: string | null
}

/** The columns a transition sets on the review. */
export type TransitionChange = {
  decision?: ReviewDecision
  decisionOn?: string
  decisionReason?: string
  commissionedOn?: string
  publishedOn?: string
  reportUrl?: string | null
  closedOn?: string
}

export type TransitionDecision =
  | { allowed: true; to: ReviewStatus; change: TransitionChange }
  | { allowed: false; refusal: 'state'; message: string }
  | { allowed: false; refusal: 'fields'; errors: { field: string; text: string }[] }

/** The statuses a review may move to next, in the order a page offers them. */
export function nextStatuses(review: Pick<ReviewState, 'status' | 'decision'>): ReviewStatus[] {
  switch (review.status) {
    case 'notified':
      return ['decision_made']
    case 'decision_made':
      return review.decision === 'no_review' ? ['closed'] : ['in_progress']
    case 'in_progress':
      return ['published']
    case 'published':
      return ['actions_in_progress', 'closed']
    case 'actions_in_progress':
      return ['closed']
    case 'closed':
      return []
  }
}

/** Why a review cannot move to `to` yet, in words naming what must happen first. */
function whatFirst(review: Pick<ReviewState, 'status' | 'decision'>, to: ReviewStatus): string {
  const name = reviewStatusNames[to].toLowerCase()
  if (review.status === 'closed') return 'The review is closed: nothing follows closing'
  if (to === 'notified') return 'A review cannot go back to notified'
  if (review.status === to) return `The review is already ${name}`
  if (review.decision === 'no_review')
    return 'The decision was no local review: the review can only be closed'
  if (review.status === 'notified') return `Record the decision on the review before it can be ${name}`
  if (to === 'decision_made') return 'The decision has already been recorded'
  if (review.status === 'decision_made')
    return `Mark the review as in progress, then publish it, before it can be ${name}`
  if (review.status === 'in_progress') return `Publish the review before it can be ${name}`
  return `The review is already ${reviewStatusNames[review.status].toLowerCase()}`
}

const missing = (field: string, text: string) => ({ field, text })

/**
 * Whether a review may move to `to` with the fields given, and what the move sets. Dates
 * default to `today` where the seeds let the move itself date the step (commissioning,
 * closing); a decision and a publication are dated by what happened, so they must be given.
 */
export function decideTransition(
  review: ReviewState,
  to: ReviewStatus,
  fields: TransitionFields,
  today: string,
): TransitionDecision {
  if (!nextStatuses(review).includes(to))
    return { allowed: false, refusal: 'state', message: whatFirst(review, to) }
  const errors: { field: string; text: string }[] = []
  const notBeforeNotified = (
    field: keyof TransitionFields,
    value: string | null | undefined,
    what: string,
  ) => {
    if (value && value < review.notifiedOn)
      errors.push(missing(field, `The ${what} date must be on or after the date the review was notified`))
  }
  let change: TransitionChange = {}
  switch (to) {
    case 'decision_made': {
      if (!fields.decision) errors.push(missing('decision', 'Select the decision'))
      if (!fields.decisionOn) errors.push(missing('decisionOn', 'Enter the date of the decision'))
      if (!fields.decisionReason?.trim())
        errors.push(missing('decisionReason', 'Enter the reason for the decision'))
      notBeforeNotified('decisionOn', fields.decisionOn, 'decision')
      if (fields.decision && fields.decisionOn && fields.decisionReason?.trim())
        change = {
          decision: fields.decision,
          decisionOn: fields.decisionOn,
          decisionReason: fields.decisionReason.trim(),
        }
      break
    }
    case 'in_progress': {
      const commissionedOn = fields.commissionedOn || today
      notBeforeNotified('commissionedOn', commissionedOn, 'commissioning')
      change = { commissionedOn }
      break
    }
    case 'published': {
      if (!fields.publishedOn) errors.push(missing('publishedOn', 'Enter the date the review was published'))
      notBeforeNotified('publishedOn', fields.publishedOn, 'publication')
      if (fields.publishedOn)
        change = { publishedOn: fields.publishedOn, reportUrl: fields.reportUrl || null }
      break
    }
    case 'actions_in_progress':
      break
    case 'closed': {
      const closedOn = fields.closedOn || today
      notBeforeNotified('closedOn', closedOn, 'closing')
      change = { closedOn }
      break
    }
    case 'notified':
      break
  }
  if (errors.length) return { allowed: false, refusal: 'fields', errors }
  return { allowed: true, to, change }
}

export type ClosingDecision =
  | { allowed: true; closing: { actionId: string; reason: string }[] }
  | { allowed: false; refusal: 'open' | 'role'; message: string }
  | { allowed: false; refusal: 'fields'; errors: { field: string; text: string }[] }

/**
 * A review closes once every action is verified or closed. Only an admin may close it with
 * actions still open, and then gives a reason for each: those actions close as not achieved,
 * and the reasons stay on the record.
 */
export function decideClosing(
  openActionIds: readonly string[],
  reasons: Readonly<Record<string, string>> | null | undefined,
  roles: readonly Role[],
): ClosingDecision {
  if (!openActionIds.length) return { allowed: true, closing: [] }
  const given = Object.values(reasons ?? {}).some((r) => r.trim())
  const count = `${openActionIds.length} open ${openActionIds.length === 1 ? 'action' : 'actions'}`
  if (!given)
    return {
      allowed: false,
      refusal: 'open',
      message: `The review has ${count}: each must be verified or closed first, or an admin closes the review giving a reason for each`,
    }
  if (!roles.includes('admin'))
    return { allowed: false, refusal: 'role', message: 'Only an admin may close a review with open actions' }
  const errors = openActionIds
    .filter((id) => !reasons?.[id]?.trim())
    .map((id) => ({
      field: `openActionReasons.${id}`,
      text: 'Enter why this action is closed as not achieved',
    }))
  if (errors.length) return { allowed: false, refusal: 'fields', errors }
  return {
    allowed: true,
    closing: openActionIds.map((actionId) => ({ actionId, reason: (reasons?.[actionId] ?? '').trim() })),
  }
}

/** Working Together 2023: a rapid review reaches its decision within 15 working days of notification. */
export const RAPID_REVIEW_WORKING_DAYS = 15

/**
 * The statutory date a review is due to be decided by, or null for types with none. Weekends
 * and the partnership's bank holidays are not working days.
 */
export function statutoryDueOn(
  review: { type: ReviewType; notifiedOn: string },
  jurisdiction: Jurisdiction,
): string | null {
  if (review.type !== 'rapid_review') return null
  return workingDaysFrom(jurisdiction, review.notifiedOn, RAPID_REVIEW_WORKING_DAYS)
}

/** A due date is missed when it has passed and the review is still waiting for its decision. */
export function dueMissed(review: { status: ReviewStatus }, dueOn: string | null, today: string): boolean {
  return dueOn !== null && review.status === 'notified' && today > dueOn
}
