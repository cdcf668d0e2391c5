import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'
import type { Grade } from '../words.ts'
import { gradeNames } from '../words.ts'

/** A date-only value (YYYY-MM-DD) as GOV.UK writes it: 23 November 2026. */
export const dayText = (day: string): string => londonDateText(new Date(`${day}T12:00:00Z`))

/** The observation's feedback to the session's trainer or the agency's lead, with the link to respond. */
export function feedbackEmail(
  to: { email: string; name: string },
  observation: { subject: string; observedOn: string; grade: Grade; agencyName: string | null },
  partnershipName: string,
  link: string,
): Email {
  const what = observation.agencyName
    ? `${observation.subject} (${observation.agencyName})`
    : observation.subject
  return {
    to: to.email,
    subject: `Feedback from an observation of ${observation.subject}`,
    text: [
      `Hello ${to.name},`,
      '',
      `${partnershipName} observed ${what} on ${dayText(observation.observedOn)}. The overall grade is ${gradeNames[observation.grade].toLowerCase()}.`,
      '',
      'Read the feedback, the rating of each standard, the strengths and the areas to develop, and record your response:',
      link,
      '',
      'You will need to sign in.',
    ].join('\n'),
  }
}
