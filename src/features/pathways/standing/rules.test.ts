import { describe, expect, it } from 'vitest'
import { personStandingOf, reasonFor, standingOf } from './rules.ts'

// The test clock's today; three months on is 24 February 2027.
const today = '2026-11-24'
const standing = standingOf(today)
const evidenced = (dueOn: string | null) => standing({ evidencedOn: '2024-02-01', dueOn })

describe('a requirement’s standing', () => {
  it('is not evidenced without evidence, whatever its due date', () => {
    expect(standing({ evidencedOn: null, dueOn: null })).toBe('not_evidenced')
    expect(standing({ evidencedOn: null, dueOn: '2030-01-01' })).toBe('not_evidenced')
  })

  it('is up to date for good once evidenced when it has no refresher', () => {
    expect(evidenced(null)).toBe('current')
  })

  it('is due within 3 months on the day its refresher falls due', () => {
    expect(evidenced('2026-11-24')).toBe('due_soon')
  })

  it('is overdue the day after its refresher fell due', () => {
    expect(evidenced('2026-11-23')).toBe('overdue')
  })

  it('is due within 3 months when its refresher falls due exactly 3 months ahead', () => {
    expect(evidenced('2027-02-24')).toBe('due_soon')
  })

  it('is up to date when its refresher falls due a day after that', () => {
    expect(evidenced('2027-02-25')).toBe('current')
  })

  it('counts 3 months to the end of a shorter month', () => {
    // 30 November + 3 months is 28 February 2027 (no 30 February).
    const onThe30th = standingOf('2026-11-30')
    expect(onThe30th({ evidencedOn: '2024-01-01', dueOn: '2027-02-28' })).toBe('due_soon')
    expect(onThe30th({ evidencedOn: '2024-01-01', dueOn: '2027-03-01' })).toBe('current')
  })
})

describe('a person’s standing against their pathway', () => {
  const person = personStandingOf(today)

  it('is not evidenced while any required requirement lacks evidence, even with others lapsed', () => {
    expect(person({ missing: 1, lapsesOn: null })).toBe('not_evidenced')
    expect(person({ missing: 2, lapsesOn: '2020-01-01' })).toBe('not_evidenced')
  })

  it('is up to date with everything evidenced and nothing to refresh', () => {
    expect(person({ missing: 0, lapsesOn: null })).toBe('current')
  })

  it('follows the first date a required requirement lapses', () => {
    expect(person({ missing: 0, lapsesOn: '2026-11-23' })).toBe('overdue')
    expect(person({ missing: 0, lapsesOn: '2026-11-24' })).toBe('due_soon')
    expect(person({ missing: 0, lapsesOn: '2027-02-24' })).toBe('due_soon')
    expect(person({ missing: 0, lapsesOn: '2027-02-25' })).toBe('current')
  })
})

describe('why a requirement stands as it does', () => {
  const date = (d: string) => `[${d}]`
  const by = { evidenceTitle: 'Working together', refresherMonths: 36 }

  it('says what evidences it and when to refresh it', () => {
    expect(reasonFor('not_evidenced', { ...by, dueOn: null, evidenceTitle: null }, date)).toBe(
      'No certificate or verified evidence for it yet',
    )
    expect(reasonFor('current', { ...by, dueOn: null, refresherMonths: null }, date)).toBe(
      'Evidenced by Working together; it needs no refresher',
    )
    expect(reasonFor('overdue', { ...by, dueOn: '2026-11-01' }, date)).toBe(
      'Evidenced by Working together; its refresher was due by [2026-11-01]',
    )
    expect(reasonFor('due_soon', { ...by, dueOn: '2027-01-01' }, date)).toBe(
      'Evidenced by Working together; refresh by [2027-01-01]',
    )
  })
})
