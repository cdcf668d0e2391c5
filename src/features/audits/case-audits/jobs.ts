import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { CaseAuditService } from './service.ts'

export const ESCALATION_CHASING_JOB = 'audits.case-audits.escalation-chasing'

/**
 * Escalations not acknowledged after a working day, for every partnership, each working hour:
 * an escalation is urgent, so a chaser should not wait for the next morning's batch. Each notice
 * is claimed as its chaser is written, so it is chased once whatever the runs.
 */
export function defineCaseAuditJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  caseAudits: Pick<CaseAuditService, 'chaseEscalations'>,
) {
  jobs.define(
    ESCALATION_CHASING_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await caseAudits.chaseEscalations(partnership)
    },
    { cron: '15 8-18 * * 1-5' },
  )
}
