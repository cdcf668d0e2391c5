/**
 * What other features use of knowledge audits: the service (the home page asks whether one is
 * due), and the rule on small numbers every aggregate of people follows here.
 */

export { MINIMUM_GROUP, TOO_FEW } from './results.ts'
export type { AuditResults, DueState, KnowledgeAuditService } from './service.ts'
export { auditEditors, auditReaders } from './service.ts'
