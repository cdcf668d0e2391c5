import { describe, expect, it } from 'vitest'
import type { ProductSnapshot } from './rules.ts'
import { changesBetween, changesSentence, mayRead, statusChangeRefusal } from './rules.ts'

const snapshot: ProductSnapshot = {
  type: 'seven_minute_briefing',
  title: 'Child H: seven minutes on cumulative harm',
  summary: 'What the review found',
  body: '## Why it matters',
  links: [],
  audience: { workforce: 'children', sectors: ['health'], tiers: [] },
  visibility: 'public',
  reviewBy: '2027-12-01',
  themeIds: ['a', 'b'],
  reviewIds: ['r'],
  findingIds: ['f'],
  files: [{ id: '1', filename: 'briefing.pdf' }],
}

const reader = (roles: string[]) =>
  ({ partnership: { id: 'p', slug: 'p', name: 'P' }, actor: { userId: 'u', roles, agencyIds: [] } }) as never

describe('changesBetween', () => {
  it('says nothing changed when nothing did, whatever order the themes come in', () => {
    expect(changesBetween(snapshot, { ...snapshot, themeIds: ['b', 'a'] })).toEqual([])
  })

  it('names each changed part and each file added or removed', () => {
    const after = {
      ...snapshot,
      title: 'Child H: cumulative harm',
      body: '## Why this matters',
      files: [{ id: '2', filename: 'poster.pdf' }],
    }
    expect(changesSentence(changesBetween(snapshot, after))).toBe(
      'Changed the title and the text; added poster.pdf; removed briefing.pdf',
    )
  })
})

describe('mayRead', () => {
  const published = { status: 'published', visibility: 'workforce' } as const
  it('shows a workforce product to anyone signed in, never to the public', () => {
    expect(mayRead(reader(['practitioner']), published)).toBe(true)
    expect(mayRead(null, published)).toBe(false)
    expect(mayRead(null, { ...published, visibility: 'public' })).toBe(true)
  })

  it('keeps drafts and withdrawn products to the partnership’s admins, sub-group and executive', () => {
    expect(mayRead(reader(['practitioner']), { status: 'draft', visibility: 'public' })).toBe(false)
    expect(mayRead(reader(['agency-lead']), { status: 'withdrawn', visibility: 'public' })).toBe(false)
    expect(mayRead(reader(['executive']), { status: 'draft', visibility: 'workforce' })).toBe(true)
  })
})

describe('statusChangeRefusal', () => {
  it('never takes a published product back to draft', () => {
    expect(statusChangeRefusal('published', 'draft')).toMatch(/withdraw it instead/)
    expect(statusChangeRefusal('withdrawn', 'published')).toBeNull()
    expect(statusChangeRefusal('draft', 'published')).toBeNull()
  })
})

describe('changesBetween, with objects as the database returns them', () => {
  it('sees no change in an audience whose keys come back in another order', () => {
    const stored = { ...snapshot, audience: { tiers: [], sectors: ['health'], workforce: 'children' } }
    expect(changesBetween(stored, snapshot)).toEqual([])
  })
})
