import { dayText } from '#features/actions/chasing-emails.ts'
import type { Email } from '#platform/mail/outbox.ts'
import type { AgencySummary, ClaimedReminder } from './queries.ts'

/** One email to a person for every requirement of theirs lapsing soon, with where to book. */
export function reminderEmail(
  reminders: readonly ClaimedReminder[],
  partnership: string,
  link: string,
): Email {
  const [first] = reminders as [ClaimedReminder]
  const soonest = reminders.reduce((a, b) => (b.dueOn < a.dueOn ? b : a), first)
  return {
    to: first.email,
    subject: `Your safeguarding training needs refreshing by ${dayText(soonest.dueOn)}`,
    text: [
      `Dear ${first.firstName},`,
      '',
      `Your ${first.pathway} with ${partnership} asks you to keep this training up to date:`,
      '',
      ...reminders.map((r) => `- ${r.requirement}: refresh by ${dayText(r.dueOn)}`),
      '',
      'Book a course that meets it, or record learning you have done elsewhere for your agency lead to verify:',
      link,
      '',
      'You are sent this three months and again one month before training lapses.',
    ].join('\n'),
  }
}

/** An agency lead's monthly summary of their agency's staff against their pathways. */
export function summaryEmail(
  to: { email: string; name: string },
  agency: AgencySummary,
  partnership: string,
  link: string,
): Email {
  const line = (n: number, words: string) => `- ${n} ${n === 1 ? 'person' : 'people'} ${words}`
  return {
    to: to.email,
    subject: `Safeguarding training this month: ${agency.agencyName}`,
    text: [
      `Dear ${to.name},`,
      '',
      `How ${agency.agencyName}’s staff stand against their ${partnership} training pathways:`,
      '',
      line(agency.current, 'up to date'),
      line(agency.dueSoon, 'due within 3 months'),
      line(agency.overdue, 'overdue'),
      line(agency.notEvidenced, 'with training not evidenced'),
      line(agency.noPathway, 'with no pathway set'),
      '',
      agency.awaiting
        ? `${agency.awaiting} piece${agency.awaiting === 1 ? '' : 's'} of learning evidence ${agency.awaiting === 1 ? 'waits' : 'wait'} for you to verify.`
        : 'No learning evidence is waiting for you.',
      '',
      `See your staff (sign in first): ${link}`,
    ].join('\n'),
  }
}
