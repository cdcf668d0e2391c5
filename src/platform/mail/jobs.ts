import type { Jobs } from '../jobs.ts'
import type { MailSender } from './sender.ts'

const BATCH = 20
/** Mail written within this long of the first is sent by the same run. */
const GATHER_MS = 200

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
  // On a busy morning every application writes mail: one run a moment later sends all of it,
  // rather than a job queued for each.
  let gathering: ReturnType<typeof setTimeout> | null = null
  return {
    /** Asks for a send now; the minute sweep catches anything this misses. */
    sendNow(): void {
      if (gathering) return
      gathering = setTimeout(() => {
        gathering = null
        jobs.send('mail.send').catch(() => {})
      }, GATHER_MS)
      gathering.unref()
    },
  }
}
