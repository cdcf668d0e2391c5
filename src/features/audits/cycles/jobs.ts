import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { AuditCycleService } from './service.ts'

export const AUDIT_CYCLE_REMINDERS_JOB = 'audits.cycles.reminders'

/**
 * The audit reminders, for every partnership, once a day (London time): each pass finds from
 * the data which returns are due one and claims it as it writes the email, so a pass missed is
 * made up by the next and no agency is reminded twice.
 */
export function defineAuditCycleJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  cycles: Pick<AuditCycleService, 'remind'>,
) {
  jobs.define(
    AUDIT_CYCLE_REMINDERS_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await cycles.remind(partnership)
    },
    { cron: '25 8 * * *' },
  )
}
