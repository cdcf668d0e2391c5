import { dayText } from '#features/quality/rounds/emails.ts'
import type { Email } from '#platform/mail/outbox.ts'

type Lead = { email: string; name: string }

/** Asks an agency's named lead to answer the audit's questions for its cases. */
export function sentToAgenciesEmail(
  to: Lead,
  audit: { title: string; dueOn: string },
  agencyName: string,
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Case audit: please answer for ${agencyName}: ${audit.title}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnershipName} asks ${agencyName} to answer the questions of its multi-agency case audit, ${audit.title}, for each case in the sample your agency holds a case reference for.`,
      '',
      `Answer by: ${dayText(audit.dueOn)}`,
      '',
      `Open the case audit: ${link}`,
    ].join('\n'),
  }
}

/**
 * Tells an agency's named lead at once that a case of the audit carries current risk. It names
 * only the agency's own case reference and the audit's title: nothing else of the case, not
 * even the reason, which is read on the escalation's page after signing in.
 */
export function escalationEmail(
  to: Lead,
  e: { auditTitle: string; agencyName: string; reference: string },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Urgent: a case in the audit ${e.auditTitle} carries current risk`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnershipName}’s case audit ${e.auditTitle} has found that a case ${e.agencyName} holds carries current risk. Please act on it now under your agency’s safeguarding procedures.`,
      '',
      `Your agency’s case reference: ${e.reference}`,
      '',
      `Read why, and acknowledge the escalation saying what your agency has done: ${link}`,
    ].join('\n'),
  }
}

/**
 * The escalation again, to every lead of an agency that has not acknowledged it after a working
 * day. As the first, it names only the agency's own case reference and the audit's title.
 */
export function escalationChaserEmail(
  to: Lead,
  e: { auditTitle: string; agencyName: string; reference: string; raisedOn: string },
  partnershipName: string,
  link: string,
): Email {
  return {
    to: to.email,
    subject: `Urgent, not yet acknowledged: a case in the audit ${e.auditTitle} carries current risk`,
    text: [
      `Dear ${to.name},`,
      '',
      `On ${dayText(e.raisedOn)} ${partnershipName}’s case audit ${e.auditTitle} found that a case ${e.agencyName} holds carries current risk. ${e.agencyName} has not yet acknowledged it. Please make sure it is acted on now under your agency’s safeguarding procedures.`,
      '',
      `Your agency’s case reference: ${e.reference}`,
      '',
      `Read why, and acknowledge the escalation saying what your agency has done: ${link}`,
    ].join('\n'),
  }
}
