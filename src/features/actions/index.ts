/**
 * What other features use of actions: the read model and a review's actions (the reviews
 * pages), the words for statuses, and the service that raises and tracks them. Quality
 * assurance raises actions on a self-assessment with raiseSelfAssessmentActions, in its own
 * transaction; audits raise an agency's action plan with raiseAuditReturnActions and a case
 * audit's actions with insertCaseAuditAction.
 */
export type { Action, ActionUpdate } from './queries.ts'
export {
  actionsOfAuditReturn,
  actionsOfCaseAudit,
  actionsOfQaReturn,
  actionsOfReview,
  openActionsOfReview,
} from './queries.ts'
export type { ActionPermissions, ActionService } from './service.ts'
export {
  type ActionSource,
  type ActionStatus,
  actionSources,
  actionStatuses,
  actionStatusNames,
  actionStatusTags,
  isOpen,
  isOverdue,
} from './words.ts'
export {
  closeNotAchieved,
  insertCaseAuditAction,
  raiseAuditReturnActions,
  raiseSelfAssessmentActions,
} from './writes.ts'
