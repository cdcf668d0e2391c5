import type { Authenticated, PartnershipRef } from './auth/identity.ts'
import type { Role } from './auth/roles.ts'
import type { TenantScope } from './db/database.ts'
import { ForbiddenError } from './errors.ts'

/** What a service needs to know about who is acting, and where. Services never see the request. */
export type Context = {
  partnership: PartnershipRef
  actor: {
    userId: string | null
    /** Who acted when no user did: 'cli', 'demo-seed', 'job:…'. */
    label?: string
    roles: readonly Role[]
    agencyIds: readonly string[]
  }
  requestId?: string
}

export function contextFrom(auth: Authenticated, requestId?: string): Context {
  if (!auth.partnership) throw new ForbiddenError('Choose a partnership first')
  return {
    partnership: auth.partnership,
    actor: { userId: auth.user.id, roles: auth.roles, agencyIds: auth.agencyIds },
    requestId,
  }
}

/** A context for the command line and jobs: acts with every role, labelled in the audit trail. */
export function systemContext(partnership: PartnershipRef, label: string): Context {
  return {
    partnership,
    actor: { userId: null, label, roles: ['admin'], agencyIds: [] },
  }
}

export function scopeOf(ctx: Context): TenantScope {
  return {
    partnershipId: ctx.partnership.id,
    userId: ctx.actor.userId,
    requestId: ctx.requestId,
    actor: ctx.actor.label,
  }
}

/** A service's first line: refuses unless the actor holds one of the roles. */
export function requireRole(ctx: Context, ...allowed: Role[]): void {
  if (!allowed.some((role) => ctx.actor.roles.includes(role))) throw new ForbiddenError()
}
