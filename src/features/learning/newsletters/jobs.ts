import type { Jobs } from '#platform/jobs.ts'
import type { NewsletterService } from './service.ts'

export const FINISH_SENDING_JOB = 'newsletters.finish-sending'

/**
 * Every five minutes, finishes any newsletter whose sending stopped part way (the process
 * ended between batches): each batch starts from the mark the last one left, so no one gets
 * it twice and no one is missed.
 */
export function defineNewsletterJobs(jobs: Jobs, newsletters: Pick<NewsletterService, 'finishSending'>) {
  jobs.define(
    FINISH_SENDING_JOB,
    async () => {
      await newsletters.finishSending()
    },
    { cron: '*/5 * * * *' },
  )
}
