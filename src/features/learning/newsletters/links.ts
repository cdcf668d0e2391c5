import { hmac, safeEqual, seal, unseal } from '#platform/auth/secrets.ts'
import { isUuid } from '#platform/db/database.ts'

const DAY = 86_400_000
/** How long the link to confirm a subscription works. */
export const CONFIRM_LINK_DAYS = 7

/** A subscription asked for and not yet confirmed: what the emailed link carries. */
export type SubscriptionRequest = {
  email: string
  /** Every theme, including those added later; otherwise `themeIds`. */
  allThemes: boolean
  themeIds: string[]
  expires: Date
}

const confirmPurpose = (partnershipId: string) => `newsletter-confirm:${partnershipId}`

/**
 * The token in the link that confirms a subscription: the address and the themes chosen,
 * sealed with the service's secret and the partnership, so it can be neither read where a
 * link is logged, nor altered, nor used under another partnership. Nothing is stored until
 * the owner of the address confirms, so an address someone else typed in is never kept.
 */
export function confirmToken(secret: string, partnershipId: string, request: SubscriptionRequest): string {
  const body = [
    request.email,
    request.allThemes ? 1 : 0,
    request.themeIds,
    Math.floor(request.expires.getTime() / 1000),
  ]
  return seal(secret, confirmPurpose(partnershipId), JSON.stringify(body))
}

/** Reads a confirmation token back: the request, or why it cannot be used. */
export function readConfirmToken(
  secret: string,
  partnershipId: string,
  token: string,
  now: Date,
): { ok: true; request: SubscriptionRequest } | { ok: false; problem: 'altered' | 'expired' } {
  const opened = unseal(secret, confirmPurpose(partnershipId), token)
  if (!opened) return { ok: false, problem: 'altered' }
  const [email, all, themeIds, expiry] = JSON.parse(opened) as unknown[]
  if (
    typeof email !== 'string' ||
    (all !== 0 && all !== 1) ||
    !Array.isArray(themeIds) ||
    !themeIds.every((id) => isUuid(id)) ||
    typeof expiry !== 'number'
  )
    return { ok: false, problem: 'altered' }
  const expires = new Date(expiry * 1000)
  if (expires <= now) return { ok: false, problem: 'expired' }
  return { ok: true, request: { email, allThemes: all === 1, themeIds: themeIds as string[], expires } }
}

/** The expiry of a confirmation link sent now. */
export const confirmLinkExpiry = (now: Date): Date => new Date(now.getTime() + CONFIRM_LINK_DAYS * DAY)

const unsubscribeSignature = (secret: string, partnershipId: string, subscriberId: string) =>
  hmac(secret, `newsletter-unsubscribe:${partnershipId}:${subscriberId}`).slice(0, 32)

/**
 * The token in every subscriber email's unsubscribe link: the subscriber, signed with the
 * service's secret and the partnership. It never expires (an old newsletter's link must still
 * work) and names no address, so it can sit in a URL a mail client posts to.
 */
export function unsubscribeToken(secret: string, partnershipId: string, subscriberId: string): string {
  return `${subscriberId}.${unsubscribeSignature(secret, partnershipId, subscriberId)}`
}

/** The subscriber an unsubscribe token names, or undefined when it was not made here. */
export function readUnsubscribeToken(
  secret: string,
  partnershipId: string,
  token: string,
): string | undefined {
  const [subscriberId, signature, ...rest] = token.split('.')
  if (rest.length || !subscriberId || !isUuid(subscriberId) || !signature) return undefined
  return safeEqual(signature, unsubscribeSignature(secret, partnershipId, subscriberId))
    ? subscriberId
    : undefined
}
