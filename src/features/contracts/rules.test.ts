import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { londonDateOf, steppingClock } from '#platform/clock.ts'
import { isCalendarDate } from '#platform/http/forms.ts'
import { addDays, defaultReviewDate, describeReview, isDueForReview, reviewStatus } from './rules.ts'

// "Today" as the service reads it: the London date of the clock's instant.
const clock = steppingClock('2026-11-24T10:00:00Z')
const today = londonDateOf(clock.now())
const active = (reviewOn: string) => ({ reviewOn, status: 'active' as const })

describe('when a contract is due for review', () => {
  it('is due when its review date is within the next 30 days', () => {
    expect(isDueForReview(active('2026-12-24'), today)).toBe(true)
    expect(reviewStatus(active('2026-12-24'), today)).toEqual({ state: 'due', daysLeft: 30 })
  })

  it('is not due 31 days ahead', () => {
    expect(isDueForReview(active('2026-12-25'), today)).toBe(false)
    expect(describeReview(reviewStatus(active('2026-12-25'), today))).toBe('Not yet due for review')
  })

  it('is due on the day itself', () => {
    expect(describeReview(reviewStatus(active(today), today))).toBe('Review due today')
  })

  it('is overdue once the date has passed, however long ago', () => {
    expect(reviewStatus(active('2026-11-23'), today)).toEqual({ state: 'overdue', daysLate: 1 })
    expect(isDueForReview(active('2020-01-01'), today)).toBe(true)
    expect(describeReview(reviewStatus(active('2026-11-14'), today))).toBe('Review overdue by 10 days')
  })

  it('is never due once the contract has ended', () => {
    expect(isDueForReview({ reviewOn: '2026-11-01', status: 'ended' }, today)).toBe(false)
  })

  it('counts calendar days in London, across the change of the clocks', () => {
    // The clocks go back on 25 October 2026: still 30 days from 1 October to 31 October.
    expect(reviewStatus(active('2026-10-31'), '2026-10-01')).toEqual({ state: 'due', daysLeft: 30 })
  })

  it('is due exactly when the review date is on or before 30 days from today', () => {
    const day = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('2000-01-01', n))
    fc.assert(
      fc.property(day, day, (reviewOn, on) => {
        expect(isDueForReview(active(reviewOn), on)).toBe(reviewOn <= addDays(on, 30))
      }),
    )
  })
})

describe('the review date a contract gets by default', () => {
  it('is a year after it starts', () => {
    expect(defaultReviewDate('2027-04-01')).toBe('2028-04-01')
  })

  it('is 28 February for a contract starting on 29 February', () => {
    expect(defaultReviewDate('2028-02-29')).toBe('2029-02-28')
  })

  it('is always a real date after the start, and no more than a year on', () => {
    const day = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('2000-01-01', n))
    fc.assert(
      fc.property(day, (start) => {
        const review = defaultReviewDate(start)
        expect(isCalendarDate(review)).toBe(true)
        expect(review > start).toBe(true)
        expect(review <= addDays(start, 366)).toBe(true)
      }),
    )
  })
})

describe('a real date', () => {
  it('refuses days that do not exist', () => {
    for (const date of ['2027-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '27-04-01', 'soon', ''])
      expect({ date, real: isCalendarDate(date) }).toEqual({ date, real: false })
    expect(isCalendarDate('2028-02-29')).toBe(true)
  })
})
