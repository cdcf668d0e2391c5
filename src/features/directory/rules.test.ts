import { describe, expect, it } from 'vitest'
import { policyPresets } from '#features/policy/policy.ts'
import { neutraliseFormula, placeFeePence, searchQuery } from './rules.ts'

describe('the fee for a place', () => {
  const norfolk = policyPresets.norfolk
  it.each([
    ['funding_partner', false, 0],
    ['statutory', false, 0],
    ['private', false, 10_000],
    ['voluntary', true, 4_000],
    ['voluntary', false, 5_000],
  ] as const)('is Norfolk’s fee for a %s agency (Safer Programme member: %s)', (category, member, pence) => {
    expect(placeFeePence({ category, saferProgrammeMember: member }, norfolk)).toBe(pence)
  })
})

describe('people search', () => {
  it('matches the start of each word typed', () => {
    expect(searchQuery('Jan  Smi')).toBe('jan:* & smi:*')
  })

  it('splits an email address into its words', () => {
    expect(searchQuery('jane.smith@example.org')).toBe('jane:* & smith:* & example:* & org:*')
  })

  it('ignores characters that would break the query', () => {
    expect(searchQuery("o'brien & | ! :*")).toBe('o:* & brien:*')
    expect(searchQuery('  ')).toBeNull()
  })
})

describe('exports', () => {
  it('neutralises cells that a spreadsheet would run as formulas', () => {
    expect(neutraliseFormula('=HYPERLINK("http://evil","x")')).toBe(`'=HYPERLINK("http://evil","x")`)
    expect(neutraliseFormula('+44 1234')).toBe(`'+44 1234`)
    expect(neutraliseFormula('@SUM(A1)')).toBe(`'@SUM(A1)`)
    expect(neutraliseFormula('Jane')).toBe('Jane')
  })
})
