import { describe, expect, it } from 'vitest'
import { checkReference } from './reference-rules.ts'

const accepted = [
  'CH-20931',
  'LCS/2024/00123',
  'MOSAIC 551203',
  'AB12345',
  'EHM-4471',
  'Case 3',
  'NHS-TRUST-88121',
  'SW 2024 1178',
  'Mosaic 551203',
  '12345678',
]

const refused: [string, 'name' | 'date' | 'nhs_number'][] = [
  ['Jane Smith', 'name'],
  ['CH-1 Jane Smith', 'name'],
  ["Mary-Ann O'Neil", 'name'],
  ['Tom Jones 2211', 'name'],
  ['12/03/2015', 'date'],
  ['3.3.15', 'date'],
  ['CH-1 03-03-2015', 'date'],
  ['2015-03-03', 'date'],
  ['3 March 2015', 'date'],
  ['3rd Mar 15', 'date'],
  ['March 3, 2015', 'date'],
  ['DOB 0303', 'date'],
  ['d.o.b. 3/3', 'date'],
  ['date of birth', 'date'],
  ['4857773456', 'nhs_number'],
  ['485 777 3456', 'nhs_number'],
  ['NHS 485-777-3456', 'nhs_number'],
]

describe('a case reference', () => {
  it.each(accepted)('accepts the agency’s own case number %s', (reference) => {
    expect(checkReference(reference)).toEqual({ ok: true })
  })

  it.each(refused)('refuses %s as looking like a %s', (reference, reason) => {
    const decision = checkReference(reference)
    expect(decision.ok).toBe(false)
    if (!decision.ok) {
      expect(decision.reason).toBe(reason)
      expect(decision.message).toMatch(/not a name, a date of birth or an NHS number/)
    }
  })
})
