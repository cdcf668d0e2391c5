import { describe, expect, it } from 'vitest'
import { policyInForce } from './rules.ts'

describe('the policy in force on a date', () => {
  const versions = [
    { effectiveFrom: '2024-04-01' },
    { effectiveFrom: '2025-04-01' },
    { effectiveFrom: '2026-04-01' },
  ]

  it('is the latest version that took effect on or before the date', () => {
    expect(policyInForce(versions, '2025-12-25')?.effectiveFrom).toBe('2025-04-01')
  })

  it('includes a version taking effect on the day itself', () => {
    expect(policyInForce(versions, '2026-04-01')?.effectiveFrom).toBe('2026-04-01')
  })

  it('is none before the first version', () => {
    expect(policyInForce(versions, '2024-03-31')).toBeUndefined()
  })
})
