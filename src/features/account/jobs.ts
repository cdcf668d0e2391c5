import type { Jobs } from '#platform/jobs.ts'
import type { AccountService } from './service.ts'

export const FORGET_ATTEMPTS_JOB = 'account.forget-attempts'

/**
 * Every hour, forgets the sign-in counts of minutes that have passed: a count is kept for
 * every email tried, known or not, and only its current minute matters.
 */
export function defineAccountJobs(jobs: Jobs, accounts: Pick<AccountService, 'forgetPastAttempts'>) {
  jobs.define(
    FORGET_ATTEMPTS_JOB,
    async () => {
      await accounts.forgetPastAttempts()
    },
    { cron: '7 * * * *' },
  )
}
