import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Jurisdiction } from '#features/policy/policy.ts'
import { jurisdictions } from '#features/policy/policy.ts'
import { bankHolidayOn, isWorkingDay } from '#platform/holidays.ts'
import { type NoticeRules, noticeDeadline, sufficientNotice } from './notice.ts'

// Every expected date below was checked against a printed calendar and date-holidays 3.37.

const working = (jurisdiction: Jurisdiction, days = 7): NoticeRules => ({
  jurisdiction,
  cancellationNoticeDays: days,
  cancellationNoticeBasis: 'working',
})

const calendar = (jurisdiction: Jurisdiction, days = 7): NoticeRules => ({
  ...working(jurisdiction, days),
  cancellationNoticeBasis: 'calendar',
})

const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

describe('the last day to cancel with enough notice', () => {
  it('is seven working days before the first day over an ordinary fortnight', () => {
    // Monday 14 December 2026: Fri 11, Thu 10, Wed 9, Tue 8, Mon 7, Fri 4, Thu 3 December.
    expect(noticeDeadline('2026-12-14', working('england-and-wales'))).toBe('2026-12-03')
  })

  it('skips Christmas Day and the Monday that stands in for Boxing Day', () => {
    // Wednesday 30 December 2026. Boxing Day is a Saturday, so Monday 28 is the bank holiday:
    // Tue 29, Thu 24, Wed 23, Tue 22, Mon 21, Fri 18, Thu 17.
    expect(bankHolidayOn('england-and-wales', '2026-12-28')).toMatch(/Boxing Day/)
    expect(noticeDeadline('2026-12-30', working('england-and-wales'))).toBe('2026-12-17')
  })

  it('skips New Year’s Day, and in Scotland the Monday standing in for 2 January', () => {
    // Tuesday 5 January 2027. England and Wales: Mon 4, Thu 31, Wed 30, Tue 29, Thu 24,
    // Wed 23, Tue 22. Scotland also closes on Monday 4 January, as 2 January is a Saturday.
    expect(noticeDeadline('2027-01-05', working('england-and-wales'))).toBe('2026-12-22')
    expect(noticeDeadline('2027-01-05', working('scotland'))).toBe('2026-12-21')
  })

  it('skips 2 January in Scotland when it falls on a weekday', () => {
    // Monday 5 January 2026; 1 and 2 January are Thursday and Friday.
    expect(noticeDeadline('2026-01-05', working('england-and-wales', 1))).toBe('2026-01-02')
    expect(noticeDeadline('2026-01-05', working('scotland', 1))).toBe('2025-12-31')
  })

  it('skips Good Friday everywhere, and Easter Monday everywhere but Scotland', () => {
    // Tuesday 6 April 2027; Good Friday is 26 March and Easter Monday 29 March.
    // England: Mon 5, Fri 2, Thu 1, Wed 31, Tue 30, Thu 25, Wed 24.
    expect(noticeDeadline('2027-04-06', working('england-and-wales'))).toBe('2027-03-24')
    expect(noticeDeadline('2027-04-06', working('northern-ireland'))).toBe('2027-03-24')
    // Scotland works on Easter Monday, so counts it: Mon 5 … Tue 30, Mon 29, Thu 25.
    expect(isWorkingDay('scotland', '2027-03-29')).toBe(true)
    expect(noticeDeadline('2027-04-06', working('scotland'))).toBe('2027-03-25')
  })

  it('skips Jersey’s Liberation Day in Jersey only', () => {
    // Monday 15 May 2028; Liberation Day is Tuesday 9 May.
    // England: Fri 12, Thu 11, Wed 10, Tue 9, Mon 8, Fri 5, Thu 4. Jersey skips Tue 9.
    expect(noticeDeadline('2028-05-15', working('england-and-wales'))).toBe('2028-05-04')
    expect(noticeDeadline('2028-05-15', working('jersey'))).toBe('2028-05-03')
  })

  it('gives Jersey no day in lieu when Liberation Day falls on a Sunday', () => {
    // Sunday 9 May 2027: date-holidays keeps the holiday on the Sunday and Monday 10 is a
    // working day, so Jersey and England agree. Wednesday 12 May: Tue 11, Mon 10, Fri 7,
    // Thu 6, Wed 5, Tue 4, then Monday 3 (Early May bank holiday) is skipped: Fri 30 April.
    expect(bankHolidayOn('jersey', '2027-05-09')).toBe('Liberation Day')
    expect(isWorkingDay('jersey', '2027-05-10')).toBe(true)
    expect(noticeDeadline('2027-05-12', working('jersey'))).toBe('2027-04-30')
    expect(noticeDeadline('2027-05-12', working('england-and-wales'))).toBe('2027-04-30')
  })

  it('counts calendar days, holidays included, where the policy says so', () => {
    // Tuesday 5 January 2027 less seven days, over Christmas and New Year.
    expect(noticeDeadline('2027-01-05', calendar('england-and-wales'))).toBe('2026-12-29')
  })

  it('is the first day itself when no notice is required', () => {
    expect(noticeDeadline('2027-01-05', calendar('england-and-wales', 0))).toBe('2027-01-05')
    expect(noticeDeadline('2027-01-05', working('england-and-wales', 0))).toBe('2027-01-05')
  })

  it('always leaves exactly N working days from the deadline up to the day before the first', () => {
    const day = fc
      .integer({ min: 0, max: 365 * 4 })
      .map((n) => new Date(Date.UTC(2026, 0, 1 + n, 12)).toISOString().slice(0, 10))
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(...jurisdictions),
        (firstDay, n, jurisdiction) => {
          const deadline = noticeDeadline(firstDay, working(jurisdiction, n))
          // The deadline is itself a working day, and is the Nth counting back.
          expect(isWorkingDay(jurisdiction, deadline)).toBe(true)
          let counted = 0
          for (let date = deadline; date < firstDay; date = nextDay(date)) {
            if (isWorkingDay(jurisdiction, date)) counted++
          }
          expect(counted).toBe(n)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('whether a cancellation has enough notice', () => {
  // Monday 14 December 2026 at 9:30am (GMT, so London and UTC agree); deadline Thursday 3.
  const startsAt = new Date('2026-12-14T09:30:00Z')
  const rules = working('england-and-wales')

  it('is in time at any moment of the last day', () => {
    expect(sufficientNotice(new Date('2026-12-03T00:00:00Z'), startsAt, rules)).toBe(true)
    expect(sufficientNotice(new Date('2026-12-03T23:59:59Z'), startsAt, rules)).toBe(true)
  })

  it('is too late from the start of the day after', () => {
    expect(sufficientNotice(new Date('2026-12-04T00:00:00Z'), startsAt, rules)).toBe(false)
  })

  it('reads the day in London, not UTC, in summer time', () => {
    // Monday 14 June 2027 at 9:30am BST; deadline Thursday 3 June.
    const summer = new Date('2027-06-14T08:30:00Z')
    expect(noticeDeadline('2027-06-14', rules)).toBe('2027-06-03')
    // 11:30pm BST on 3 June: in time.
    expect(sufficientNotice(new Date('2027-06-03T22:30:00Z'), summer, rules)).toBe(true)
    // 12:30am BST on 4 June, though UTC still says 3 June: too late.
    expect(sufficientNotice(new Date('2027-06-03T23:30:00Z'), summer, rules)).toBe(false)
  })

  it('takes the first day from the session’s start in London', () => {
    // A session starting at 12:30am BST on Tuesday 15 June 2027 is still 14 June in UTC;
    // its first day is the 15th, so Friday 4 June is in time.
    const pastMidnight = new Date('2027-06-14T23:30:00Z')
    expect(sufficientNotice(new Date('2027-06-04T12:00:00Z'), pastMidnight, rules)).toBe(true)
  })
})
