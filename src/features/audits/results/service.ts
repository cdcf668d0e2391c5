import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type AuditResultsDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createAuditResultsService(deps: AuditResultsDeps) {
  void deps
  return {}
}

export type AuditResultsService = ReturnType<typeof createAuditResultsService>
