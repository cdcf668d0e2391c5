import { deliveryMethodNames } from '#features/courses/forms.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { money } from '#platform/views/nunjucks.ts'
import { financialYearName } from './forms.ts'
import type { NeedProposal } from './queries.ts'
import { daysOf } from './rules.ts'

/** What every email about a need says about it: whose it is, what it asked for, where to read it. */
type About = { name: string; partnership: string; practiceChange: string; url: string }

// The request quoted briefly, so the requester knows which of theirs the email is about.
const quoted = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text)

const days = (halfDays: number) => {
  const n = daysOf(halfDays)
  return `${n} ${n === 1 ? 'day' : 'days'}`
}

function describe(proposal: NeedProposal): string[] {
  return [
    `Recommended method: ${deliveryMethodNames[proposal.recommendedMethod]}`,
    `Estimated delivery: ${days(proposal.estimatedDeliveryHalfDays)}`,
    `Estimated cost: ${money(proposal.estimatedCostPence)}`,
    `Programme year: ${financialYearName(proposal.financialYear)}`,
  ]
}

/** The requester's acknowledgement: the request is in, and what happens next. */
export function needReceived(n: About): Omit<Email, 'to'> {
  return {
    subject: `Your training needs analysis request to ${n.partnership}`,
    text: [
      `Dear ${n.name},`,
      '',
      `Thank you for your training needs analysis request to ${n.partnership}. You asked for learning so that:`,
      '',
      quoted(n.practiceChange),
      '',
      'The learning and development sub-group will use it to make a proposal, which the executive then endorses or declines. We will email you at each step.',
      '',
      `Read your request: ${n.url}`,
    ].join('\n'),
  }
}

/** Tells the requester the sub-group has proposed how to meet their need (or changed its proposal). */
export function needProposed(n: About & { proposal: NeedProposal; revised: boolean }): Omit<Email, 'to'> {
  return {
    subject: n.revised
      ? 'The proposal for your training request has changed'
      : 'A proposal has been made for your training request',
    text: [
      `Dear ${n.name},`,
      '',
      `The learning and development sub-group has ${n.revised ? 'changed its proposal' : 'made a proposal'} for your request:`,
      '',
      quoted(n.practiceChange),
      '',
      ...describe(n.proposal),
      '',
      'The executive will now endorse or decline it. We will email you when it has.',
      '',
      `Read the proposal: ${n.url}`,
    ].join('\n'),
  }
}

export function needEndorsed(
  n: About & { proposal: NeedProposal; reason: string | null },
): Omit<Email, 'to'> {
  return {
    subject: 'Your training request has been endorsed',
    text: [
      `Dear ${n.name},`,
      '',
      `The executive of ${n.partnership} has endorsed the proposal for your request:`,
      '',
      quoted(n.practiceChange),
      '',
      ...describe(n.proposal),
      ...(n.reason ? ['', n.reason] : []),
      '',
      'It will be planned into the programme for that year.',
      '',
      `Read it: ${n.url}`,
    ].join('\n'),
  }
}

export function needDeclined(n: About & { reason: string }): Omit<Email, 'to'> {
  return {
    subject: 'Your training request has been declined',
    text: [
      `Dear ${n.name},`,
      '',
      `The executive of ${n.partnership} has declined the proposal for your request:`,
      '',
      quoted(n.practiceChange),
      '',
      'The reason they gave:',
      '',
      n.reason,
      '',
      `Read it: ${n.url}`,
    ].join('\n'),
  }
}
