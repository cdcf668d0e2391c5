import { hmac, safeEqual } from '#platform/auth/secrets.ts'
import { isUuid } from '#platform/db/database.ts'
import type { Stage } from './stages.ts'

const stageCodes: Record<Stage, string> = { at_booking: 'b', after_course: 'a', follow_up: 'f' }
const DAY = 86_400_000
/** How long an emailed after-course or follow-up link stays usable. */
export const LINK_DAYS = 60

export type EvaluationLink = { applicationId: string; stage: Stage; expires: Date }

const signed = (secret: string, partnershipId: string, body: string) =>
  hmac(secret, `evaluation-link:${partnershipId}:${body}`).slice(0, 32)

/**
 * The token in an emailed evaluation link: the booking, the stage and the expiry, signed with
 * the service's secret and the partnership, so a link cannot be altered or moved to another
 * partnership, and stops working when it expires.
 */
export function linkToken(secret: string, partnershipId: string, link: EvaluationLink): string {
  const body = `${link.applicationId}.${stageCodes[link.stage]}.${Math.floor(link.expires.getTime() / 1000).toString(36)}`
  return `${body}.${signed(secret, partnershipId, body)}`
}

/** Reads a token back: the link, or why it cannot be used. */
export function readLinkToken(
  secret: string,
  partnershipId: string,
  token: string,
  now: Date,
): { ok: true; link: EvaluationLink } | { ok: false; problem: 'altered' | 'expired' } {
  const parts = token.split('.')
  const [applicationId, code, expiry, signature] = parts
  const stage = (Object.keys(stageCodes) as Stage[]).find((s) => stageCodes[s] === code)
  if (parts.length !== 4 || !applicationId || !isUuid(applicationId) || !stage || !expiry || !signature)
    return { ok: false, problem: 'altered' }
  const body = `${applicationId}.${code}.${expiry}`
  if (!safeEqual(signature, signed(secret, partnershipId, body))) return { ok: false, problem: 'altered' }
  const expires = new Date(Number.parseInt(expiry, 36) * 1000)
  if (Number.isNaN(expires.getTime())) return { ok: false, problem: 'altered' }
  if (expires <= now) return { ok: false, problem: 'expired' }
  return { ok: true, link: { applicationId, stage, expires } }
}

/** The expiry of a link sent now. */
export const linkExpiry = (now: Date): Date => new Date(now.getTime() + LINK_DAYS * DAY)
