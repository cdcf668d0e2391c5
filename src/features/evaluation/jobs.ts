import type { Jobs } from '#platform/jobs.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { EvaluationCycle } from './cycle.ts'
import type { TelephoneService } from './telephone.ts'

export const EVALUATION_JOB = 'evaluation.cycle'
export const TELEPHONE_JOB = 'evaluation.telephone'

/**
 * The evaluation's scheduled work, for every partnership: after-course invitations and
 * reminders, follow-ups and word to managers every quarter hour, and on the first of each
 * month the telephone sample. Each pass finds what is due from the data, so a second run
 * sends nothing more.
 */
export function defineEvaluationJobs(
  jobs: Jobs,
  partnerships: Pick<Partnerships, 'list'>,
  cycle: Pick<EvaluationCycle, 'inviteAfterCourse' | 'remindAfterCourse' | 'inviteFollowUp' | 'tellManagers'>,
  telephone: Pick<TelephoneService, 'drawDue'>,
) {
  jobs.define(
    EVALUATION_JOB,
    async () => {
      for (const partnership of await partnerships.list()) {
        await cycle.inviteAfterCourse(partnership)
        await cycle.remindAfterCourse(partnership)
        await cycle.inviteFollowUp(partnership)
        await cycle.tellManagers(partnership)
      }
    },
    { cron: '*/15 * * * *' },
  )
  jobs.define(
    TELEPHONE_JOB,
    async () => {
      for (const partnership of await partnerships.list()) await telephone.drawDue(partnership)
    },
    { cron: '0 6 1 * *' },
  )
}
