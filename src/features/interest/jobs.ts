import type { Jobs } from '#platform/jobs.ts'
import type { InterestService } from './service.ts'

export const INVITE_JOB = 'interest.invite'

/**
 * Every minute, invites those who registered interest in a course that now has a date. The
 * sessions service need not know about interest: the job finds what changed.
 */
export function defineInterestJobs(jobs: Jobs, interest: Pick<InterestService, 'inviteWaiting'>) {
  jobs.define(
    INVITE_JOB,
    async () => {
      await interest.inviteWaiting()
    },
    { cron: '* * * * *' },
  )
}
