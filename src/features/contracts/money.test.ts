import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatPounds, MAX_PENCE, parsePounds } from './money.ts'

describe('amounts typed in pounds', () => {
  it('reads pounds and pence, with or without thousands commas and a pound sign, as whole pence', () => {
    expect(parsePounds('1,250.50')).toEqual({ ok: true, pence: 125050 })
    expect(parsePounds('1250.5')).toEqual({ ok: true, pence: 125050 })
    expect(parsePounds(' £40 ')).toEqual({ ok: true, pence: 4000 })
    expect(parsePounds('0')).toEqual({ ok: true, pence: 0 })
    expect(parsePounds('0.07')).toEqual({ ok: true, pence: 7 })
    expect(parsePounds('1,000,000.99')).toEqual({ ok: true, pence: 100000099 })
  })

  it('gets exact pence where floating point would not', () => {
    // 0.1 + 0.2 and 1.15 * 100 are not what they seem in binary; the digits are.
    expect(parsePounds('1.15')).toEqual({ ok: true, pence: 115 })
    expect(parsePounds('4.35')).toEqual({ ok: true, pence: 435 })
  })

  it('says why it cannot read an amount', () => {
    expect(parsePounds('')).toEqual({ ok: false, problem: 'missing' })
    expect(parsePounds('12.345')).toEqual({ ok: false, problem: 'fraction-of-a-penny' })
    expect(parsePounds('-1')).toEqual({ ok: false, problem: 'negative' })
    expect(parsePounds('-£1.50')).toEqual({ ok: false, problem: 'negative' })
    for (const text of [
      'ten pounds',
      '1,25.00',
      '1.2.3',
      '12,3456',
      '1e3',
      '0x10',
      'Infinity',
      '.5',
      '1 000',
    ])
      expect({ text, read: parsePounds(text) }).toEqual({
        text,
        read: { ok: false, problem: 'not-a-number' },
      })
    expect(parsePounds('10,000,000.01')).toEqual({ ok: false, problem: 'too-large' })
    expect(parsePounds('9'.repeat(400))).toEqual({ ok: false, problem: 'too-large' })
  })

  it('reads back exactly what it shows, for every amount it can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PENCE }), (pence) => {
        expect(parsePounds(formatPounds(pence))).toEqual({ ok: true, pence })
      }),
    )
    expect(formatPounds(125050)).toBe('1,250.50')
    expect(formatPounds(5)).toBe('0.05')
  })
})
