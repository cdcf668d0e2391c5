import { describe, expect, it } from 'vitest'
import { londonClockOf, londonInstant, londonTimeText } from './clock.ts'

describe('London time', () => {
  it('reads a wall-clock time in winter as UTC and in summer as an hour earlier', () => {
    expect(londonInstant('2027-01-12', 9, 30).toISOString()).toBe('2027-01-12T09:30:00.000Z')
    expect(londonInstant('2027-06-04', 9, 30).toISOString()).toBe('2027-06-04T08:30:00.000Z')
  })

  it('gets the day the clocks go back right on both sides of the change', () => {
    expect(londonInstant('2027-10-31', 0, 30).toISOString()).toBe('2027-10-30T23:30:00.000Z')
    expect(londonInstant('2027-10-31', 9, 0).toISOString()).toBe('2027-10-31T09:00:00.000Z')
  })

  it('writes times as GOV.UK does and as a form shows them', () => {
    expect(londonTimeText(new Date('2027-06-04T08:30:00Z'))).toBe('9:30am')
    expect(londonTimeText(new Date('2027-01-12T12:00:00Z'))).toBe('12pm')
    expect(londonClockOf(new Date('2027-06-04T13:05:00Z'))).toBe('14:05')
  })
})
