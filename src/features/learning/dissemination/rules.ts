import type { AgencySector, Workforce } from '#features/directory/agency.ts'
import type { ProductHeadline } from '#features/learning/index.ts'

/**
 * Dissemination's rules, with no I/O: who a product is for, an agency's status for a product
 * with its reason, its reach as a share of its headcount, and when a lead is chased.
 * South Gloucestershire Appendix A: every agency shows it disseminated the learning (the
 * report shared, an agenda item at team meetings, discussion in supervision).
 */

export const disseminationStatuses = ['not_sent', 'not_acknowledged', 'acknowledged', 'disseminated'] as const
export type DisseminationStatus = (typeof disseminationStatuses)[number]

export const disseminationStatusNames: Record<DisseminationStatus, string> = {
  not_sent: 'Not sent',
  not_acknowledged: 'Not yet acknowledged',
  acknowledged: 'Acknowledged',
  disseminated: 'Disseminated',
}

/** Tags carry the words; colour only helps. */
export const disseminationStatusTags: Record<DisseminationStatus, string> = {
  not_sent: 'govuk-tag--grey',
  not_acknowledged: 'govuk-tag--red',
  acknowledged: 'govuk-tag--yellow',
  disseminated: 'govuk-tag--green',
}

export const disseminationMethods = [
  'team_meeting',
  'supervision',
  'single_agency_training',
  'email_cascade',
  'intranet',
  'other',
] as const
export type DisseminationMethod = (typeof disseminationMethods)[number]

export const disseminationMethodNames: Record<DisseminationMethod, string> = {
  team_meeting: 'Team meeting agenda item',
  supervision: 'Discussed in supervision',
  single_agency_training: 'Single-agency training',
  email_cascade: 'Emailed to staff',
  intranet: 'Published on the intranet',
  other: 'Another way',
}

export const confirmationKinds = ['read', 'supervision'] as const
export type ConfirmationKind = (typeof confirmationKinds)[number]

export const confirmationKindNames: Record<ConfirmationKind, string> = {
  read: 'I have read this',
  supervision: 'We discussed this in supervision',
}

type Audience = ProductHeadline['audience']

/**
 * Whether an agency is in a product's audience: its sector is one of the audience's sectors
 * (any, when none are named) and it works with the audience's workforce (an agency working
 * with both, or an audience of both or none, always matches). An empty audience is everyone.
 */
export function inAudience(
  agency: { sector: AgencySector; workforce: Workforce },
  audience: Audience,
): boolean {
  const sectors = audience.sectors ?? []
  if (sectors.length && !sectors.includes(agency.sector)) return false
  const workforce = audience.workforce ?? null
  if (!workforce || workforce === 'both' || agency.workforce === 'both') return true
  return agency.workforce === workforce
}

/** What an agency's status is read from: whether it was sent the product, and what it recorded. */
export type StatusFacts = { sent: boolean; acknowledgements: number; disseminations: number }

export type StatusDecision = { status: DisseminationStatus; reason: string }

/**
 * An agency's status for a product. A dissemination record makes it disseminated and an
 * acknowledgement acknowledged, whether or not it was sent through Cascade (the learning may
 * have reached it another way); otherwise it is waiting for an answer if sent, or not sent.
 * Practitioners' own confirmations are counted beside the status, not in it: the status is the
 * agency's answer.
 */
export function statusOf(facts: StatusFacts): StatusDecision {
  if (facts.disseminations > 0)
    return {
      status: 'disseminated',
      reason: `The agency recorded ${plural(facts.disseminations, 'dissemination', 'disseminations')}`,
    }
  if (facts.acknowledgements > 0)
    return {
      status: 'acknowledged',
      reason: 'The agency acknowledged it and has not yet recorded how it passed it on',
    }
  if (facts.sent)
    return { status: 'not_acknowledged', reason: 'Sent to the agency, which has not answered yet' }
  return { status: 'not_sent', reason: 'Not sent to the agency' }
}

export type Reach = {
  /** The staff the agency recorded reaching, all records added up. */
  staffReached: number
  /** Staff reached as counted for the share: the larger of the records and the people who confirmed, at most the headcount. */
  counted: number
  /** The share of the headcount reached, 0 to 100, whole; null with no headcount to share. */
  percent: number | null
  /** Whether the records add up to more than the headcount. */
  aboveHeadcount: boolean
}

/**
 * An agency's reach: its records added up, set against the people who confirmed individually
 * (who are likely among those the records count, so the larger is taken, never the sum), as a
 * share of the headcount, capped at all of it.
 */
export function reachOf(input: {
  staffReached: readonly number[]
  confirmedPeople: number
  headcount: number
}): Reach {
  const staffReached = input.staffReached.reduce((sum, n) => sum + n, 0)
  const reached = Math.max(staffReached, input.confirmedPeople)
  const counted = Math.min(reached, input.headcount)
  return {
    staffReached,
    counted,
    percent: input.headcount > 0 ? Math.round((counted / input.headcount) * 100) : null,
    aboveHeadcount: staffReached > input.headcount,
  }
}

/**
 * The warning for a new record that takes the agency's total above its headcount, or none.
 * Allowed (the headcount may be out of date, or staff counted twice across records) but said,
 * so a mistyped number is caught.
 */
export function headcountWarning(input: {
  earlier: number
  adding: number
  headcount: number
  agencyName: string
}): string | null {
  const total = input.earlier + input.adding
  if (total <= input.headcount) return null
  const added = input.earlier > 0 ? `, with ${input.earlier.toLocaleString('en-GB')} recorded before,` : ''
  return `${input.adding.toLocaleString('en-GB')} staff reached${added} is more than ${input.agencyName}’s headcount of ${input.headcount.toLocaleString('en-GB')}`
}

export type ChaseStage = 'waiting' | 'remind' | 'overdue'

/**
 * Where an agency that has not answered stands: reminded once after `days` days from when the
 * product was first sent, and listed to the sub-group after a second period with still
 * nothing. An agency that answered is never chased.
 */
export function chaseStage(input: {
  firstSentOn: string
  today: string
  days: number
  answered: boolean
}): ChaseStage {
  if (input.answered) return 'waiting'
  const elapsed = daysBetween(input.firstSentOn, input.today)
  if (elapsed >= 2 * input.days) return 'overdue'
  if (elapsed >= input.days) return 'remind'
  return 'waiting'
}

/** Whole days from one calendar date to a later one. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000)
}

/** A calendar date some days after another. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
