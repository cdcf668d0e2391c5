import { hmac, safeEqual } from '#platform/auth/secrets.ts'
import { isUuid } from '#platform/db/database.ts'
import type { ConfirmationKind } from './rules.ts'

const kindCodes: Record<ConfirmationKind, string> = { read: 'r', supervision: 's' }

const signed = (secret: string, partnershipId: string, productId: string, body: string) =>
  hmac(secret, `learning-confirmation:${partnershipId}:${productId}:${body}`).slice(0, 32)

export type ConfirmationLink = { personId: string; kind: ConfirmationKind }

/**
 * The token in a practitioner's one-click confirmation link: the person and the kind, signed
 * with the service's secret, the partnership and the product, so it cannot be altered, moved to
 * another product or partnership, or made for someone else. It does not expire: a practitioner
 * may read a briefing months after it was sent.
 */
export function confirmationToken(
  secret: string,
  partnershipId: string,
  productId: string,
  link: ConfirmationLink,
): string {
  const body = `${link.personId}.${kindCodes[link.kind]}`
  return `${body}.${signed(secret, partnershipId, productId, body)}`
}

/** Reads a token back: the person and kind it names, or nothing when it was forged or altered. */
export function readConfirmationToken(
  secret: string,
  partnershipId: string,
  productId: string,
  token: string,
): ConfirmationLink | null {
  const parts = token.split('.')
  const [personId, code, signature] = parts
  const kind = (Object.keys(kindCodes) as ConfirmationKind[]).find((k) => kindCodes[k] === code)
  if (parts.length !== 3 || !isUuid(personId) || !kind || !signature) return null
  if (!safeEqual(signature, signed(secret, partnershipId, productId, `${personId}.${code}`))) return null
  return { personId, kind }
}
