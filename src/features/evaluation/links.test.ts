import { describe, expect, it } from 'vitest'
import { linkToken, readLinkToken } from './links.ts'
import { drawSample, monthStart } from './sample.ts'

const secret = 'a-test-secret-of-enough-length-0123456789'
const partnership = '7d3f1a52-8a1c-4f36-9b0e-2f4f1c2b9a11'
const link = {
  applicationId: '0b9b8c7e-6a4f-4f0e-8d1e-5c2b3a4d5e6f',
  stage: 'after_course' as const,
  expires: new Date('2027-04-01T12:00:00Z'),
}

describe('emailed evaluation links', () => {
  it('reads back what was signed, until it expires', () => {
    const token = linkToken(secret, partnership, link)
    expect(readLinkToken(secret, partnership, token, new Date('2027-03-31T12:00:00Z'))).toEqual({
      ok: true,
      link,
    })
    expect(readLinkToken(secret, partnership, token, new Date('2027-04-01T12:00:00Z'))).toEqual({
      ok: false,
      problem: 'expired',
    })
  })

  it('refuses a link altered in any part, or moved to another partnership', () => {
    const token = linkToken(secret, partnership, link)
    const now = new Date('2027-03-01T12:00:00Z')
    const [id, stage, expiry, signature] = token.split('.') as [string, string, string, string]
    for (const altered of [
      [id, 'f', expiry, signature],
      [id, stage, (Number.parseInt(expiry, 36) + 86_400).toString(36), signature],
      [`${id.slice(0, -1)}0`, stage, expiry, signature],
      [id, stage, expiry, `${signature.slice(0, -1)}A`],
      [id, stage, expiry],
    ])
      expect(readLinkToken(secret, partnership, altered.join('.'), now)).toEqual({
        ok: false,
        problem: 'altered',
      })
    expect(readLinkToken(secret, '11111111-8a1c-4f36-9b0e-2f4f1c2b9a11', token, now).ok).toBe(false)
    expect(readLinkToken('another-secret-of-enough-length-0123456789', partnership, token, now).ok).toBe(
      false,
    )
  })
})

describe('the telephone sample', () => {
  const ids = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)

  it('draws the same people from the same seed, whatever order they come in', () => {
    const sample = drawSample('seed-1', ids, 10)
    expect(sample).toHaveLength(10)
    expect(new Set(sample).size).toBe(10)
    expect(drawSample('seed-1', [...ids].reverse(), 10)).toEqual(sample)
    expect(drawSample('seed-2', ids, 10)).not.toEqual(sample)
    expect(drawSample('seed-1', ids.slice(0, 3), 10)).toHaveLength(3)
  })

  it('names months back across a year end', () => {
    expect(monthStart('2027-02-14', -4)).toBe('2026-10-01')
    expect(monthStart('2027-01-01', 0)).toBe('2027-01-01')
    expect(monthStart('2026-12-31', 1)).toBe('2027-01-01')
  })
})
