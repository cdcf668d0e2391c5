import type { Part } from '#features/sessions/rules.ts'
import type { Sql } from '#platform/db/database.ts'
import type { ApprovalFilter, ApprovalInput } from './forms.ts'

export type TrainerApproval = {
  id: string
  personId: string
  name: string
  email: string
  courseId: string
  courseTitle: string
  trainedOn: string
  cpdCompletedOn: string | null
  withdrawnAt: Date | null
  withdrawnReason: string | null
}

const approvalColumns = `a.id, a.person_id AS "personId", p.first_name || ' ' || p.last_name AS name, p.email,
  a.course_id AS "courseId", c.title AS "courseTitle", to_char(a.trained_on, 'YYYY-MM-DD') AS "trainedOn",
  to_char(a.cpd_completed_on, 'YYYY-MM-DD') AS "cpdCompletedOn", a.withdrawn_at AS "withdrawnAt",
  a.withdrawn_reason AS "withdrawnReason"`
const approvalFrom = `trainer_approvals a JOIN people p ON p.id = a.person_id JOIN courses c ON c.id = a.course_id`

export function approvalsMatching(sql: Sql, filter: ApprovalFilter): Promise<TrainerApproval[]> {
  return sql.query<TrainerApproval>(
    `SELECT ${approvalColumns} FROM ${approvalFrom}
      WHERE ($1::uuid IS NULL OR a.course_id = $1) AND ($2::uuid IS NULL OR a.person_id = $2)
      ORDER BY lower(p.last_name), lower(p.first_name), lower(c.title)`,
    [filter.courseId ?? null, filter.personId ?? null],
  )
}

export function approvalById(sql: Sql, id: string): Promise<TrainerApproval | undefined> {
  return sql.maybeOne<TrainerApproval>(`SELECT ${approvalColumns} FROM ${approvalFrom} WHERE a.id = $1`, [id])
}

export async function insertApproval(sql: Sql, partnershipId: string, input: ApprovalInput): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO trainer_approvals (partnership_id, person_id, course_id, trained_on, cpd_completed_on)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [partnershipId, input.personId, input.courseId, input.trainedOn, input.cpdCompletedOn],
  )
  return id
}

export async function updateApproval(
  sql: Sql,
  id: string,
  change: { cpdCompletedOn: string | null; withdrawnReason: string | null; withdrawnAt: Date | null },
  now: Date,
): Promise<void> {
  await sql.query(
    `UPDATE trainer_approvals SET cpd_completed_on = $2, withdrawn_reason = $3, withdrawn_at = $4, updated_at = $5
      WHERE id = $1`,
    [id, change.cpdCompletedOn, change.withdrawnReason, change.withdrawnAt, now],
  )
}

/** A live person in the directory, by id or work email, to put in the pool. */
export function personNamed(
  sql: Sql,
  by: { id?: string; email?: string },
): Promise<{ id: string; name: string } | undefined> {
  return sql.maybeOne<{ id: string; name: string }>(
    `SELECT id, first_name || ' ' || last_name AS name FROM people
      WHERE merged_into IS NULL AND status = 'active' AND (id = $1 OR email_key = lower($2))`,
    [by.id ?? null, by.email ?? null],
  )
}

export type TrainerBooking = { sessionId: string; personId: string; courseTitle: string; parts: Part[] }

/** The other live sessions these people are training on, with their parts, to check for double-booking. */
export async function sessionsTrainedBy(
  sql: Sql,
  personIds: readonly string[],
  exceptSessionId: string | null,
): Promise<TrainerBooking[]> {
  if (!personIds.length) return []
  const rows = await sql.query<{
    sessionId: string
    personId: string
    courseTitle: string
    parts: { startsAt: string; endsAt: string }[]
  }>(
    `SELECT t.session_id AS "sessionId", t.person_id AS "personId", c.title AS "courseTitle",
            (SELECT json_agg(json_build_object('startsAt', p.starts_at, 'endsAt', p.ends_at))
               FROM session_parts p WHERE p.session_id = s.id) AS parts
       FROM session_trainers t JOIN sessions s ON s.id = t.session_id JOIN courses c ON c.id = s.course_id
      WHERE t.person_id = ANY($1::uuid[]) AND s.status <> 'cancelled' AND ($2::uuid IS NULL OR s.id <> $2)`,
    [personIds, exceptSessionId],
  )
  return rows.map((r) => ({
    ...r,
    parts: (r.parts ?? []).map((p) => ({ startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) })),
  }))
}
