import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { AuditFilter } from './forms.ts'
import { auditEvents, auditedEntityTypes } from './queries.ts'
import { changedFields } from './rules.ts'

export const AUDIT_PAGE_SIZE = 50

/** Reading the audit trail: admins only. The trail itself is written by the database, in the same transaction as each change. */
export function createAuditService(deps: { db: Database }) {
  return {
    async search(ctx: Context, filter: AuditFilter) {
      requireRole(ctx, 'admin')
      return deps.db.tenant(scopeOf(ctx), async (sql) => {
        const { events, total } = await auditEvents(sql, filter, AUDIT_PAGE_SIZE)
        return {
          total,
          pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
          entityTypes: await auditedEntityTypes(sql),
          events: events.map((e) => ({ ...e, changes: changedFields(e.before, e.after) })),
        }
      })
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
