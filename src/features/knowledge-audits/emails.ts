import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'

/** A date-only value (YYYY-MM-DD) as GOV.UK writes it: 8 December 2026. */
export const dayText = (day: string): string => londonDateText(new Date(`${day}T12:00:00Z`))

const privacy =
  'Your answers are seen only by the partnership’s administrators. Agencies and the board see totals only, and never for fewer than 5 people.'

/** The invitation: chosen at random, what it is for, how long it takes, and the personal link. */
export function invitationEmail(
  to: { email: string; firstName: string },
  audit: { title: string; closesOn: string },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `A short quiz on what you have learned: ${audit.title}`,
    text: [
      `Hello ${to.firstName},`,
      '',
      `${partnershipName} checks every six months how well what it has learned from case reviews and its briefings has reached practitioners. You have been chosen at random to answer a short quiz: it takes about 5 minutes and you do not need to sign in.`,
      '',
      `Answer by ${dayText(audit.closesOn)}:`,
      link,
      '',
      privacy,
      '',
      'This link is yours alone: please do not forward it.',
    ].join('\n'),
  }
}

/** The one reminder, a week on, to those who have not answered. */
export function reminderEmail(
  to: { email: string; firstName: string },
  audit: { title: string; closesOn: string },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Reminder: a short quiz on what you have learned: ${audit.title}`,
    text: [
      `Hello ${to.firstName},`,
      '',
      `A week ago ${partnershipName} asked you to answer a short quiz on what you have learned. It takes about 5 minutes and closes on ${dayText(audit.closesOn)}. This is the only reminder.`,
      '',
      link,
      '',
      privacy,
    ].join('\n'),
  }
}
