import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'
import type { Action } from './queries.ts'
import { actionStatusNames } from './words.ts'

/**
 * The chasing emails' words. An action is named by its review's reference and anonymised title
 * only: the register holds no child's or adult's name, and an email must not add one.
 */

/** Where an email's links go: each action's page, the reader's own actions, and every action. */
export type Links = { action: (id: string) => string; ours: string; all: string }

/** A date-only value (YYYY-MM-DD) as GOV.UK writes it: 8 December 2026. */
export function dayText(day: string): string {
  // Noon UTC is the same calendar day in London, summer or winter.
  return londonDateText(new Date(`${day}T12:00:00Z`))
}

// The action quoted briefly, so the reader knows which one it is without the whole text.
const quoted = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text)

const reviewOf = (a: Action) =>
  a.source !== 'recommendation'
    ? a.sourceText
    : a.reviewReference
      ? `${a.reviewReference} (${a.reviewTitle ?? 'untitled'})`
      : 'No review'

const subjectSource = (a: Action) =>
  a.source === 'recommendation'
    ? (a.reviewReference ?? 'case review')
    : a.source === 'self_assessment'
      ? 'self-assessment'
      : a.sourceText

const ownerOf = (a: Action) => a.owningAgencyName ?? a.owningSubgroupName ?? 'no agency or sub-group'

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** One action as a list item: review, what, who owns it, when it is due, and its link. */
function item(a: Action, links: Links): string[] {
  return [
    `- ${reviewOf(a)}: ${quoted(a.description)}`,
    `  Owner: ${a.ownerName}, ${ownerOf(a)}`,
    `  Due: ${dayText(a.dueOn)}. Status: ${actionStatusNames[a.status]}${a.overdue ? ', overdue' : ''}`,
    `  ${links.action(a.id)}`,
  ]
}

/** Tells an action's owner it falls due within two weeks. */
export function dueReminder(a: Action, partnership: string, links: Links): Email {
  return {
    to: a.ownerEmail,
    subject: `Action due on ${dayText(a.dueOn)}: ${subjectSource(a)}`,
    text: [
      `Dear ${a.ownerName},`,
      '',
      `An action you own for ${partnership} is due on ${dayText(a.dueOn)}.`,
      '',
      `Review: ${reviewOf(a)}`,
      `Action: ${quoted(a.description)}`,
      `Owned by: ${ownerOf(a)}`,
      `Status: ${actionStatusNames[a.status]}`,
      '',
      'Record your progress and the evidence that practice has changed. If it cannot be done by then, say why and ask for a later date.',
      '',
      `Update the action: ${links.action(a.id)}`,
    ].join('\n'),
  }
}

/** The week's overdue actions for one person: those they own, and those an agency they lead owns. */
export function overdueDigest(
  to: { email: string; name: string },
  own: readonly Action[],
  agency: readonly Action[],
  partnership: string,
  links: Links,
): Email {
  const total = own.length + agency.length
  return {
    to: to.email,
    subject: `${plural(total, 'action is', 'actions are')} overdue`,
    text: [
      `Dear ${to.name},`,
      '',
      `${plural(total, 'action', 'actions')} from ${partnership}’s case reviews ${total === 1 ? 'is' : 'are'} past ${total === 1 ? 'its' : 'their'} due date.`,
      ...(own.length
        ? ['', `Yours (${own.length}):`, '', ...own.flatMap((a) => [...item(a, links), ''])]
        : ['']),
      ...(agency.length
        ? [`Your agency’s (${agency.length}):`, '', ...agency.flatMap((a) => [...item(a, links), ''])]
        : []),
      'Record progress on each, or ask for a later date and say why.',
      '',
      `See all your actions: ${links.ours}`,
    ].join('\n'),
  }
}

/** The month's summary for the sub-group: every action overdue or at risk. */
export function subgroupSummary(
  to: { email: string; name: string },
  actions: readonly Action[],
  month: string,
  partnership: string,
  links: Links,
): Email {
  const overdue = actions.filter((a) => a.overdue).length
  const atRisk = actions.filter((a) => !a.overdue && a.status === 'at_risk').length
  return {
    to: to.email,
    subject: `Actions overdue or at risk: ${monthText(month)}`,
    text: [
      `Dear ${to.name},`,
      '',
      `${partnership} has ${plural(actions.length, 'action', 'actions')} from case reviews needing the sub-group’s attention: ${overdue} overdue and ${atRisk} at risk.`,
      '',
      ...actions.flatMap((a) => [...item(a, links), '']),
      `See every action: ${links.all}`,
    ].join('\n'),
  }
}

const monthName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' })

/** A calendar month (YYYY-MM) in words: December 2026. */
function monthText(month: string): string {
  return monthName.format(new Date(`${month}-01T12:00:00Z`))
}
