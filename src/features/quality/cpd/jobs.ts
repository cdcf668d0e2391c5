import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { CpdService } from './service.ts'

export const CPD_CHASING_JOB = 'trainers.cpd-chasing'

/**
 * The CPD questionnaire's request and reminder, for every partnership, each morning (London
 * time): each pass finds from the data who is due one and claims it as it writes the email, so
 * a pass missed is made up by the next and no one is asked twice.
 */
export function defineCpdJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  cpd: Pick<CpdService, 'chase'>,
) {
  jobs.define(
    CPD_CHASING_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await cpd.chase(partnership)
    },
    { cron: '20 7 * * *' },
  )
}
