import type { Stage } from '#features/evaluation/stages.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'

/** What each part of the booking service is built from. */
export type BookingDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  /** The sender, "Name <address>" or an address: calendar invitations come from its address. */
  mailFrom: string
  mailQueued?: () => void
  /** The signed link to a stage of a booking's evaluation, for someone applied for by a colleague. */
  evaluationLink: (partnership: PartnershipRef, applicationId: string, stage: Stage, expires: Date) => string
}

/** Who a calendar invitation is from: the partnership, at the service's sending address. */
export function organiserOf(ctx: Context, mailFrom: string): { name: string; email: string } {
  return { name: ctx.partnership.name, email: /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom }
}

/**
 * Who may act for a person's application or place: an admin for anyone, an agency lead for
 * their agencies' staff, and the person themselves.
 */
export function mayActFor(ctx: Context, person: { agencyId: string; userId: string | null }): boolean {
  const { roles, agencyIds, userId } = ctx.actor
  if (roles.includes('admin')) return true
  if (roles.includes('agency-lead') && agencyIds.includes(person.agencyId)) return true
  return person.userId !== null && person.userId === userId
}
