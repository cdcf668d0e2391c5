import { describe, expect, it } from 'vitest'
import {
  confirmLinkExpiry,
  confirmToken,
  readConfirmToken,
  readUnsubscribeToken,
  unsubscribeToken,
} from './links.ts'

const secret = 'a-test-secret-of-enough-length-0123456789'
const norfolk = '11111111-1111-4111-8111-111111111111'
const jersey = '22222222-2222-4222-8222-222222222222'
const subscriber = '33333333-3333-4333-8333-333333333333'
const theme = '44444444-4444-4444-8444-444444444444'
const now = new Date('2026-11-24T10:00:00Z')

describe('the link that confirms a subscription', () => {
  const request = {
    email: 'pat@example.org',
    allThemes: false,
    themeIds: [theme],
    expires: confirmLinkExpiry(now),
  }

  it('carries the address and themes, unreadable in the link itself', () => {
    const token = confirmToken(secret, norfolk, request)
    expect(token).not.toContain('pat')
    const read = readConfirmToken(secret, norfolk, token, now)
    expect(read).toEqual({
      ok: true,
      request: { ...request, expires: new Date(Math.floor(request.expires.getTime() / 1000) * 1000) },
    })
  })

  it('is refused when altered, used under another partnership, or past its seven days', () => {
    const token = confirmToken(secret, norfolk, request)
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
    expect(readConfirmToken(secret, norfolk, altered, now)).toEqual({ ok: false, problem: 'altered' })
    expect(readConfirmToken(secret, jersey, token, now)).toEqual({ ok: false, problem: 'altered' })
    const later = new Date(now.getTime() + 7 * 86_400_000 + 1000)
    expect(readConfirmToken(secret, norfolk, token, later)).toEqual({ ok: false, problem: 'expired' })
  })
})

describe('the unsubscribe link', () => {
  it('names its subscriber for its own partnership only', () => {
    const token = unsubscribeToken(secret, norfolk, subscriber)
    expect(readUnsubscribeToken(secret, norfolk, token)).toBe(subscriber)
    expect(readUnsubscribeToken(secret, jersey, token)).toBeUndefined()
    expect(readUnsubscribeToken('another-secret-entirely-0123456789abcdef', norfolk, token)).toBeUndefined()
  })

  it('refuses a forged or mangled token', () => {
    const token = unsubscribeToken(secret, norfolk, subscriber)
    for (const forged of [
      `${subscriber}.${'A'.repeat(32)}`,
      `${subscriber}`,
      `${token}.extra`,
      token.replace(subscriber, '55555555-5555-4555-8555-555555555555'),
      'not-a-uuid.abc',
      '',
    ])
      expect(readUnsubscribeToken(secret, norfolk, forged), forged).toBeUndefined()
  })
})
