import { randomInt } from 'node:crypto'

// Letters and digits that cannot be mistaken for one another when read aloud or typed.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A new verification code, like 7KQX-M2RD-9PTA: 60 bits from the system's secure random source. */
export function newCode(): string {
  const groups: string[] = []
  for (let g = 0; g < 3; g++) {
    let group = ''
    for (let i = 0; i < 4; i++) group += ALPHABET[randomInt(ALPHABET.length)]
    groups.push(group)
  }
  return groups.join('-')
}

/**
 * A code as someone typed it: upper case, without spaces, with its dashes where they go. What
 * cannot be a code becomes a string that matches nothing, and is still looked up, so a forged
 * code takes as long to refuse as a real one takes to find.
 */
export function normaliseCode(typed: string): string {
  const bare = typed
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 12)
  return bare.length === 12 ? `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}` : 'NONE-NONE-NONE'
}
