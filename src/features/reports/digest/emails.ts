import type { Email } from '#platform/mail/outbox.ts'
import { money } from '#platform/views/nunjucks.ts'
import type { ReportPeriod } from '../period.ts'
import type { AgencyFacts } from './facts.ts'
import type { DigestAgency } from './queries.ts'

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`

/**
 * An agency lead's quarterly digest: a few lines on the quarter just ended and where the
 * agency stands today, and the page that has the rest (after signing in).
 */
export function digestEmail(
  to: { email: string; name: string },
  digest: { agency: DigestAgency; period: ReportPeriod; facts: AgencyFacts },
  partnership: string,
  link: string,
): Email {
  const { agency, period, facts } = digest
  const figure = (section: string, id: string) =>
    facts.sections.find((s) => s.id === section)?.figures.find((f) => f.id === id)?.value ?? 0
  const overdueReturns = facts.returnsDue.filter((r) => r.stage === 'overdue').length
  return {
    to: to.email,
    subject: `Your agency’s quarter with ${partnership}: ${agency.name}, ${period.label}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${agency.name}’s safeguarding learning in ${period.label}:`,
      '',
      `- ${plural(figure('uptake', 'staff-came'), 'member of staff', 'members of staff')} came to training, ${figure('uptake', 'uptake')}% of a headcount of ${agency.headcount.toLocaleString('en-GB')}`,
      `- ${plural(figure('no-shows', 'no-shows'), 'no-show', 'no-shows')}, charged ${money(figure('no-shows', 'no-show-charged'))}`,
      '',
      'Today:',
      '',
      `- ${facts.compliance.upToDatePercent}% of staff on a training pathway are up to date (${plural(facts.compliance.onPathway, 'person', 'people')} on a pathway)`,
      `- ${plural(facts.returnsDue.length, 'learning product waits', 'learning products wait')} for your agency to record how it passed it on${overdueReturns ? ` (${overdueReturns} overdue)` : ''}`,
      `- ${plural(facts.actions.open, 'action', 'actions')} your agency owns ${facts.actions.open === 1 ? 'is' : 'are'} open, ${facts.actions.overdue} overdue`,
      '',
      `See the whole digest, with your staff’s evaluation results (sign in first): ${link}`,
    ].join('\n'),
  }
}
