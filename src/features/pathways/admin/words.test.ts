import { describe, expect, it } from 'vitest'
import { coursesWords, refresherWords } from './words.ts'

describe('refresher words', () => {
  it('says whole years in years, other intervals in months, and none as no refresher', () => {
    expect(refresherWords(36)).toBe('Every 3 years')
    expect(refresherWords(12)).toBe('Every year')
    expect(refresherWords(18)).toBe('Every 18 months')
    expect(refresherWords(1)).toBe('Every month')
    expect(refresherWords(null)).toBe('No refresher')
  })

  it('names one course alone and several as alternatives', () => {
    expect(coursesWords([{ title: 'A' }])).toBe('A')
    expect(coursesWords([{ title: 'A' }, { title: 'B' }])).toBe('Any one of: A; B')
  })
})
