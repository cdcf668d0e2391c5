import { seal, unseal } from '#platform/auth/secrets.ts'
import { isUuid } from '#platform/db/database.ts'
import type { RegistrationInput } from './forms.ts'

const DAY = 86_400_000
/** How long the owner of an account has to confirm a registration made with its address. */
export const JOIN_LINK_DAYS = 7

/** A registration waiting for the owner of the account its email belongs to. */
export type JoinLink = {
  userId: string
  registration: Omit<RegistrationInput, 'email'>
  expires: Date
}

const purpose = (partnershipId: string) => `registration-join:${partnershipId}`

/**
 * The token in the link emailed to the owner of an account when someone registers its
 * address: the account, what was registered and an expiry, sealed with the service's secret
 * and the partnership, so it cannot be read, altered or used under another partnership.
 * Nothing is stored until the owner confirms.
 */
export function joinToken(secret: string, partnershipId: string, link: JoinLink): string {
  const r = link.registration
  const body = [
    link.userId,
    Math.floor(link.expires.getTime() / 1000),
    r.firstName,
    r.lastName,
    r.agencyId,
    r.role ?? null,
    r.managerName ?? null,
    r.managerEmail ?? null,
  ]
  return seal(secret, purpose(partnershipId), JSON.stringify(body))
}

const optional = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** Reads a token back: the registration, or why it cannot be used. */
export function readJoinToken(
  secret: string,
  partnershipId: string,
  token: string,
  now: Date,
): { ok: true; link: JoinLink } | { ok: false; problem: 'altered' | 'expired' } {
  const opened = unseal(secret, purpose(partnershipId), token)
  if (!opened) return { ok: false, problem: 'altered' }
  const [userId, expiry, firstName, lastName, agencyId, role, managerName, managerEmail] = JSON.parse(
    opened,
  ) as unknown[]
  if (
    !isUuid(userId) ||
    !isUuid(agencyId) ||
    typeof expiry !== 'number' ||
    typeof firstName !== 'string' ||
    typeof lastName !== 'string'
  )
    return { ok: false, problem: 'altered' }
  const expires = new Date(expiry * 1000)
  if (expires <= now) return { ok: false, problem: 'expired' }
  const registration = {
    firstName,
    lastName,
    agencyId,
    role: optional(role),
    managerName: optional(managerName),
    managerEmail: optional(managerEmail),
  }
  return { ok: true, link: { userId, registration, expires } }
}

/** The expiry of a link sent now. */
export const joinLinkExpiry = (now: Date): Date => new Date(now.getTime() + JOIN_LINK_DAYS * DAY)
