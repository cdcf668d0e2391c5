/**
 * What other features use of actions: the read model and a review's actions (the reviews
 * pages), the words for statuses, and the service that raises and tracks them. Quality
 * assurance and audits raise actions through the same service as their sources are added.
 */
export type { Action, ActionUpdate } from './queries.ts'
export { actionsOfReview, openActionsOfReview } from './queries.ts'
export type { ActionPermissions, ActionService } from './service.ts'
export {
  type ActionStatus,
  actionStatuses,
  actionStatusNames,
  actionStatusTags,
  isOpen,
  isOverdue,
} from './words.ts'
export { closeNotAchieved } from './writes.ts'
