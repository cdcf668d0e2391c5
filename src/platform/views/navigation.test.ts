import { describe, expect, it } from 'vitest'
import { HEADER_LIMIT, menuFor, navigationFor } from './navigation.ts'

describe('the service navigation', () => {
  it('takes a signed-in practitioner to their partnership catalogue', () => {
    const items = navigationFor(['practitioner'], '/dashboard', 'norfolk')
    expect(items.map((i) => i.text)).toContain('Find training')
    expect(items.find((i) => i.text === 'Find training')?.href).toBe('/p/norfolk/courses')
  })

  it('shows no one an item their role may not use', () => {
    const texts = navigationFor(['practitioner'], '/dashboard', 'norfolk').map((i) => i.text)
    const menu = menuFor(['practitioner'], 'norfolk').flatMap((g) => g.links.map((l) => l.text))
    for (const adminOnly of ['Audit trail', 'Contracts', 'Charges', 'Complaints', 'API tokens', 'People']) {
      expect(texts).not.toContain(adminOnly)
      expect(menu).not.toContain(adminOnly)
    }
    expect(menuFor(['admin'], 'norfolk').flatMap((g) => g.links.map((l) => l.text))).toContain('Audit trail')
  })

  it('keeps one flat header for a role with few pages', () => {
    const items = navigationFor(['practitioner'], '/bookings', 'norfolk')
    expect(items.length).toBeLessThanOrEqual(HEADER_LIMIT)
    expect(items.map((i) => i.text)).toEqual([
      'Home',
      'Find training',
      'Needs analysis',
      'Case reviews',
      'Learning library',
      'Our actions',
      'Your learning',
      'Your training',
      'Your record',
      'Your account',
    ])
    expect(items.find((i) => i.active)?.text).toBe('Your learning')
  })

  it('gives an admin Home, Find training and the Menu, marking the Menu on a page reached from it', () => {
    const items = navigationFor(['admin'], '/audit', 'norfolk')
    expect(items.map((i) => i.text)).toEqual(['Home', 'Find training', 'Menu'])
    expect(items.find((i) => i.active)?.href).toBe('/menu')
    expect(navigationFor(['admin'], '/dashboard', 'norfolk').find((i) => i.active)?.text).toBe('Home')
  })

  it('groups an admin’s pages under headings, each page once', () => {
    const groups = menuFor(['admin'], 'norfolk')
    expect(groups.map((g) => g.heading)).toEqual([
      'Programme',
      'People and agencies',
      'Evaluation and quality',
      'Money',
      'Partnership settings',
      'Your learning',
    ])
    const hrefs = groups.flatMap((g) => g.links.map((l) => l.href))
    expect(new Set(hrefs).size).toBe(hrefs.length)
    // Every page of the header but Home is in the menu.
    expect(hrefs).toContain('/p/norfolk/courses')
    expect(hrefs).not.toContain('/dashboard')
    expect(hrefs.length).toBe(35)
  })

  it('leaves out a group with nothing in it for the role', () => {
    expect(menuFor(['trainer'], 'norfolk').map((g) => g.heading)).toEqual([
      'Programme',
      'Evaluation and quality',
      'Your learning',
    ])
  })

  it('leads an agency lead to their staff’s applications from their menu, and no one else', () => {
    const lead = menuFor(['agency-lead'], 'norfolk').flatMap((g) => g.links.map((l) => l.text))
    expect(lead).toContain('Staff applications')
    expect(navigationFor(['agency-lead'], '/bookings/staff', 'norfolk').find((i) => i.active)?.text).toBe(
      'Menu',
    )
    expect(navigationFor(['practitioner'], '/bookings', 'norfolk').map((i) => i.text)).not.toContain(
      'Staff applications',
    )
  })
})
