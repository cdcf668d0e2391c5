import type { Sql } from '#platform/db/database.ts'

/** A person as the trainer pool's pages name them, with the sign-in their record is linked to. */
export type TrainerPerson = {
  id: string
  name: string
  firstName: string
  email: string
  userId: string | null
}

export function personById(sql: Sql, id: string): Promise<TrainerPerson | undefined> {
  return sql.maybeOne<TrainerPerson>(
    `SELECT id, first_name || ' ' || last_name AS name, first_name AS "firstName", email, user_id AS "userId"
       FROM people WHERE id = $1`,
    [id],
  )
}

/** The directory person a signed-in user is, in the partnership. */
export function personOfUser(sql: Sql, userId: string): Promise<TrainerPerson | undefined> {
  return sql.maybeOne<TrainerPerson>(
    `SELECT id, first_name || ' ' || last_name AS name, first_name AS "firstName", email, user_id AS "userId"
       FROM people WHERE user_id = $1 AND merged_into IS NULL ORDER BY created_at LIMIT 1`,
    [userId],
  )
}

/** The person an approval is for, so the API can take either id. */
export async function personOfApproval(sql: Sql, approvalId: string): Promise<string | undefined> {
  const row = await sql.maybeOne<{ personId: string }>(
    'SELECT person_id AS "personId" FROM trainer_approvals WHERE id = $1',
    [approvalId],
  )
  return row?.personId
}

/**
 * Locks a person's approvals that are not withdrawn, for a CPD return to renew; none when
 * they are not in the pool. Held until the transaction ends, so a withdrawal waits for it.
 */
export function lockLiveApprovals(sql: Sql, personId: string): Promise<{ id: string; trainedOn: string }[]> {
  return sql.query<{ id: string; trainedOn: string }>(
    `SELECT id, to_char(trained_on, 'YYYY-MM-DD') AS "trainedOn" FROM trainer_approvals
      WHERE person_id = $1 AND withdrawn_at IS NULL ORDER BY id FOR UPDATE`,
    [personId],
  )
}

export type CpdReturnInput = {
  personId: string
  completedOn: string
  activities: string
  tenths: number
  deliveryUpdates: string
  reviewIds: readonly string[]
  byUser: string | null
  byLabel: string | null
}

export async function returnOn(sql: Sql, personId: string, completedOn: string): Promise<boolean> {
  const row = await sql.maybeOne(
    'SELECT 1 FROM trainer_cpd_returns WHERE person_id = $1 AND completed_on = $2',
    [personId, completedOn],
  )
  return Boolean(row)
}

export async function insertReturn(sql: Sql, partnershipId: string, input: CpdReturnInput): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO trainer_cpd_returns (partnership_id, person_id, completed_on, activities, tenths_of_hours,
                                      delivery_updates, reviews_read, by_user, by_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      partnershipId,
      input.personId,
      input.completedOn,
      input.activities,
      input.tenths,
      input.deliveryUpdates,
      input.reviewIds,
      input.byUser,
      input.byLabel,
    ],
  )
  return id
}

/**
 * Renews each of the person's approvals that is not withdrawn from the day of the return: its
 * last CPD questionnaire becomes that day, never moving back, and never before the training.
 */
export async function renewApprovals(sql: Sql, personId: string, on: string, now: Date): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE trainer_approvals
        SET cpd_completed_on = greatest(cpd_completed_on, $2::date, trained_on), updated_at = $3
      WHERE person_id = $1 AND withdrawn_at IS NULL
      RETURNING id`,
    [personId, on, now],
  )
  return rows.map((r) => r.id)
}

export type CpdReturn = {
  id: string
  personId: string
  completedOn: string
  activities: string
  tenths: number
  deliveryUpdates: string
  reviewIds: string[]
  byLabel: string | null
  byName: string | null
  createdAt: Date
}

const returnColumns = `r.id, r.person_id AS "personId", to_char(r.completed_on, 'YYYY-MM-DD') AS "completedOn",
  r.activities, r.tenths_of_hours AS tenths, r.delivery_updates AS "deliveryUpdates", r.reviews_read AS "reviewIds",
  r.by_label AS "byLabel", u.display_name AS "byName", r.created_at AS "createdAt"`

export function returnById(sql: Sql, id: string): Promise<CpdReturn | undefined> {
  return sql.maybeOne<CpdReturn>(
    `SELECT ${returnColumns} FROM trainer_cpd_returns r LEFT JOIN users u ON u.id = r.by_user WHERE r.id = $1`,
    [id],
  )
}

/** A trainer's CPD returns, newest first. */
export function returnsOf(sql: Sql, personId: string): Promise<CpdReturn[]> {
  return sql.query<CpdReturn>(
    `SELECT ${returnColumns} FROM trainer_cpd_returns r LEFT JOIN users u ON u.id = r.by_user
      WHERE r.person_id = $1 ORDER BY r.completed_on DESC, r.created_at DESC`,
    [personId],
  )
}

/** The day each of these people was last observed delivering a session, for those ever observed. */
export async function lastObservedOn(sql: Sql, personIds: readonly string[]): Promise<Map<string, string>> {
  if (!personIds.length) return new Map()
  const rows = await sql.query<{ personId: string; on: string }>(
    `SELECT t.person_id AS "personId", to_char(max(o.observed_on), 'YYYY-MM-DD') AS on
       FROM observations o JOIN session_trainers t ON t.session_id = o.session_id
      WHERE t.person_id = ANY($1::uuid[])
      GROUP BY t.person_id`,
    [personIds],
  )
  return new Map(rows.map((r) => [r.personId, r.on]))
}

export type DeliveredSession = { id: string; startsAt: Date; courseTitle: string; status: string }

/** Sessions a person trained on that were delivered or have ended (not cancelled), newest first. */
export function sessionsDeliveredBy(sql: Sql, personId: string, now: Date): Promise<DeliveredSession[]> {
  return sql.query<DeliveredSession>(
    `SELECT s.id, s.starts_at AS "startsAt", c.title AS "courseTitle", s.status
       FROM session_trainers t JOIN sessions s ON s.id = t.session_id JOIN courses c ON c.id = s.course_id
      WHERE t.person_id = $1 AND s.status <> 'cancelled' AND (s.status = 'delivered' OR s.ends_at <= $2)
      ORDER BY s.starts_at DESC, s.id`,
    [personId, now],
  )
}

/** Summed evaluation scores of a session: a sum and a count for each measure, to average. */
export type SessionScores = {
  sessionId: string
  responses: number
  agreement: { total: number; n: number }
  confidenceBefore: { total: number; n: number }
  confidenceAfter: { total: number; n: number }
}

/**
 * The evaluation sums of these sessions, from the totals kept per session as answers arrive
 * (evaluation_totals): responses after the course, agreement (1 to 5) at any stage, and
 * confidence (0 to 10) at booking and after the course.
 */
export async function scoresOf(sql: Sql, sessionIds: readonly string[]): Promise<SessionScores[]> {
  if (!sessionIds.length) return []
  const rows = await sql.query<{
    sessionId: string
    responses: number
    agreementTotal: number
    agreementN: number
    beforeTotal: number
    beforeN: number
    afterTotal: number
    afterN: number
  }>(
    `SELECT t.session_id AS "sessionId",
            coalesce(sum(t.n) FILTER (WHERE t.question_id = '' AND t.stage = 'after_course'), 0)::int AS responses,
            coalesce(sum(t.total) FILTER (WHERE q.kind = 'agreement'), 0)::float8 AS "agreementTotal",
            coalesce(sum(t.n) FILTER (WHERE q.kind = 'agreement'), 0)::int AS "agreementN",
            coalesce(sum(t.total) FILTER (WHERE q.kind = 'confidence' AND t.stage = 'at_booking'), 0)::float8 AS "beforeTotal",
            coalesce(sum(t.n) FILTER (WHERE q.kind = 'confidence' AND t.stage = 'at_booking'), 0)::int AS "beforeN",
            coalesce(sum(t.total) FILTER (WHERE q.kind = 'confidence' AND t.stage = 'after_course'), 0)::float8 AS "afterTotal",
            coalesce(sum(t.n) FILTER (WHERE q.kind = 'confidence' AND t.stage = 'after_course'), 0)::int AS "afterN"
       FROM evaluation_totals t
       JOIN questionnaire_versions v ON v.id = t.version_id
       LEFT JOIN LATERAL (
         SELECT e ->> 'kind' AS kind FROM jsonb_array_elements(v.questions) e WHERE e ->> 'id' = t.question_id LIMIT 1
       ) q ON true
      WHERE t.session_id = ANY($1::uuid[])
      GROUP BY t.session_id`,
    [sessionIds],
  )
  return rows.map((r) => ({
    sessionId: r.sessionId,
    responses: r.responses,
    agreement: { total: r.agreementTotal, n: r.agreementN },
    confidenceBefore: { total: r.beforeTotal, n: r.beforeN },
    confidenceAfter: { total: r.afterTotal, n: r.afterN },
  }))
}

export type ChaseCandidate = {
  personId: string
  firstName: string
  email: string
  approvals: {
    courseTitle: string
    trainedOn: string
    cpdCompletedOn: string | null
    withdrawnAt: Date | null
  }[]
}

/** Active people with an approval that is not withdrawn, with all their approvals: who may be asked for CPD. */
export function poolPeople(sql: Sql): Promise<ChaseCandidate[]> {
  return sql.query<ChaseCandidate>(
    `SELECT p.id AS "personId", p.first_name AS "firstName", p.email,
            json_agg(json_build_object('courseTitle', c.title, 'trainedOn', to_char(a.trained_on, 'YYYY-MM-DD'),
                     'cpdCompletedOn', to_char(a.cpd_completed_on, 'YYYY-MM-DD'), 'withdrawnAt', a.withdrawn_at)
                     ORDER BY lower(c.title)) AS approvals
       FROM trainer_approvals a JOIN people p ON p.id = a.person_id JOIN courses c ON c.id = a.course_id
      WHERE p.merged_into IS NULL AND p.status = 'active'
      GROUP BY p.id
     HAVING bool_or(a.withdrawn_at IS NULL)
      ORDER BY p.id`,
  )
}

/** Claims a CPD email for a trainer and lapse date; true when this call claimed it (so it sends). */
export async function claimChaser(
  sql: Sql,
  partnershipId: string,
  personId: string,
  lapsesOn: string,
  stage: 'request' | 'reminder',
): Promise<boolean> {
  const row = await sql.maybeOne(
    `INSERT INTO trainer_cpd_chasers (partnership_id, person_id, lapses_on, stage) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING person_id`,
    [partnershipId, personId, lapsesOn, stage],
  )
  return Boolean(row)
}
