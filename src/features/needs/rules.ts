import { financialYearOf } from '#features/programme/rules.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { NeedStatus } from './forms.ts'

/** What can be done to a need. Proposing a need already proposed revises the proposal. */
export const needMoves = ['propose', 'endorse', 'decline'] as const
export type NeedMove = (typeof needMoves)[number]

type MoveRule = { from: readonly NeedStatus[]; to: NeedStatus; by: readonly Role[] }

// North Somerset appendix one: "the learning and development subgroup will use this
// information to create a proposal that we will take to the Executive meeting for endorsement."
// A partnership admin (the business unit) can act for either group.
const moveRules: Record<NeedMove, MoveRule> = {
  // The sub-group may revise its proposal until the executive decides.
  propose: { from: ['requested', 'proposed'], to: 'proposed', by: ['subgroup', 'admin'] },
  endorse: { from: ['proposed'], to: 'endorsed', by: ['executive', 'admin'] },
  decline: { from: ['proposed'], to: 'declined', by: ['executive', 'admin'] },
}

/** The roles that may make a move, wherever the need is: what a route and a service admit. */
export function rolesFor(move: NeedMove): readonly Role[] {
  return moveRules[move].by
}

/** An endorsed or declined need is final: nothing moves it again. */
export function isFinal(status: NeedStatus): boolean {
  switch (status) {
    case 'endorsed':
    case 'declined':
      return true
    case 'requested':
    case 'proposed':
      return false
  }
}

export type MoveDecision =
  | { allowed: true; to: NeedStatus }
  | { allowed: false; refusal: 'role' | 'state' | 'reason'; message: string }

function wrongState(status: NeedStatus, move: NeedMove): string {
  switch (status) {
    case 'endorsed':
    case 'declined':
      return `This need was ${status} already: the executive’s decision is final`
    case 'requested':
      return move === 'endorse'
        ? 'Only a proposal can be endorsed: the sub-group has not proposed this need yet'
        : 'Only a proposal can be declined: the sub-group has not proposed this need yet'
    case 'proposed':
      // Every move starts from a proposal; named only so that a new state cannot be missed.
      return `A proposed need cannot be moved by ${move}`
  }
}

/**
 * Whether an actor with these roles may make this move on a need in this state, and where
 * the need goes. Checked in this order: the role, then the state, then the reason a decline
 * needs, so the answer names the first thing that stops it.
 */
export function decideMove(
  status: NeedStatus,
  move: NeedMove,
  roles: readonly Role[],
  reason?: string | null,
): MoveDecision {
  const rule = moveRules[move]
  if (!rule.by.some((role) => roles.includes(role)))
    return {
      allowed: false,
      refusal: 'role',
      message:
        move === 'propose'
          ? 'Only the L&D sub-group or a partnership admin can propose how to meet a need'
          : 'Only the executive or a partnership admin can endorse or decline a proposal',
    }
  if (!rule.from.includes(status))
    return { allowed: false, refusal: 'state', message: wrongState(status, move) }
  // The requester is told why their need will not be met.
  if (move === 'decline' && !reason?.trim())
    return {
      allowed: false,
      refusal: 'reason',
      message: 'Enter why the proposal is declined: the requester is sent it',
    }
  return { allowed: true, to: rule.to }
}

/** The moves an actor with these roles can make on a need in this state: which forms a page shows. */
export function movesOpenTo(status: NeedStatus, roles: readonly Role[]): NeedMove[] {
  return needMoves.filter((move) => {
    const decision = decideMove(status, move, roles, 'a reason')
    return decision.allowed
  })
}

/**
 * The programme years that share any day with a span of dates: a span from January to
 * June 2027 touches 2026 to 2027 and 2027 to 2028 when the year starts in April.
 */
export function financialYearsTouching(from: string, to: string, startMonth: number): number[] {
  const first = startYearOf(from, startMonth)
  const last = startYearOf(to, startMonth)
  const years: number[] = []
  for (let year = first; year <= last; year++) years.push(year)
  return years
}

/** Half days as days (5 → 2.5), and back: the database keeps whole half days, so sums are exact. */
export const daysOf = (halfDays: number): number => halfDays / 2
export const toHalfDays = (days: number): number => Math.round(days * 2)

/** The calendar year a date's programme year starts in: 2027-03-31 with April is 2026. */
export function startYearOf(date: string, startMonth: number): number {
  return Number(financialYearOf(date, startMonth).start.slice(0, 4))
}
