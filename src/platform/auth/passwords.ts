import type { Algorithm } from '@node-rs/argon2'
import { hash, verify } from '@node-rs/argon2'

// Algorithm.Argon2id; the package exports it as a const enum, which type stripping cannot inline.
const ARGON2ID = 2 as Algorithm

// OWASP's argon2id baseline: 19 MiB, two passes, one lane.
const options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, options)
}

let decoy: Promise<string> | undefined

/**
 * Checks a password against a stored hash. With no hash (no such user, or a user who signs
 * in by link only) it still does the work of one check, so the time taken does not reveal
 * whether an account exists.
 */
export async function checkPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    decoy ??= hashPassword('decoy password that matches nothing')
    await verify(await decoy, password).catch(() => false)
    return false
  }
  return verify(storedHash, password).catch(() => false)
}
