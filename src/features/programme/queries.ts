import type { SessionStatus } from '#features/sessions/forms.ts'
import type { Part } from '#features/sessions/rules.ts'
import type { Sql } from '#platform/db/database.ts'

export type PlannedSession = {
  id: string
  courseId: string
  courseTitle: string
  status: SessionStatus
  startsAt: Date
  parts: Part[]
}

const yearBounds = `s.starts_at >= ($1::timestamp AT TIME ZONE 'Europe/London')
  AND s.starts_at < ($2::timestamp AT TIME ZONE 'Europe/London')`

/** The live (not cancelled) sessions starting in a financial year, with their parts. */
export async function sessionsPlannedIn(
  sql: Sql,
  year: { start: string; end: string },
  exceptSessionId: string | null = null,
): Promise<PlannedSession[]> {
  const rows = await sql.query<
    Omit<PlannedSession, 'parts'> & { parts: { startsAt: string; endsAt: string }[] }
  >(
    `SELECT s.id, s.course_id AS "courseId", c.title AS "courseTitle", s.status, s.starts_at AS "startsAt",
            (SELECT json_agg(json_build_object('startsAt', p.starts_at, 'endsAt', p.ends_at) ORDER BY p.starts_at)
               FROM session_parts p WHERE p.session_id = s.id) AS parts
       FROM sessions s JOIN courses c ON c.id = s.course_id
      WHERE ${yearBounds} AND s.status <> 'cancelled' AND ($3::uuid IS NULL OR s.id <> $3)
      ORDER BY s.starts_at, s.id`,
    [year.start, year.end, exceptSessionId],
  )
  return rows.map((r) => ({
    ...r,
    parts: (r.parts ?? []).map((p) => ({ startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) })),
  }))
}

/** Serialises capacity checks for one partnership's year, so two admins cannot both take the last day. */
export async function lockYear(sql: Sql, yearStart: string): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('capacity:' || cascade_partnership_id() || $1))`, [
    yearStart,
  ])
}

export type CapacityOverride = {
  id: string
  sessionId: string
  courseTitle: string
  plannedHalfDays: number
  capacityHalfDays: number
  reason: string
  recordedAt: Date
}

export async function insertOverride(
  sql: Sql,
  partnershipId: string,
  override: {
    sessionId: string
    yearStart: string
    plannedHalfDays: number
    capacityHalfDays: number
    reason: string
    recordedBy: string | null
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO capacity_overrides (partnership_id, session_id, financial_year_start, planned_half_days,
       capacity_half_days, reason, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      partnershipId,
      override.sessionId,
      override.yearStart,
      override.plannedHalfDays,
      override.capacityHalfDays,
      override.reason,
      override.recordedBy,
    ],
  )
}

export function overridesIn(sql: Sql, yearStart: string): Promise<CapacityOverride[]> {
  return sql.query<CapacityOverride>(
    `SELECT o.id, o.session_id AS "sessionId", c.title AS "courseTitle", o.planned_half_days AS "plannedHalfDays",
            o.capacity_half_days AS "capacityHalfDays", o.reason, o.recorded_at AS "recordedAt"
       FROM capacity_overrides o JOIN sessions s ON s.id = o.session_id JOIN courses c ON c.id = s.course_id
      WHERE o.financial_year_start = $1 ORDER BY o.recorded_at`,
    [yearStart],
  )
}
