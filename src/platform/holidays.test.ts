import { describe, expect, it } from 'vitest'
import { bankHolidayOn, isWorkingDay } from './holidays.ts'

describe('bank holidays', () => {
  it('knows Christmas Day in England and Wales', () => {
    expect(bankHolidayOn('england-and-wales', '2026-12-25')).toBe('Christmas Day')
  })

  it('knows the holidays of each jurisdiction apart', () => {
    expect(bankHolidayOn('scotland', '2026-11-30')).toMatch(/Andrew/)
    expect(bankHolidayOn('england-and-wales', '2026-11-30')).toBeUndefined()
    expect(bankHolidayOn('jersey', '2026-05-09')).toBe('Liberation Day')
    expect(bankHolidayOn('northern-ireland', '2026-03-17')).toMatch(/Patrick/)
    expect(bankHolidayOn('isle-of-man', '2026-07-05')).toBe('Tynwald Day')
  })

  it('counts weekends and bank holidays as not working days', () => {
    expect(isWorkingDay('england-and-wales', '2026-11-25')).toBe(true)
    expect(isWorkingDay('england-and-wales', '2026-11-28')).toBe(false)
    expect(isWorkingDay('england-and-wales', '2026-12-28')).toBe(false)
  })
})
