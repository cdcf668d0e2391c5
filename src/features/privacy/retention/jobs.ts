import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { RetentionService } from './service.ts'

export const RETENTION_JOB = 'privacy.retention'

/**
 * Once a month, early on the first (London time), every partnership's records past their
 * retention period are anonymised. A run missed is made up by the next, which finds the same
 * records still due; `{ dryRun: true }` records what would change and changes nothing.
 */
export function defineRetentionJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  retention: Pick<RetentionService, 'run'>,
) {
  jobs.define(
    RETENTION_JOB,
    async (data) => {
      for (const partnership of await partnerships.list())
        await retention.run(partnership, { dryRun: data.dryRun === true })
    },
    { cron: '30 2 1 * *' },
  )
}
