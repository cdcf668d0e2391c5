import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { KnowledgeAuditService } from './service.ts'

export const KNOWLEDGE_AUDIT_REMINDERS_JOB = 'knowledge-audits.reminders'

/**
 * The knowledge audits' reminders, for every partnership, hourly through the working day
 * (London time): each pass finds from the data who is due one, and claims it as it writes the
 * email, so a pass missed is made up by the next and no one is reminded twice.
 */
export function defineKnowledgeAuditJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  audits: Pick<KnowledgeAuditService, 'remindDue'>,
) {
  jobs.define(
    KNOWLEDGE_AUDIT_REMINDERS_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await audits.remindDue(partnership)
    },
    { cron: '40 7-18 * * 1-5' },
  )
}
