import type { Jobs } from '#platform/jobs.ts'
import type { AccountService } from './service.ts'
import type { SecondFactorService } from './two-factor/service.ts'

export const FORGET_ATTEMPTS_JOB = 'account.forget-attempts'

/**
 * Every hour, forgets the sign-in counts of minutes that have passed: a count is kept for
 * every email tried, known or not, and only its current minute matters.
 */
export function defineAccountJobs(
  jobs: Jobs,
  accounts: Pick<AccountService, 'forgetPastAttempts'>,
  secondFactors?: Pick<SecondFactorService, 'forgetExpiredChallenges'>,
) {
  jobs.define(
    FORGET_ATTEMPTS_JOB,
    async () => {
      await accounts.forgetPastAttempts()
      // Sign-ins that waited too long for their second factor, likewise.
      await secondFactors?.forgetExpiredChallenges()
    },
    { cron: '7 * * * *' },
  )
}
