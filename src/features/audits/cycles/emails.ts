import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'

/** A date-only value (YYYY-MM-DD) as GOV.UK writes it: 29 January 2027. */
export const dayText = (day: string): string => londonDateText(new Date(`${day}T12:00:00Z`))

type Lead = { email: string; name: string }

/** Asks an agency's lead to complete the agency's safeguarding self-assessment. */
export function cycleOpenedEmail(
  to: Lead,
  cycle: { title: string; dueOn: string; templateTitle: string; survey: boolean },
  agencyName: string,
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Safeguarding self-assessment: ${cycle.title}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnershipName} asks ${agencyName} to complete its safeguarding self-assessment (${cycle.templateTitle}).`,
      '',
      'Rate the agency against each standard with a narrative and your evidence; colleagues you name can help. The agency’s senior lead signs the return off and submits it by the due date.',
      ...(cycle.survey
        ? [
            '',
            'An anonymous practitioner survey runs alongside: its link is on the return, to pass to your staff.',
          ]
        : []),
      '',
      `Due: ${dayText(cycle.dueOn)}`,
      '',
      `Start the self-assessment: ${link}`,
    ].join('\n'),
  }
}

/** The reminder before the due date, or the one after it, to the leads of an agency that has not submitted. */
export function cycleReminderEmail(
  to: Lead,
  r: { stage: 'before' | 'after'; cycleTitle: string; dueOn: string; agencyName: string },
  partnershipName: string,
  link: string,
): Email {
  const before = r.stage === 'before'
  return {
    to: to.email,
    subject: before
      ? `Reminder: safeguarding self-assessment due on ${dayText(r.dueOn)}: ${r.cycleTitle}`
      : `Overdue: safeguarding self-assessment was due on ${dayText(r.dueOn)}: ${r.cycleTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      before
        ? `${r.agencyName}’s safeguarding self-assessment for ${partnershipName} is due on ${dayText(r.dueOn)} and has not been submitted yet.`
        : `${r.agencyName}’s safeguarding self-assessment for ${partnershipName} was due on ${dayText(r.dueOn)} and has not been submitted. Please have your senior lead sign it off and submit it as soon as you can.`,
      '',
      `Continue the self-assessment: ${link}`,
    ].join('\n'),
  }
}
