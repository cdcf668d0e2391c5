import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type AuditTemplateDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createAuditTemplateService(deps: AuditTemplateDeps) {
  void deps
  return {}
}

export type AuditTemplateService = ReturnType<typeof createAuditTemplateService>
