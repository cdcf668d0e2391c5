import type { Sql } from '#platform/db/database.ts'
import type { AuditFilter } from './forms.ts'

export type AuditEvent = {
  id: number
  occurredAt: Date
  actor: string
  action: string
  entityType: string
  entityId: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  requestId: string | null
}

type Row = {
  id: number
  occurred_at: Date
  actor_email: string | null
  actor_label: string | null
  action: string
  entity_type: string
  entity_id: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  request_id: string | null
  total: number
}

/** A page of the partnership's audit trail, newest first, with the total that matches. */
export async function auditEvents(
  sql: Sql,
  filter: AuditFilter,
  pageSize: number,
): Promise<{ events: AuditEvent[]; total: number }> {
  const rows = await sql.query<Row>(
    `SELECT a.id, a.occurred_at, u.email AS actor_email, a.actor_label, a.action, a.entity_type, a.entity_id,
            a.before, a.after, a.request_id, count(*) OVER () AS total
       FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id
      WHERE ($1::text IS NULL OR a.entity_type = $1)
        AND ($2::text IS NULL OR u.email ILIKE '%' || $2 || '%' OR a.actor_label ILIKE '%' || $2 || '%')
        AND ($3::date IS NULL OR a.occurred_at >= ($3::date)::timestamp AT TIME ZONE 'Europe/London')
        AND ($4::date IS NULL OR a.occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'Europe/London')
      ORDER BY a.occurred_at DESC, a.id DESC
      LIMIT $5 OFFSET $6`,
    [
      filter.entityType || null,
      filter.actor || null,
      filter.from ?? null,
      filter.to ?? null,
      pageSize,
      (filter.page - 1) * pageSize,
    ],
  )
  return {
    total: rows[0]?.total ?? 0,
    events: rows.map((r) => ({
      id: r.id,
      occurredAt: r.occurred_at,
      actor: r.actor_email ?? r.actor_label ?? 'System',
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      requestId: r.request_id,
    })),
  }
}

/** The kinds of record the trail holds, for the filter. */
export async function auditedEntityTypes(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ entity_type: string }>(
    'SELECT DISTINCT entity_type FROM audit_events ORDER BY 1',
  )
  return rows.map((r) => r.entity_type)
}
