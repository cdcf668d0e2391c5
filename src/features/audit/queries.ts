import type { Sql } from '#platform/db/database.ts'
import type { AuditFilter } from './forms.ts'

/** What a trail entry's record points at, read so the entry can name it in words. */
export type RecordContext = {
  courseTitle: string | null
  sessionStartsAt: Date | null
  personName: string | null
  userName: string | null
}

export type AuditEvent = {
  id: number
  occurredAt: Date
  /** The name of the person who acted, when a person did. */
  actorName: string | null
  actorLabel: string | null
  action: string
  entityType: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  context: RecordContext
}

type Row = {
  id: number
  occurred_at: Date
  actor_name: string | null
  actor_label: string | null
  action: string
  entity_type: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  course_title: string | null
  session_starts_at: Date | null
  person_name: string | null
  user_name: string | null
  total: number
}

/**
 * A page of the partnership's audit trail, newest first, with the total that matches. The page
 * is chosen first; only its entries then look up the course, session, person or user their
 * record points at, so an entry can say "the session Working together, 12 Feb 2027".
 */
export async function auditEvents(
  sql: Sql,
  filter: AuditFilter,
  pageSize: number,
): Promise<{ events: AuditEvent[]; total: number }> {
  const rows = await sql.query<Row>(
    `WITH page AS (
       SELECT a.id, a.occurred_at, u.display_name AS actor_name, a.actor_label, a.action, a.entity_type,
              a.before, a.after, coalesce(a.after, a.before) AS record, count(*) OVER () AS total
         FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id
        WHERE ($1::text IS NULL OR a.entity_type = $1)
          AND ($2::text IS NULL OR u.email ILIKE '%' || $2 || '%' OR u.display_name ILIKE '%' || $2 || '%'
               OR a.actor_label ILIKE '%' || $2 || '%')
          AND ($3::date IS NULL OR a.occurred_at >= ($3::date)::timestamp AT TIME ZONE 'Europe/London')
          AND ($4::date IS NULL OR a.occurred_at < ($4::date + 1)::timestamp AT TIME ZONE 'Europe/London')
        ORDER BY a.occurred_at DESC, a.id DESC
        LIMIT $5 OFFSET $6)
     SELECT page.id, page.occurred_at, page.actor_name, page.actor_label, page.action, page.entity_type,
            page.before, page.after, page.total::int AS total,
            coalesce(c.title, sc.title) AS course_title, s.starts_at AS session_starts_at,
            p.first_name || ' ' || p.last_name AS person_name, ru.display_name AS user_name
       FROM page
       LEFT JOIN courses c ON c.id = (page.record ->> 'course_id')::uuid
       LEFT JOIN sessions s ON s.id = (page.record ->> 'session_id')::uuid
       LEFT JOIN courses sc ON sc.id = s.course_id
       LEFT JOIN people p ON p.id = (page.record ->> 'person_id')::uuid
       LEFT JOIN users ru ON ru.id = (page.record ->> 'user_id')::uuid
      ORDER BY page.occurred_at DESC, page.id DESC`,
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
      actorName: r.actor_name,
      actorLabel: r.actor_label,
      action: r.action,
      entityType: r.entity_type,
      before: r.before,
      after: r.after,
      context: {
        courseTitle: r.course_title,
        sessionStartsAt: r.session_starts_at,
        personName: r.person_name,
        userName: r.user_name,
      },
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
