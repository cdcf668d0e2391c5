import { describe, expect, it } from 'vitest'
import { navigationFor } from './navigation.ts'

describe('the service navigation', () => {
  it('takes a signed-in practitioner to their partnership catalogue', () => {
    const items = navigationFor(['practitioner'], '/dashboard', 'norfolk')
    expect(items.map((i) => i.text)).toContain('Find training')
    expect(items.find((i) => i.text === 'Find training')?.href).toBe('/p/norfolk/courses')
  })

  it('shows no one an item their role may not use', () => {
    const texts = navigationFor(['practitioner'], '/dashboard', 'norfolk').map((i) => i.text)
    for (const adminOnly of ['Audit trail', 'Contracts', 'Charges', 'Complaints', 'API tokens', 'People']) {
      expect(texts).not.toContain(adminOnly)
    }
    expect(navigationFor(['admin'], '/audit', 'norfolk').map((i) => i.text)).toContain('Audit trail')
  })

  it('leads an agency lead to their staff’s applications, marking only that item as current there', () => {
    const items = navigationFor(['agency-lead'], '/bookings/staff', 'norfolk')
    expect(items.filter((i) => i.active).map((i) => i.text)).toEqual(['Staff applications'])
    expect(navigationFor(['practitioner'], '/bookings', 'norfolk').map((i) => i.text)).not.toContain(
      'Staff applications',
    )
    expect(
      navigationFor(['agency-lead'], '/bookings/1b9d6bcd', 'norfolk')
        .filter((i) => i.active)
        .map((i) => i.text),
    ).toEqual(['Your learning'])
  })
})
