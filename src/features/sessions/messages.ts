import { londonDateText, londonTimeText } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { Session } from './queries.ts'

/** When a session runs, in words: "4 March 2027, 9am to 12pm", one line per part. */
export function whenText(session: Pick<Session, 'parts'>): string {
  return session.parts
    .map((p) => `${londonDateText(p.startsAt)}, ${londonTimeText(p.startsAt)} to ${londonTimeText(p.endsAt)}`)
    .join('\n')
}

/**
 * Tells the session's trainers it is cancelled, in the cancelling transaction. Applicants and
 * confirmed delegates are told by booking, which owns who holds a place.
 */
export async function cancellationEmails(
  sql: Sql,
  partnershipId: string,
  session: Pick<Session, 'courseTitle' | 'parts' | 'trainers'>,
  reason: string,
): Promise<number> {
  for (const trainer of session.trainers) {
    await enqueueEmail(sql, partnershipId, {
      to: trainer.email,
      subject: `Cancelled: ${session.courseTitle}`,
      text: [
        `Dear ${trainer.name},`,
        '',
        `The session of ${session.courseTitle} you were to train on has been cancelled:`,
        '',
        whenText(session),
        '',
        `Why: ${reason}`,
        '',
        'You do not need to do anything.',
      ].join('\n'),
    })
  }
  return session.trainers.length
}
