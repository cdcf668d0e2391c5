import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { capacityDecision, capacityHalfDays, financialYearOf, halfDaysOf } from './rules.ts'

const part = (start: string, end: string) => ({ startsAt: new Date(start), endsAt: new Date(end) })

describe('financial years', () => {
  it('starts in April by default, naming both calendar years', () => {
    expect(financialYearOf('2026-11-25', 4)).toEqual({
      start: '2026-04-01',
      end: '2027-04-01',
      label: '2026/27',
    })
    expect(financialYearOf('2027-03-31', 4).label).toBe('2026/27')
    expect(financialYearOf('2027-04-01', 4).label).toBe('2027/28')
  })

  it('names a year starting in January by its calendar year', () => {
    expect(financialYearOf('2026-06-01', 1)).toEqual({
      start: '2026-01-01',
      end: '2027-01-01',
      label: '2026',
    })
  })

  it('puts every date inside the year it names', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 12 }),
        (d, month) => {
          const date = d.toISOString().slice(0, 10)
          const year = financialYearOf(date, month)
          return year.start <= date && date < year.end
        },
      ),
    )
  })
})

describe('delivery days', () => {
  it('counts a morning as half a day and a full day as a day', () => {
    expect(halfDaysOf([part('2027-01-05T09:30Z', '2027-01-05T12:30Z')])).toBe(1)
    expect(halfDaysOf([part('2027-01-05T09:00Z', '2027-01-05T16:30Z')])).toBe(2)
  })

  it('adds up the parts of a course over several days', () => {
    expect(
      halfDaysOf([
        part('2027-01-05T09:00Z', '2027-01-05T16:30Z'),
        part('2027-01-12T09:00Z', '2027-01-12T12:00Z'),
      ]),
    ).toBe(3)
  })
})

describe('capacity', () => {
  it('holds two days a week over a year as 104 days', () => {
    expect(capacityHalfDays({ start: '2026-04-01', end: '2027-04-01' }, 2)).toBe(208)
  })

  it('refuses to go beyond the capacity and says by how much', () => {
    const year = financialYearOf('2026-11-25', 4)
    expect(capacityDecision(year, 206, 2, 208).within).toBe(true)
    const beyond = capacityDecision(year, 207, 2, 208)
    expect(beyond.within).toBe(false)
    if (!beyond.within)
      expect(beyond.message).toContain('104.5 days of delivery in 2026/27, beyond the capacity of 104 days')
  })
})
