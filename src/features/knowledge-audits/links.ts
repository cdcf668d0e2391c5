import { hmac, safeEqual } from '#platform/auth/secrets.ts'
import { isUuid } from '#platform/db/database.ts'

const signed = (secret: string, partnershipId: string, invitationId: string) =>
  hmac(secret, `knowledge-audit-link:${partnershipId}:${invitationId}`).slice(0, 32)

/**
 * The token in a knowledge audit's personal link: the invitation, signed with the service's
 * secret and the partnership, so it can be neither altered nor moved to another partnership.
 * It needs no expiry of its own: the audit's closing date ends it.
 */
export function invitationToken(secret: string, partnershipId: string, invitationId: string): string {
  return `${invitationId}.${signed(secret, partnershipId, invitationId)}`
}

/** The invitation a token names, or null when the token was not made by this service for this partnership. */
export function readInvitationToken(secret: string, partnershipId: string, token: string): string | null {
  const [invitationId, signature, ...rest] = token.split('.')
  if (rest.length || !invitationId || !isUuid(invitationId) || !signature) return null
  return safeEqual(signature, signed(secret, partnershipId, invitationId)) ? invitationId : null
}
