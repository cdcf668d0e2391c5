import { describe, expect, it } from 'vitest'
import { DecryptionError, decryptSecret, encryptSecret } from './encryption.ts'

const key = 'a-data-encryption-key-of-at-least-32-characters'

describe('secrets encrypted at rest', () => {
  it('decrypt to what was encrypted, and never store the plain text', () => {
    const stored = encryptSecret('JBSWY3DPEHPK3PXP', key)
    expect(stored).toMatch(/^v1\./)
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP')
    expect(decryptSecret(stored, key)).toBe('JBSWY3DPEHPK3PXP')
    expect(decryptSecret(encryptSecret('', key), key)).toBe('')
    expect(decryptSecret(encryptSecret('ünïcødé ✓', key), key)).toBe('ünïcødé ✓')
  })

  it('differ each time the same text is encrypted', () => {
    expect(encryptSecret('same', key)).not.toBe(encryptSecret('same', key))
  })

  it('refuse a value altered or encrypted under another key', () => {
    const stored = encryptSecret('client-secret', key)
    expect(() => decryptSecret(stored, `${key}-other`)).toThrow(DecryptionError)
    const [version, nonce, tag, sealed] = stored.split('.')
    const flipped = Buffer.from(sealed ?? '', 'base64url')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    expect(() => decryptSecret([version, nonce, tag, flipped.toString('base64url')].join('.'), key)).toThrow(
      DecryptionError,
    )
    expect(() => decryptSecret('client-secret', key)).toThrow(DecryptionError)
    expect(() => decryptSecret('v1.a.b.c', key)).toThrow(DecryptionError)
  })

  it('refuse a key too short to be a secret', () => {
    expect(() => encryptSecret('x', 'short')).toThrow(/at least 32/)
  })
})
