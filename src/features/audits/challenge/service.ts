import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Database } from '#platform/db/database.ts'

export type AuditChallengeDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

export function createAuditChallengeService(deps: AuditChallengeDeps) {
  void deps
  return {}
}

export type AuditChallengeService = ReturnType<typeof createAuditChallengeService>
