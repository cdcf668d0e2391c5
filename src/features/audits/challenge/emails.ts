import type { Email } from '#platform/mail/outbox.ts'

/** To each of the agency's leads once the reviewer has agreed or challenged every answer. */
export function reviewDoneEmail(
  to: { email: string; name: string },
  ret: { agencyName: string; cycleTitle: string },
  challenged: number,
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Your audit return has been reviewed: ${ret.cycleTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      `A reviewer for ${partnershipName} has reviewed ${ret.agencyName}’s return for ${ret.cycleTitle}.`,
      '',
      challenged
        ? `${challenged} ${challenged === 1 ? 'answer was' : 'answers were'} challenged: ${challenged === 1 ? 'it is' : 'they are'} discussed at the challenge event, where each is agreed or revised.`
        : 'Every answer was agreed: the return is concluded. Set an action for each standard rated below good in your action plan.',
      '',
      `Read the review: ${link}`,
    ].join('\n'),
  }
}
