/** An action's status, as stored and as the API names it. */
export const actionStatuses = [
  'not_started',
  'on_track',
  'at_risk',
  'completed',
  'verified',
  'closed_not_achieved',
] as const
export type ActionStatus = (typeof actionStatuses)[number]

/** Statuses an owner may set with a progress update; verified and closing are someone else's to set. */
export const ownerStatuses = [
  'not_started',
  'on_track',
  'at_risk',
  'completed',
] as const satisfies readonly ActionStatus[]

/** An action still to be signed off: it keeps its review open. */
export const openStatuses = [
  'not_started',
  'on_track',
  'at_risk',
  'completed',
] as const satisfies readonly ActionStatus[]

/** An action whose work is still to do: past its due date, it is overdue. */
export const unfinishedStatuses = [
  'not_started',
  'on_track',
  'at_risk',
] as const satisfies readonly ActionStatus[]

export const isOpen = (status: ActionStatus): boolean => (openStatuses as readonly string[]).includes(status)

/** Overdue is derived, never stored: work still to do on a due date before today. */
export const isOverdue = (action: { status: ActionStatus; dueOn: string }, today: string): boolean =>
  (unfinishedStatuses as readonly string[]).includes(action.status) && action.dueOn < today

export const actionStatusNames: Record<ActionStatus, string> = {
  not_started: 'Not started',
  on_track: 'On track',
  at_risk: 'At risk',
  completed: 'Completed, awaiting verification',
  verified: 'Verified',
  closed_not_achieved: 'Closed, not achieved',
}

/** The GOV.UK tag colour for each status; the words always say it too, never the colour alone. */
export const actionStatusTags: Record<ActionStatus, string> = {
  not_started: 'govuk-tag--grey',
  on_track: 'govuk-tag--green',
  at_risk: 'govuk-tag--orange',
  completed: 'govuk-tag--blue',
  verified: 'govuk-tag--turquoise',
  closed_not_achieved: 'govuk-tag--red',
}

/** Where an action comes from: a case review's recommendation, an agency's self-assessment of its
 * training, an agency's safeguarding audit return, or a case audit's recommendation. */
export const actionSources = ['recommendation', 'self_assessment', 'audit_return', 'case_audit'] as const
export type ActionSource = (typeof actionSources)[number]
