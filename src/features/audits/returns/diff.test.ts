import { describe, expect, it } from 'vitest'
import { wordDiff } from './diff.ts'

describe('what changed between two narratives', () => {
  it('marks the words removed and added, and joins back into both texts', () => {
    const from = 'We audit files every month and report to the board.'
    const to = 'We audit files every quarter and report to the partnership.'
    const parts = wordDiff(from, to)
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['month', 'board.'])
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual([
      'quarter',
      'partnership.',
    ])
    expect(
      parts
        .filter((p) => p.kind !== 'added')
        .map((p) => p.text)
        .join(''),
    ).toBe(from)
    expect(
      parts
        .filter((p) => p.kind !== 'removed')
        .map((p) => p.text)
        .join(''),
    ).toBe(to)
  })

  it('shows an unchanged text as one kept part, and an empty one as all added', () => {
    expect(wordDiff('Same words.', 'Same words.')).toEqual([{ kind: 'same', text: 'Same words.' }])
    expect(wordDiff('', 'New text')).toEqual([{ kind: 'added', text: 'New text' }])
  })

  it('stays quick for two long, wholly different texts', () => {
    const a = Array.from({ length: 4000 }, (_, i) => `a${i}`).join(' ')
    const b = Array.from({ length: 4000 }, (_, i) => `b${i}`).join(' ')
    const parts = wordDiff(a, b)
    expect(parts.map((p) => p.kind)).toEqual(['removed', 'added'])
  })
})
