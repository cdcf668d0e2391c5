import type { Email } from '#platform/mail/outbox.ts'

/** Tells a return's reviewer it is submitted and ready for them. */
export function submittedEmail(
  to: { email: string; name: string },
  r: { agencyName: string; cycleTitle: string; signedOffBy: string },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Audit return submitted for your review: ${r.agencyName}, ${r.cycleTitle}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${r.agencyName} has submitted its return for ${r.cycleTitle}, signed off by ${r.signedOffBy}. You are its reviewer for ${partnershipName}: read each answer and agree with it or challenge it.`,
      '',
      `Read the return: ${link}`,
    ].join('\n'),
  }
}
