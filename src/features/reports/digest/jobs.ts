import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { DigestMail } from './mail.ts'

export const AGENCY_DIGEST_JOB = 'reports.agency-digest'

/**
 * Each agency's leads are sent the digest of the quarter just ended. The pass runs daily, so a
 * first day of the quarter missed is made up the next: each agency's quarter is claimed once.
 */
export function defineDigestJobs(jobs: Jobs, partnerships: Pick<Partnerships, 'list'>, mail: DigestMail) {
  jobs.define(
    AGENCY_DIGEST_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await mail.send(partnership)
    },
    { cron: '55 7 * * *' },
  )
}
