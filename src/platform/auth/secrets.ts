import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

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
