import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type AuditReturnDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createAuditReturnService(deps: AuditReturnDeps) {
  void deps
  return {}
}

export type AuditReturnService = ReturnType<typeof createAuditReturnService>
