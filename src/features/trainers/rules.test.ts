import { describe, expect, it } from 'vitest'
import { approvalExpiresOn, cpdDue, standingOn, yearsAfter } from './rules.ts'

describe('trainer approval', () => {
  it('lasts a year from train-the-trainer without a CPD questionnaire', () => {
    expect(approvalExpiresOn({ trainedOn: '2026-03-10', cpdCompletedOn: null })).toBe('2027-03-10')
  })

  it('runs a year from the last CPD questionnaire', () => {
    expect(approvalExpiresOn({ trainedOn: '2025-03-10', cpdCompletedOn: '2026-02-01' })).toBe('2027-02-01')
  })

  it('stands on its last day and lapses the day after', () => {
    const approval = { trainedOn: '2026-03-10', cpdCompletedOn: null, withdrawnAt: null }
    expect(standingOn(approval, '2027-03-10')).toEqual({ approved: true })
    expect(standingOn(approval, '2027-03-11')).toEqual({
      approved: false,
      reason: 'expired',
      since: '2027-03-10',
    })
  })

  it('does not stand before the training or once withdrawn', () => {
    expect(
      standingOn({ trainedOn: '2026-03-10', cpdCompletedOn: null, withdrawnAt: null }, '2026-03-09'),
    ).toEqual({
      approved: false,
      reason: 'not_yet_trained',
    })
    expect(
      standingOn({ trainedOn: '2026-03-10', cpdCompletedOn: null, withdrawnAt: new Date() }, '2026-04-01'),
    ).toEqual({ approved: false, reason: 'withdrawn' })
  })

  it('moves 29 February to 28 February a year on', () => {
    expect(yearsAfter('2028-02-29', 1)).toBe('2029-02-28')
  })

  it('shows the CPD questionnaire as due thirty days before the approval lapses, and once lapsed', () => {
    const approval = { trainedOn: '2026-03-10', cpdCompletedOn: null, withdrawnAt: null }
    expect(cpdDue(approval, '2027-02-07')).toBe(false)
    expect(cpdDue(approval, '2027-02-08')).toBe(true)
    expect(cpdDue(approval, '2027-06-01')).toBe(true)
    expect(cpdDue({ ...approval, withdrawnAt: new Date() }, '2027-06-01')).toBe(false)
  })
})
