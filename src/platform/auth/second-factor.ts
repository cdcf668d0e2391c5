import { randomInt } from 'node:crypto'
import { generate, generateSecret, generateURI, verify } from 'otplib'
import { toString as qrCode } from 'qrcode'
import { hashToken } from './secrets.ts'

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them: SHA-1, six digits,
 * a 30-second step, a 160-bit key. The database work (attempts, reuse) is the account
 * feature's; this module is the arithmetic and the formats.
 */

export const STEP_SECONDS = 30
/** Recovery codes given when a second factor is set up; each works once. */
export const RECOVERY_CODE_COUNT = 10

/** A new shared key, base32 as authenticator apps take it. */
export function newAuthenticatorKey(): string {
  return generateSecret({ length: 20 })
}

/** The key in groups of four, easier to type into an app than 32 letters at once. */
export function keyInGroups(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key
}

/** The otpauth:// address a QR code carries: the app shows the issuer and the account's email. */
export function authenticatorUri(key: string, email: string): string {
  return generateURI({ issuer: 'Cascade', label: email, secret: key })
}

/** The QR code for an address as an SVG data URL, for an <img> with alt text. */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await qrCode(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}

/** Six digits, once spaces and hyphens an app may show are taken out; undefined otherwise. */
export function normaliseCode(code: string): string | undefined {
  const digits = code.replace(/[\s-]/g, '')
  return /^\d{6}$/.test(digits) ? digits : undefined
}

/**
 * The time step a code belongs to, when it is right for the key at `at` or one step either
 * side (an app's clock drifts, and a code typed at the end of its step arrives in the next);
 * undefined when it is wrong. Whether that step was used already is the caller's to check.
 */
export async function stepOfCode(key: string, code: string, at: Date): Promise<number | undefined> {
  const token = normaliseCode(code)
  if (!token) return undefined
  const result = await verify({
    secret: key,
    token,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: STEP_SECONDS,
  })
  return result.valid && 'timeStep' in result ? result.timeStep : undefined
}

/** The code an app shows at `at`: for tests and the demonstration only. */
export function codeAt(key: string, at: Date): Promise<string> {
  return generate({ secret: key, epoch: Math.floor(at.getTime() / 1000) })
}

// No 0/O, 1/l/I: a recovery code is read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten new recovery codes, shown as two groups of five characters (about 49 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)])
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
  })
}

/**
 * The stored form of a recovery code: a hash, with the user's id so one table of hashes cannot
 * be matched against all users at once. Case, spaces and hyphens as typed do not matter.
 */
export function recoveryCodeHash(userId: string, code: string): string {
  return hashToken(`recovery:${userId}:${code.toLowerCase().replace(/[\s-]/g, '')}`)
}
