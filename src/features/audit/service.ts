import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import type { AuditFilter } from './forms.ts'
import type { AuditEvent } from './queries.ts'
import { auditEvents, auditedEntityTypes } from './queries.ts'
import type { FieldChange } from './rules.ts'
import { changedFields } from './rules.ts'
import { actionInWords, actorInWords, capitalised, changeVerb, recordLabel, recordName } from './words.ts'

export const AUDIT_PAGE_SIZE = 50

/** A trail entry as the page shows it: who, what, to which record, and each field's change, in words. */
export type AuditEntry = {
  id: number
  occurredAt: Date
  who: string
  /** "changed the session Working together, 12 Feb 2027". */
  what: string
  /** The step the change was part of, when the service named one: "confirmed the places". */
  during: string | null
  changes: FieldChange[]
}

/** An audit event in words. */
export function inWords(event: AuditEvent): AuditEntry {
  const label = recordLabel(event.entityType, { row: event.after ?? event.before ?? {}, ...event.context })
  const record = recordName(event.entityType)
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    who: event.actorName ?? actorInWords(event.actorLabel),
    what: `${changeVerb(event.before, event.after)} the ${record}${label ? ` ${label}` : ''}`,
    during: actionInWords(event.action),
    changes: changedFields(event.entityType, event.before, event.after),
  }
}

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
          entityTypes: (await auditedEntityTypes(sql)).map((type) => ({
            value: type,
            text: capitalised(recordName(type)),
          })),
          events: events.map(inWords),
        }
      })
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
