import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { RoundService } from './service.ts'

export const QA_ROUND_REMINDERS_JOB = 'quality.rounds.reminders'

/**
 * The self-assessment reminders, for every partnership, once a day (London time): each pass
 * finds from the data which returns are due one and claims it as it writes the email, so a pass
 * missed is made up by the next and no agency is reminded twice.
 */
export function defineQaRoundJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  rounds: Pick<RoundService, 'remindDue'>,
) {
  jobs.define(
    QA_ROUND_REMINDERS_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await rounds.remindDue(partnership)
    },
    { cron: '20 8 * * *' },
  )
}
