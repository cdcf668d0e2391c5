import { describe, expect, it } from 'vitest'
import type { ReviewState } from './rules.ts'
import { decideClosing, decideTransition, dueMissed, nextStatuses, statutoryDueOn } from './rules.ts'

const notified: ReviewState = {
  status: 'notified',
  decision: null,
  notifiedOn: '2026-10-01',
  commissionedOn: null,
}
const decided: ReviewState = { ...notified, status: 'decision_made', decision: 'review' }
const today = '2026-11-24'

describe('review transitions', () => {
  it('records a decision only with the decision, its date and its reason', () => {
    const refused = decideTransition(notified, 'decision_made', { decision: 'review' }, today)
    expect(refused).toEqual({
      allowed: false,
      refusal: 'fields',
      errors: [
        { field: 'decisionOn', text: 'Enter the date of the decision' },
        { field: 'decisionReason', text: 'Enter the reason for the decision' },
      ],
    })
    expect(
      decideTransition(
        notified,
        'decision_made',
        { decision: 'review', decisionOn: '2026-10-10', decisionReason: ' Criteria met ' },
        today,
      ),
    ).toEqual({
      allowed: true,
      to: 'decision_made',
      change: { decision: 'review', decisionOn: '2026-10-10', decisionReason: 'Criteria met' },
    })
  })

  it('refuses a decision dated before the review was notified', () => {
    const refused = decideTransition(
      notified,
      'decision_made',
      { decision: 'review', decisionOn: '2026-09-30', decisionReason: 'x' },
      today,
    )
    expect(refused).toMatchObject({ allowed: false, refusal: 'fields', errors: [{ field: 'decisionOn' }] })
  })

  it('commissions a review decided on, dated today unless told otherwise', () => {
    expect(decideTransition(decided, 'in_progress', {}, today)).toEqual({
      allowed: true,
      to: 'in_progress',
      change: { commissionedOn: today },
    })
  })

  it('lets a no local review decision only close', () => {
    const noReview: ReviewState = { ...decided, decision: 'no_review' }
    expect(nextStatuses(noReview)).toEqual(['closed'])
    expect(decideTransition(noReview, 'in_progress', {}, today)).toEqual({
      allowed: false,
      refusal: 'state',
      message: 'The decision was no local review: the review can only be closed',
    })
    expect(decideTransition(noReview, 'closed', {}, today)).toMatchObject({ allowed: true, to: 'closed' })
  })

  it('publishes only with a publication date, the report link optional', () => {
    const running: ReviewState = { ...decided, status: 'in_progress' }
    expect(decideTransition(running, 'published', {}, today)).toMatchObject({ refusal: 'fields' })
    expect(decideTransition(running, 'published', { publishedOn: '2026-11-20' }, today)).toEqual({
      allowed: true,
      to: 'published',
      change: { publishedOn: '2026-11-20', reportUrl: null },
    })
  })

  it('names what must happen first when a step is taken out of order', () => {
    expect(decideTransition(notified, 'published', { publishedOn: today }, today)).toEqual({
      allowed: false,
      refusal: 'state',
      message: 'Record the decision on the review before it can be published',
    })
    expect(decideTransition(decided, 'closed', {}, today)).toEqual({
      allowed: false,
      refusal: 'state',
      message: 'Mark the review as in progress, then publish it, before it can be closed',
    })
    expect(decideTransition({ ...decided, status: 'in_progress' }, 'closed', {}, today)).toMatchObject({
      message: 'Publish the review before it can be closed',
    })
    expect(decideTransition({ ...decided, status: 'closed' }, 'published', {}, today)).toMatchObject({
      refusal: 'state',
    })
  })

  it('closes a published review or one whose actions are in progress', () => {
    expect(nextStatuses({ status: 'published', decision: 'review' })).toEqual([
      'actions_in_progress',
      'closed',
    ])
    expect(nextStatuses({ status: 'actions_in_progress', decision: 'review' })).toEqual(['closed'])
    expect(nextStatuses({ status: 'closed', decision: 'review' })).toEqual([])
  })
})

describe('closing with open actions', () => {
  it('closes when no action is open', () => {
    expect(decideClosing([], undefined, ['subgroup'])).toEqual({ allowed: true, closing: [] })
  })

  it('refuses while actions are open and no reasons are given', () => {
    expect(decideClosing(['a'], {}, ['admin'])).toMatchObject({ allowed: false, refusal: 'open' })
  })

  it('lets only an admin close over open actions', () => {
    expect(decideClosing(['a'], { a: 'Service decommissioned' }, ['subgroup'])).toMatchObject({
      allowed: false,
      refusal: 'role',
    })
  })

  it('needs a reason for each open action', () => {
    expect(decideClosing(['a', 'b'], { a: 'Gone' }, ['admin'])).toEqual({
      allowed: false,
      refusal: 'fields',
      errors: [{ field: 'openActionReasons.b', text: 'Enter why this action is closed as not achieved' }],
    })
    expect(decideClosing(['a', 'b'], { a: 'Gone ', b: 'Superseded' }, ['admin'])).toEqual({
      allowed: true,
      closing: [
        { actionId: 'a', reason: 'Gone' },
        { actionId: 'b', reason: 'Superseded' },
      ],
    })
  })
})

describe('statutory due dates', () => {
  it('gives a rapid review 15 working days, skipping weekends and bank holidays', () => {
    // Christmas Day, the Boxing Day substitute and New Year's Day are not counted.
    expect(statutoryDueOn({ type: 'rapid_review', notifiedOn: '2026-12-14' }, 'england-and-wales')).toBe(
      '2027-01-07',
    )
  })

  it('counts the bank holidays of the partnership’s jurisdiction', () => {
    // Liberation Day (9 May 2025) is a bank holiday in Jersey only.
    expect(statutoryDueOn({ type: 'rapid_review', notifiedOn: '2025-05-02' }, 'england-and-wales')).toBe(
      '2025-05-27',
    )
    expect(statutoryDueOn({ type: 'rapid_review', notifiedOn: '2025-05-02' }, 'jersey')).toBe('2025-05-28')
  })

  it('gives other types no statutory date', () => {
    expect(statutoryDueOn({ type: 'sar', notifiedOn: '2026-12-14' }, 'england-and-wales')).toBeNull()
  })

  it('is missed only after the due date while the review waits for its decision', () => {
    expect(dueMissed({ status: 'notified' }, '2026-11-23', '2026-11-24')).toBe(true)
    expect(dueMissed({ status: 'notified' }, '2026-11-24', '2026-11-24')).toBe(false)
    expect(dueMissed({ status: 'decision_made' }, '2026-11-23', '2026-11-24')).toBe(false)
    expect(dueMissed({ status: 'notified' }, null, '2026-11-24')).toBe(false)
  })
})
