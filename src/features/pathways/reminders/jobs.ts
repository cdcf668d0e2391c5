import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { PathwayReminders } from './service.ts'

export const PATHWAY_REMINDERS_JOB = 'pathways.reminders'
export const PATHWAY_SUMMARY_JOB = 'pathways.lead-summary'

/**
 * Each morning, reminders of training lapsing in three months or one; on the first of each
 * month, each agency's summary to its leads. Both claim what they send, so a pass missed is
 * made up by the next and nothing goes twice.
 */
export function definePathwayJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  reminders: PathwayReminders,
) {
  jobs.define(
    PATHWAY_REMINDERS_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await reminders.remind(partnership)
    },
    { cron: '40 7 * * *' },
  )
  jobs.define(
    PATHWAY_SUMMARY_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await reminders.summarise(partnership)
    },
    // Daily, so a first of the month missed is made up on the second: each agency's summary is claimed once a month.
    { cron: '50 7 * * *' },
  )
}
