import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Role } from '#platform/auth/roles.ts'
import { roles } from '#platform/auth/roles.ts'
import type { NeedStatus } from './forms.ts'
import { needStatuses } from './forms.ts'
import type { NeedMove } from './rules.ts'
import {
  daysOf,
  decideMove,
  financialYearsTouching,
  isFinal,
  movesOpenTo,
  needMoves,
  startYearOf,
  toHalfDays,
} from './rules.ts'

/** Every legal move: from, move, by, to. Anything not here is refused. */
const legal: [NeedStatus, NeedMove, Role, NeedStatus][] = [
  ['requested', 'propose', 'subgroup', 'proposed'],
  ['requested', 'propose', 'admin', 'proposed'],
  ['proposed', 'propose', 'subgroup', 'proposed'],
  ['proposed', 'propose', 'admin', 'proposed'],
  ['proposed', 'endorse', 'executive', 'endorsed'],
  ['proposed', 'endorse', 'admin', 'endorsed'],
  ['proposed', 'decline', 'executive', 'declined'],
  ['proposed', 'decline', 'admin', 'declined'],
]

describe('the needs analysis state machine', () => {
  it.each(legal)('moves a %s need by %s, made by %s, to %s', (from, move, role, to) => {
    expect(decideMove(from, move, [role], 'Not in this year’s budget')).toEqual({ allowed: true, to })
  })

  it('refuses every other move, by every role, from every state', () => {
    let refused = 0
    for (const from of needStatuses)
      for (const move of needMoves)
        for (const role of roles) {
          if (legal.some(([f, m, r]) => f === from && m === move && r === role)) continue
          const decision = decideMove(from, move, [role], 'A reason')
          expect({ from, move, role, allowed: decision.allowed }).toEqual({
            from,
            move,
            role,
            allowed: false,
          })
          refused++
        }
    expect(refused).toBe(needStatuses.length * needMoves.length * roles.length - legal.length)
  })

  it('lets only the sub-group or an admin propose', () => {
    for (const role of ['executive', 'agency-lead', 'trainer', 'practitioner', 'registrant'] as const)
      expect(decideMove('requested', 'propose', [role])).toMatchObject({ allowed: false, refusal: 'role' })
  })

  it('lets only the executive or an admin endorse or decline', () => {
    for (const move of ['endorse', 'decline'] as const)
      for (const role of ['subgroup', 'agency-lead', 'trainer', 'practitioner', 'registrant'] as const)
        expect(decideMove('proposed', move, [role], 'A reason')).toMatchObject({
          allowed: false,
          refusal: 'role',
        })
  })

  it('refuses to endorse or decline a need the sub-group has not proposed', () => {
    expect(decideMove('requested', 'endorse', ['executive'])).toEqual({
      allowed: false,
      refusal: 'state',
      message: 'Only a proposal can be endorsed: the sub-group has not proposed this need yet',
    })
    expect(decideMove('requested', 'decline', ['executive'], 'No')).toMatchObject({
      allowed: false,
      refusal: 'state',
    })
  })

  it('keeps an endorsed or declined need final, even for an admin', () => {
    for (const from of ['endorsed', 'declined'] as const)
      for (const move of needMoves) {
        const decision = decideMove(from, move, ['admin'], 'Changed our minds')
        expect(decision).toMatchObject({ allowed: false, refusal: 'state' })
        expect(decision.allowed === false && decision.message).toMatch(/final/)
      }
  })

  it('needs a reason to decline, and a reason that is more than spaces', () => {
    for (const reason of [undefined, null, '', '   '])
      expect(decideMove('proposed', 'decline', ['executive'], reason)).toMatchObject({
        allowed: false,
        refusal: 'reason',
      })
  })

  it('endorses without a reason', () => {
    expect(decideMove('proposed', 'endorse', ['executive'])).toEqual({ allowed: true, to: 'endorsed' })
  })

  it('names the role before the state, and the state before the reason', () => {
    expect(decideMove('endorsed', 'decline', ['practitioner'])).toMatchObject({ refusal: 'role' })
    expect(decideMove('endorsed', 'decline', ['executive'])).toMatchObject({ refusal: 'state' })
  })

  it('never moves a need out of a final state, whatever the roles held', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<NeedStatus>('endorsed', 'declined'),
        fc.constantFrom(...needMoves),
        fc.subarray([...roles]),
        fc.option(fc.string(), { nil: undefined }),
        (from, move, held, reason) => !decideMove(from, move, held, reason).allowed,
      ),
    )
  })

  it('only ever moves a need forward: requested, proposed, then endorsed or declined', () => {
    const order: Record<NeedStatus, number> = { requested: 0, proposed: 1, endorsed: 2, declined: 2 }
    fc.assert(
      fc.property(
        fc.constantFrom(...needStatuses),
        fc.constantFrom(...needMoves),
        fc.subarray([...roles]),
        fc.string(),
        (from, move, held, reason) => {
          const decision = decideMove(from, move, held, reason)
          return !decision.allowed || order[decision.to] >= order[from]
        },
      ),
    )
  })

  it('offers each role the moves it can make on a need as it stands', () => {
    expect(movesOpenTo('requested', ['subgroup'])).toEqual(['propose'])
    expect(movesOpenTo('requested', ['executive'])).toEqual([])
    expect(movesOpenTo('proposed', ['executive'])).toEqual(['endorse', 'decline'])
    expect(movesOpenTo('proposed', ['admin'])).toEqual(['propose', 'endorse', 'decline'])
    expect(movesOpenTo('endorsed', ['admin'])).toEqual([])
    expect(movesOpenTo('proposed', ['practitioner'])).toEqual([])
  })

  it('calls endorsed and declined final, and nothing else', () => {
    expect(needStatuses.filter(isFinal)).toEqual(['endorsed', 'declined'])
  })
})

describe('programme years', () => {
  it('names a date’s programme year by the calendar year it starts in', () => {
    // North Somerset: "an annual training plan that follows the financial year - April to April".
    expect(startYearOf('2027-03-31', 4)).toBe(2026)
    expect(startYearOf('2027-04-01', 4)).toBe(2027)
    expect(startYearOf('2027-01-01', 1)).toBe(2027)
  })

  it('finds every programme year a span of dates touches', () => {
    expect(financialYearsTouching('2027-01-01', '2027-06-30', 4)).toEqual([2026, 2027])
    expect(financialYearsTouching('2026-04-01', '2027-03-31', 4)).toEqual([2026])
    expect(financialYearsTouching('2027-06-30', '2027-01-01', 4)).toEqual([])
  })

  it('keeps delivery in whole half days', () => {
    expect(toHalfDays(2.5)).toBe(5)
    expect(daysOf(5)).toBe(2.5)
    fc.assert(fc.property(fc.integer({ min: 0, max: 2000 }), (h) => toHalfDays(daysOf(h)) === h))
  })
})
