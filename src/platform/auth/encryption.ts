import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encryption at rest for secrets the service must read back (an authenticator key, an
 * identity provider's client secret), unlike passwords and tokens, which are only hashed.
 *
 * AES-256-GCM with a fresh 96-bit nonce per value; the authentication tag means a value that
 * was altered, or encrypted under another key, fails to decrypt rather than decrypting to
 * rubbish. The 256-bit key is drawn (HKDF-SHA256) from the configured `DATA_ENCRYPTION_KEY`
 * text, so any long random text works as the variable and the key differs from every other
 * use of the same secret (outside production it defaults to the session secret).
 *
 * Stored form: `v1.<nonce>.<tag>.<ciphertext>`, each part base64url. The version prefix leaves
 * room for a later key or algorithm change without guessing what an old value is.
 */

const VERSION = 'v1'
const keys = new Map<string, Buffer>()

function keyFor(secret: string): Buffer {
  let key = keys.get(secret)
  if (!key) {
    if (secret.length < 32) throw new Error('The data encryption key must be at least 32 characters')
    key = Buffer.from(hkdfSync('sha256', secret, 'cascade-data-encryption', 'secrets at rest', 32))
    keys.set(secret, key)
  }
  return key
}

/** Thrown when a stored value cannot be decrypted: altered, truncated or under another key. */
export class DecryptionError extends Error {
  override name = 'DecryptionError'
}

/** Encrypts `plain` under `secret` (the configured data encryption key) for storing. */
export function encryptSecret(plain: string, secret: string): string {
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), nonce)
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return [VERSION, nonce, cipher.getAuthTag(), sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** The text `encryptSecret` stored; throws `DecryptionError` when it was altered or the key is wrong. */
export function decryptSecret(stored: string, secret: string): string {
  const parts = stored.split('.')
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError('Not an encrypted value')
  const [, nonce, tag, sealed] = parts.map((part) => Buffer.from(part, 'base64url'))
  if (nonce?.length !== 12 || tag?.length !== 16 || !sealed)
    throw new DecryptionError('Not an encrypted value')
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), nonce)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8')
  } catch {
    throw new DecryptionError('The value was altered or encrypted under another key')
  }
}
