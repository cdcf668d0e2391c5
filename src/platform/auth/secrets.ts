import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

// Secure random bytes from the system's generator, fetched 4 KB at a time: the same
// randomness with one system call for every 128 tokens rather than one each, as the runtime
// does for its own random UUIDs. A first-time visitor to a public page is given a token.
const POOL_BYTES = 4096
let pool = Buffer.alloc(0)
let used = 0

function secureRandom(bytes: number): Buffer {
  if (used + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES)
    used = 0
  }
  const drawn = Buffer.from(pool.subarray(used, used + bytes))
  // Drawn bytes do not stay behind in the pool.
  pool.fill(0, used, used + bytes)
  used += bytes
  return drawn
}

/** A random token for a cookie, link or API token: 32 bytes, URL-safe. */
export function newToken(prefix = ''): string {
  return prefix + secureRandom(32).toString('base64url')
}

/** Only the hash of a session id, link or API token is stored, so a leaked table grants nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function hmac(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url')
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const sealKey = (secret: string, purpose: string) =>
  Buffer.from(hkdfSync('sha256', secret, 'cascade-sealed-link', purpose, 32))

/**
 * Seals a value into a link: encrypted and authenticated (AES-256-GCM) with a key drawn from
 * the service's secret and what the link is for, so it can be neither read nor altered, nor
 * used for another purpose. For a link that must carry personal details the service does not
 * keep, which a signature alone would leave readable wherever the address is logged.
 */
export function seal(secret: string, purpose: string, value: string): string {
  const iv = secureRandom(12)
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret, purpose), iv)
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')
}

/** The value `seal` put in a link, or undefined when it was altered or sealed for another purpose. */
export function unseal(secret: string, purpose: string, token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{40,4000}$/.test(token)) return undefined
  const bytes = Buffer.from(token, 'base64url')
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret, purpose), bytes.subarray(0, 12))
    decipher.setAuthTag(bytes.subarray(12, 28))
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
