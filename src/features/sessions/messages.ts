import { endApplicationsOfCancelled } from '#features/booking/queries.ts'
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
 * Tells everyone on a session that it is cancelled, in the cancelling transaction: its
 * trainers, and each applicant or delegate and their line manager, whose applications end
 * without charge.
 */
export async function cancellationEmails(
  sql: Sql,
  partnershipId: string,
  session: Pick<Session, 'id' | 'courseTitle' | 'parts' | 'trainers'>,
  reason: string,
  now: Date,
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
  const applicants = await endApplicationsOfCancelled(sql, session.id, now)
  for (const applicant of applicants) {
    const what = applicant.status === 'confirmed' ? 'place' : 'application'
    const lines = [
      `The partnership has cancelled the session of ${session.courseTitle}:`,
      '',
      whenText(session),
      '',
      `Why: ${reason}`,
      '',
    ]
    const catalogue = 'Other dates of the course are in the partnership’s catalogue.'
    await enqueueEmail(sql, partnershipId, {
      to: applicant.email,
      subject: `Cancelled: ${session.courseTitle}`,
      text: [
        `Dear ${applicant.name},`,
        '',
        ...lines,
        `Your ${what} has ended, with no charge to your agency. ${catalogue}`,
      ].join('\n'),
    })
    if (applicant.managerEmail.toLowerCase() !== applicant.email.toLowerCase())
      await enqueueEmail(sql, partnershipId, {
        to: applicant.managerEmail,
        subject: `Cancelled: ${session.courseTitle}, for ${applicant.name}`,
        text: [
          'Hello,',
          '',
          ...lines,
          `${applicant.name}’s ${what} has ended, with no charge to the agency. ${catalogue}`,
          '',
          `You are receiving this as ${applicant.name}’s line manager. We have written to ${applicant.name} too.`,
        ].join('\n'),
      })
  }
  return session.trainers.length + applicants.length
}
