import type { Jobs } from '../jobs.ts'
import type { MailSender } from './sender.ts'

const BATCH = 20

/**
 * The `mail.send` job sweeps the outbox every minute, and runs at once when a change that
 * wrote mail commits. It keeps sending while whole batches come back, so a burst drains.
 */
export function defineMailJobs(jobs: Jobs, sender: MailSender) {
  jobs.define(
    'mail.send',
    async () => {
      for (;;) {
        const { sent, failed, retried } = await sender.sendDue(BATCH)
        if (sent + failed + retried < BATCH) return
      }
    },
    { cron: '* * * * *' },
  )
  return {
    /** Asks for a send now; the minute sweep catches anything this misses. */
    sendNow(): void {
      jobs.send('mail.send').catch(() => {})
    },
  }
}
