import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'
import type { Outcome } from '../words.ts'
import { outcomeNames } from '../words.ts'

/** A date-only value (YYYY-MM-DD) as GOV.UK writes it: 8 December 2026. */
export const dayText = (day: string): string => londonDateText(new Date(`${day}T12:00:00Z`))

type Lead = { email: string; name: string }

/** Asks an agency's lead to assess the agency's single-agency safeguarding training. */
export function roundOpenedEmail(
  to: Lead,
  round: { title: string; dueOn: string },
  agencyName: string,
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Self-assessment of your single-agency training: ${round.title}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnershipName} asks ${agencyName} to assess its single-agency safeguarding training against the partnership’s training standards.`,
      '',
      'List your single-agency safeguarding courses, rate each against every standard with a narrative and your evidence, and submit by the due date. You can save and come back to it.',
      '',
      `Due: ${dayText(round.dueOn)}`,
      '',
      `Start the self-assessment: ${link}`,
    ].join('\n'),
  }
}

/** The reminder before the due date, or the one after it, to the leads of an agency that has not submitted. */
export function reminderEmail(
  to: Lead,
  r: { stage: 'before' | 'after'; roundTitle: string; dueOn: string; agencyName: string },
  partnershipName: string,
  link: string,
): Email {
  const before = r.stage === 'before'
  return {
    to: to.email,
    subject: before
      ? `Reminder: self-assessment due on ${dayText(r.dueOn)}: ${r.roundTitle}`
      : `Overdue: self-assessment was due on ${dayText(r.dueOn)}: ${r.roundTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      before
        ? `${agencyText(r.agencyName)} self-assessment of its single-agency training for ${partnershipName} is due on ${dayText(r.dueOn)} and has not been submitted yet.`
        : `${agencyText(r.agencyName)} self-assessment of its single-agency training for ${partnershipName} was due on ${dayText(r.dueOn)} and has not been submitted. Please submit it as soon as you can.`,
      '',
      `Continue the self-assessment: ${link}`,
    ].join('\n'),
  }
}

const agencyText = (name: string) => `${name}’s`

/** The reviewer's feedback, to the agency's leads. */
export function feedbackEmail(
  to: Lead,
  r: { roundTitle: string; agencyName: string; outcome: Outcome; actions: number },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Feedback on your self-assessment: ${r.roundTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      `A reviewer for ${partnershipName} has given feedback on ${agencyText(r.agencyName)} self-assessment of its single-agency training.`,
      '',
      `Outcome: ${outcomeNames[r.outcome]}`,
      ...(r.actions
        ? [
            `${r.actions} ${r.actions === 1 ? 'action was' : 'actions were'} raised for your agency: record progress on each in Our actions.`,
          ]
        : []),
      '',
      `Read the feedback: ${link}`,
    ].join('\n'),
  }
}
