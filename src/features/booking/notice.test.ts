import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Jurisdiction } from '#features/policy/policy.ts'
import { jurisdictions } from '#features/policy/policy.ts'
import { isWorkingDay } from '#platform/holidays.ts'
import { noticeDeadline, sufficientNotice } from './notice.ts'

const working = (jurisdiction: Jurisdiction, days = 7) => ({
  jurisdiction,
  cancellationNoticeDays: days,
  cancellationNoticeBasis: 'working' as const,
})

describe('the last day to cancel with enough notice', () => {
  it('counts back seven working days over an ordinary week', () => {
    // Monday 14 December 2026: Friday 11 … Thursday 3 December.
    expect(noticeDeadline('2026-12-14', working('england-and-wales'))).toBe('2026-12-03')
  })

  it('skips Christmas, Boxing Day’s substitute and New Year, and Scotland’s 2 January', () => {
    // Tuesday 5 January 2027. England and Wales close on 25 and 28 December 2026 (Boxing Day
    // falls on a Saturday) and 1 January; Scotland also on 4 January, for 2 January.
    expect(noticeDeadline('2027-01-05', working('england-and-wales'))).toBe('2026-12-22')
    expect(noticeDeadline('2027-01-05', working('scotland'))).toBe('2026-12-21')
  })

  it('skips Good Friday everywhere and Easter Monday except in Scotland', () => {
    // Tuesday 6 April 2027; Good Friday 26 March, Easter Monday 29 March.
    expect(noticeDeadline('2027-04-06', working('england-and-wales'))).toBe('2027-03-24')
    expect(noticeDeadline('2027-04-06', working('northern-ireland'))).toBe('2027-03-24')
    expect(noticeDeadline('2027-04-06', working('scotland'))).toBe('2027-03-25')
  })

  it('skips Jersey’s Liberation Day in Jersey only', () => {
    // Monday 15 May 2028; Liberation Day is Tuesday 9 May.
    expect(noticeDeadline('2028-05-15', working('england-and-wales'))).toBe('2028-05-04')
    expect(noticeDeadline('2028-05-15', working('jersey'))).toBe('2028-05-03')
    // In 2027 it falls on a Sunday, and date-holidays gives Jersey no day in lieu.
    expect(noticeDeadline('2027-05-12', working('jersey'))).toBe(
      noticeDeadline('2027-05-12', working('england-and-wales')),
    )
  })

  it('counts calendar days where the policy says so', () => {
    const rules = { ...working('england-and-wales'), cancellationNoticeBasis: 'calendar' as const }
    expect(noticeDeadline('2027-01-05', rules)).toBe('2026-12-29')
    expect(noticeDeadline('2027-01-05', { ...rules, cancellationNoticeDays: 0 })).toBe('2027-01-05')
  })

  it('is sufficient on the last day, in London time, and not the day after', () => {
    const startsAt = new Date('2026-12-14T09:30:00Z')
    const rules = working('england-and-wales')
    expect(sufficientNotice(new Date('2026-12-03T23:59:00Z'), startsAt, rules)).toBe(true)
    expect(sufficientNotice(new Date('2026-12-04T00:00:00Z'), startsAt, rules)).toBe(false)
    // In summer time, 23:30 UTC is already the next day in London.
    const summer = new Date('2027-06-14T09:30:00+01:00')
    const deadline = noticeDeadline('2027-06-14', rules)
    expect(deadline).toBe('2027-06-03')
    expect(sufficientNotice(new Date('2027-06-03T22:30:00Z'), summer, rules)).toBe(true)
    expect(sufficientNotice(new Date('2027-06-03T23:30:00Z'), summer, rules)).toBe(false)
  })

  it('always leaves exactly N working days from the deadline up to the first day', () => {
    const day = fc
      .integer({ min: 0, max: 365 * 4 })
      .map((n) => new Date(Date.UTC(2026, 0, 1 + n, 12)).toISOString().slice(0, 10))
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(...jurisdictions),
        (firstDay, n, j) => {
          const deadline = noticeDeadline(firstDay, working(j, n))
          expect(isWorkingDay(j, deadline)).toBe(true)
          let counted = 0
          for (let d = deadline; d < firstDay; ) {
            if (isWorkingDay(j, d)) counted++
            const next = new Date(`${d}T12:00:00Z`)
            next.setUTCDate(next.getUTCDate() + 1)
            d = next.toISOString().slice(0, 10)
          }
          expect(counted).toBe(n)
        },
      ),
      { numRuns: 300 },
    )
  })
})
