import type { Email } from '#platform/mail/outbox.ts'

const londonDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' })

type Invitation = {
  name: string
  courseTitle: string
  partnership: string
  startsAt: Date
  /** When applications close and places are allocated: the policy's lead time before the start. */
  applyBy: Date
  now: Date
  courseUrl: string
}

/**
 * Tells someone who registered interest that the course has a date, and by when to apply.
 * When the allocation date has already passed, places go as applications arrive: apply now.
 */
export function dateSet(i: Invitation): Omit<Email, 'to'> {
  const open = i.applyBy > i.now
  const deadline = open ? `apply by ${londonDate.format(i.applyBy)}` : 'apply now'
  return {
    subject: `A date has been set for ${i.courseTitle}: ${deadline}`,
    text: [
      `Dear ${i.name},`,
      '',
      `You asked ${i.partnership} to tell you when ${i.courseTitle} had a date. It now has one: ${londonDate.format(i.startsAt)}.`,
      '',
      open
        ? `Apply by ${londonDate.format(i.applyBy)}. Places are allocated then, for a mix of agencies, not in the order applications arrive.`
        : 'Apply now: places are allocated as applications arrive.',
      '',
      `See the dates and apply: ${i.courseUrl}`,
      '',
      'If you did not ask to hear about this course, you can ignore this email.',
    ].join('\n'),
  }
}
