import type { Role } from '#platform/auth/roles.ts'
import type { Context } from '#platform/context.ts'

/**
 * Who sees what of agency audits, in one place. Admins run audits and see everything. A return
 * is seen by its agency (the agency's leads and the colleagues named on it) and by the reviewer
 * assigned to it; every agency sees the partnership-wide aggregate, never another agency's
 * return. Sub-group and executive members see the results across agencies. A case audit's
 * answers are seen by the agencies taking part in it and by admins.
 */

/** Who runs audits: templates, cycles, challenge events, case audits. */
export const auditOverseers = ['admin'] as const satisfies readonly Role[]

/** Who may read the results across agencies (the heatmap and the cycle report). */
export const auditResultReaders = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]

/** Who may be assigned to review returns. */
export const auditReviewerRoles = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]

/** Everyone who may reach the audits pages at all: each then sees only what is theirs. */
export const auditUsers = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
  'trainer',
  'practitioner',
] as const satisfies readonly Role[]

const has = (ctx: Context, roles: readonly Role[]) => roles.some((role) => ctx.actor.roles.includes(role))

export const overseesAudits = (ctx: Context): boolean => has(ctx, auditOverseers)
export const readsAuditResults = (ctx: Context): boolean => has(ctx, auditResultReaders)

/** A return as the access rules read it. */
export type ReturnAccessFacts = {
  agencyId: string
  reviewerUserId: string | null
  contributorUserIds: readonly string[]
  seniorLeadUserId: string | null
}

/**
 * How the actor stands to one return:
 * - `oversee`: an admin: everything;
 * - `review`: its assigned reviewer: read it, and agree or challenge its answers;
 * - `answer`: its agency's lead, or a colleague named on it: read and answer it;
 * - `none`: nothing; the return is answered as not found.
 */
export type ReturnStanding = 'oversee' | 'review' | 'answer' | 'none'

export function standingOn(ctx: Context, r: ReturnAccessFacts): ReturnStanding {
  if (overseesAudits(ctx)) return 'oversee'
  if (r.reviewerUserId === ctx.actor.userId) return 'review'
  if (ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(r.agencyId)) return 'answer'
  if (ctx.actor.userId && r.contributorUserIds.includes(ctx.actor.userId)) return 'answer'
  return 'none'
}

/** Only the return's named senior lead signs it off and submits it. */
export const signsOff = (ctx: Context, r: ReturnAccessFacts): boolean =>
  r.seniorLeadUserId !== null && r.seniorLeadUserId === ctx.actor.userId

/**
 * The same rule as SQL over a return aliased `alias`, its values numbered from `next`: for
 * lists, where filtering row by row in Node would page wrongly.
 */
export function visibleReturnsSql(
  ctx: Context,
  alias: string,
  next: number,
): { where: string; values: unknown[] } {
  if (overseesAudits(ctx)) return { where: 'true', values: [] }
  const leads = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
  return {
    where: `(${alias}.reviewer_user_id = $${next}::uuid OR ${alias}.agency_id = ANY($${next + 1}::uuid[])
      OR EXISTS (SELECT 1 FROM audit_return_contributors arc
                 WHERE arc.return_id = ${alias}.id AND arc.user_id = $${next}::uuid))`,
    values: [ctx.actor.userId, leads],
  }
}

/**
 * Which case audits the actor sees, as SQL over a case audit aliased `alias`: admins all; an
 * agency lead those their agency takes part in, or where they are the agency's named lead.
 */
export function visibleCaseAuditsSql(
  ctx: Context,
  alias: string,
  next: number,
): { where: string; values: unknown[] } {
  if (overseesAudits(ctx)) return { where: 'true', values: [] }
  const leads = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
  return {
    where: `EXISTS (SELECT 1 FROM case_audit_agencies caa WHERE caa.case_audit_id = ${alias}.id
      AND (caa.agency_id = ANY($${next + 1}::uuid[]) OR caa.lead_user_id = $${next}::uuid))`,
    values: [ctx.actor.userId, leads],
  }
}
