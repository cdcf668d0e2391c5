/**
 * What other features use of dissemination: sending a product to its audience's agencies
 * inside their own transaction (publishing does), and each agency's reach of products, which
 * knowledge audits set their results beside and reports read.
 */

export {
  type DisseminationStatus,
  disseminationStatuses,
  disseminationStatusNames,
  disseminationStatusTags,
} from './rules.ts'
export type { AgencyReach, SendOptions, SendResult } from './service.ts'
export { reachOf, sendToAgencies } from './service.ts'
