import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type CaseAuditDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createCaseAuditService(deps: CaseAuditDeps) {
  void deps
  return {}
}

export type CaseAuditService = ReturnType<typeof createCaseAuditService>
