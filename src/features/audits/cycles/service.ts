import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type AuditCycleDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createAuditCycleService(deps: AuditCycleDeps) {
  void deps
  return {}
}

export type AuditCycleService = ReturnType<typeof createAuditCycleService>
