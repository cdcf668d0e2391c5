import { describe, expect, it } from 'vitest'
import { periodAsked, periodContaining, periodOf, previousOf, sameLastYearOf } from './period.ts'

const april = 4

describe('reporting periods', () => {
  it('names quarters and years of the financial year by the calendar year it starts in', () => {
    expect(periodOf('2026-Q3', april)).toEqual({
      kind: 'quarter',
      key: '2026-Q3',
      start: '2026-10-01',
      end: '2027-01-01',
      label: 'October to December 2026 (quarter 3 of 2026 to 2027)',
    })
    expect(periodOf('2026-Q4', april)).toMatchObject({ start: '2027-01-01', end: '2027-04-01' })
    expect(periodOf('2026', april)).toMatchObject({
      kind: 'year',
      start: '2026-04-01',
      end: '2027-04-01',
      label: '2026 to 2027',
    })
    // A year starting in January is the calendar year.
    expect(periodOf('2026-Q1', 1)).toMatchObject({ start: '2026-01-01', end: '2026-04-01' })
    expect(periodOf('2026-Q5', april)).toBeNull()
    expect(periodOf('26', april)).toBeNull()
  })

  it('compares with the period before and the same one a year earlier', () => {
    const q1 = periodOf('2026-Q1', april)!
    expect(previousOf(q1, april).key).toBe('2025-Q4')
    expect(previousOf(periodOf('2026-Q3', april)!, april).key).toBe('2026-Q2')
    expect(sameLastYearOf(q1, april).key).toBe('2025-Q1')
    expect(previousOf(periodOf('2026', april)!, april).key).toBe('2025')
    expect(sameLastYearOf(periodOf('2026', april)!, april).key).toBe('2025')
  })

  it('finds the quarter and the year a day falls in', () => {
    expect(periodContaining('2026-11-24', 'quarter', april).key).toBe('2026-Q3')
    expect(periodContaining('2027-03-31', 'quarter', april).key).toBe('2026-Q4')
    expect(periodContaining('2027-03-31', 'year', april).key).toBe('2026')
    expect(periodContaining('2026-04-01', 'quarter', april).key).toBe('2026-Q1')
  })

  it('refuses a period written wrongly, not yet begun, or over before the partnership’s records', () => {
    const on = { today: '2026-11-24', since: '2024-04-01', startMonth: april }
    expect(periodAsked({ period: '2026-Q3' }, on)).toMatchObject({ ok: true, period: { key: '2026-Q3' } })
    expect(periodAsked({ year: '2026' }, on)).toMatchObject({ ok: true, period: { key: '2026' } })
    expect(periodAsked({ period: '2026-Q5' }, on)).toEqual({
      ok: false,
      field: 'period',
      message: 'Write the quarter as the year and Q1 to Q4, like 2026-Q3',
    })
    expect(periodAsked({ year: 'last' }, on)).toMatchObject({ ok: false, field: 'year' })
    expect(periodAsked({ period: '2026-Q4' }, on)).toEqual({
      ok: false,
      field: 'period',
      message: 'January to March 2027 (quarter 4 of 2026 to 2027) has not begun yet',
    })
    expect(periodAsked({ year: '2023' }, on)).toEqual({
      ok: false,
      field: 'year',
      message: '2023 to 2024 ended before the partnership’s records begin',
    })
    expect(periodAsked({ period: '2026-Q1', year: '2026' }, on)).toMatchObject({ ok: false })
    expect(periodAsked({}, on)).toMatchObject({ ok: false })
  })
})
