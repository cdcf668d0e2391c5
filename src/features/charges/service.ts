import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Charge } from './queries.ts'
import { chargeById, chargesMatching, waiveCharge } from './queries.ts'

export type ChargeFilter = { agencyId?: string | null; from?: string | null; to?: string | null }

/** Charges as the rules made them: listed for admins (and leads, for their agencies), waived only with a reason. */
export function createChargeService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps
  return {
    async list(ctx: Context, filter: ChargeFilter): Promise<Charge[]> {
      requireRole(ctx, 'admin', 'agency-lead')
      const admin = ctx.actor.roles.includes('admin')
      const agencies = filter.agencyId
        ? admin || ctx.actor.agencyIds.includes(filter.agencyId)
          ? [filter.agencyId]
          : []
        : admin
          ? null
          : ctx.actor.agencyIds
      return db.tenant(scopeOf(ctx), (sql) =>
        chargesMatching(sql, { agencyIds: agencies, from: filter.from ?? null, to: filter.to ?? null }),
      )
    },

    async charge(ctx: Context, id: string): Promise<Charge> {
      requireRole(ctx, 'admin')
      const found = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => chargeById(sql, id)) : undefined
      if (!found) throw new NotFoundError('Charge')
      return found
    },

    /** Waives a charge not yet invoiced; an invoiced one is put right by a credit note. */
    async waive(ctx: Context, id: string, reason: string): Promise<Charge> {
      requireRole(ctx, 'admin')
      const why = reason.trim()
      if (!why) throw new ValidationError([{ field: 'reason', text: 'Enter why the charge is waived' }])
      if (why.length > 1000)
        throw new ValidationError([{ field: 'reason', text: 'The reason must be 1,000 characters or fewer' }])
      return db.tenant(scopeOf(ctx), async (sql) => {
        const charge = isUuid(id) ? await chargeById(sql, id) : undefined
        if (!charge) throw new NotFoundError('Charge')
        if (charge.waived) throw new ConflictError('This charge has already been waived')
        if (charge.invoiceId)
          throw new ConflictError('This charge has been invoiced: issue a credit note for it instead')
        await sql.auditAs('charge.waive')
        await waiveCharge(sql, charge.id, why, ctx.actor.userId, clock.now())
        return { ...charge, waived: true, waivedReason: why }
      })
    },
  }
}

export type ChargeService = ReturnType<typeof createChargeService>
