import type { DeliveryMethod } from '#features/courses/forms.ts'
import { citedByNeed, citeFromNeed } from '#features/reviews/citations.ts'
import type { Sql } from '#platform/db/database.ts'
import type { IdentificationSource, NeedFilter, NeedInput, NeedStatus } from './forms.ts'

/** The sub-group's proposal, as kept: delivery in whole half days, cost in pence. */
export type NeedProposal = {
  recommendedMethod: DeliveryMethod
  estimatedDeliveryHalfDays: number
  estimatedCostPence: number
  financialYear: number
  summary: string | null
}

export type Need = {
  id: string
  status: NeedStatus
  identifiedBy: IdentificationSource
  identifiedOther: string | null
  practiceChange: string
  targetAudience: string
  effectivenessMeasure: string
  preferredMethods: DeliveryMethod[]
  themes: string[]
  /** The case-review findings the request asks learning for. */
  findings: string[]
  requestedBy: string | null
  requesterName: string | null
  proposal: NeedProposal | null
  decisionReason: string | null
  decidedAt: Date | null
  courseId: string | null
  courseTitle: string | null
  createdAt: Date
  updatedAt: Date
}

export type NeedTransition = {
  from: NeedStatus | null
  to: NeedStatus
  by: string | null
  reason: string | null
  proposal: NeedProposal | null
  at: Date
}

const needColumns = `n.id, n.status, n.identified_by AS "identifiedBy", n.identified_other AS "identifiedOther",
  n.practice_change AS "practiceChange", n.target_audience AS "targetAudience",
  n.effectiveness_measure AS "effectivenessMeasure", n.preferred_methods AS "preferredMethods",
  coalesce((SELECT array_agg(nt.theme_id ORDER BY nt.theme_id) FROM need_themes nt WHERE nt.need_id = n.id), '{}') AS themes,
  ${citedByNeed},
  n.requested_by AS "requestedBy", u.display_name AS "requesterName",
  CASE WHEN n.recommended_method IS NULL THEN NULL ELSE json_build_object(
    'recommendedMethod', n.recommended_method, 'estimatedDeliveryHalfDays', n.estimated_delivery_half_days,
    'estimatedCostPence', n.estimated_cost_pence, 'financialYear', n.financial_year, 'summary', n.proposal_summary)
  END AS proposal,
  n.decision_reason AS "decisionReason", n.decided_at AS "decidedAt", n.course_id AS "courseId",
  c.title AS "courseTitle", n.created_at AS "createdAt", n.updated_at AS "updatedAt"`

const needSource =
  'needs n LEFT JOIN users u ON u.id = n.requested_by LEFT JOIN courses c ON c.id = n.course_id'

/** One need; `forUpdate` holds it until the transaction ends, so two decisions cannot cross. */
export async function needById(sql: Sql, id: string, forUpdate = false): Promise<Need | undefined> {
  if (forUpdate) await sql.query('SELECT 1 FROM needs WHERE id = $1 FOR UPDATE', [id])
  return sql.maybeOne<Need>(`SELECT ${needColumns} FROM ${needSource} WHERE n.id = $1`, [id])
}

/** Needs by status, newest first; only one requester's when `requestedBy` is given. */
export async function needsMatching(sql: Sql, filter: NeedFilter, requestedBy: string | null) {
  const where = '($1::text IS NULL OR n.status = $1) AND ($2::uuid IS NULL OR n.requested_by = $2)'
  const values = [filter.status ?? null, requestedBy]
  const items = await sql.query<Need>(
    `SELECT ${needColumns} FROM ${needSource} WHERE ${where} ORDER BY n.created_at DESC, n.id LIMIT $3 OFFSET $4`,
    [...values, filter.pageSize, (filter.page - 1) * filter.pageSize],
  )
  const { total } = await sql.one<{ total: number }>(
    `SELECT count(*)::int AS total FROM needs n WHERE ${where}`,
    values,
  )
  return { items, total }
}

/** The requester's directory record, when they have one, so needs can be counted by agency. */
export async function personOfUser(sql: Sql, userId: string): Promise<string | null> {
  const row = await sql.maybeOne<{ id: string }>(
    `SELECT id FROM people WHERE user_id = $1 AND merged_into IS NULL AND status = 'active'
      ORDER BY created_at DESC LIMIT 1`,
    [userId],
  )
  return row?.id ?? null
}

/** Where to tell the requester of each step; nothing when the need was recorded without a user. */
export async function requesterOf(
  sql: Sql,
  need: Pick<Need, 'requestedBy'>,
): Promise<{ email: string; name: string } | undefined> {
  if (!need.requestedBy) return undefined
  return sql.maybeOne<{ email: string; name: string }>(
    'SELECT email, display_name AS name FROM users WHERE id = $1 AND NOT disabled',
    [need.requestedBy],
  )
}

export async function insertNeed(
  sql: Sql,
  partnershipId: string,
  need: NeedInput,
  requester: { userId: string | null; personId: string | null },
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO needs (partnership_id, requested_by, person_id, identified_by, identified_other, practice_change,
       target_audience, effectiveness_measure, preferred_methods)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      partnershipId,
      requester.userId,
      requester.personId,
      need.identifiedBy,
      need.identifiedBy === 'other' ? need.identifiedOther : null,
      need.practiceChange,
      need.targetAudience,
      need.effectivenessMeasure,
      [...new Set(need.preferredMethods)],
    ],
  )
  await sql.query(
    `INSERT INTO need_themes (partnership_id, need_id, theme_id) SELECT $1, $2, unnest($3::uuid[])
     ON CONFLICT DO NOTHING`,
    [partnershipId, id, need.themes],
  )
  await citeFromNeed(sql, partnershipId, id, need.findings)
  return id
}

export function writeProposal(sql: Sql, id: string, proposal: NeedProposal, now: Date): Promise<unknown> {
  return sql.query(
    `UPDATE needs SET status = 'proposed', recommended_method = $2, estimated_delivery_half_days = $3,
       estimated_cost_pence = $4, financial_year = $5, proposal_summary = $6, updated_at = $7
     WHERE id = $1`,
    [
      id,
      proposal.recommendedMethod,
      proposal.estimatedDeliveryHalfDays,
      proposal.estimatedCostPence,
      proposal.financialYear,
      proposal.summary,
      now,
    ],
  )
}

export function writeDecision(
  sql: Sql,
  id: string,
  status: 'endorsed' | 'declined',
  reason: string | null,
  now: Date,
): Promise<unknown> {
  return sql.query(
    'UPDATE needs SET status = $2, decision_reason = $3, decided_at = $4, updated_at = $4 WHERE id = $1',
    [id, status, reason, now],
  )
}

export function linkToCourse(sql: Sql, id: string, courseId: string, now: Date): Promise<unknown> {
  return sql.query('UPDATE needs SET course_id = $2, updated_at = $3 WHERE id = $1', [id, courseId, now])
}

export function recordTransition(
  sql: Sql,
  partnershipId: string,
  move: {
    needId: string
    from: NeedStatus | null
    to: NeedStatus
    byUser: string | null
    byLabel: string | null
    reason: string | null
    proposal: NeedProposal | null
  },
): Promise<unknown> {
  return sql.query(
    `INSERT INTO need_transitions (partnership_id, need_id, from_status, to_status, by_user, by_label, reason, proposal)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      partnershipId,
      move.needId,
      move.from,
      move.to,
      move.byUser,
      move.byLabel,
      move.reason,
      move.proposal ? JSON.stringify(move.proposal) : null,
    ],
  )
}

/** A need's history, oldest first. */
export function transitionsOf(sql: Sql, needId: string): Promise<NeedTransition[]> {
  return sql.query<NeedTransition>(
    `SELECT t.from_status AS "from", t.to_status AS "to", coalesce(u.display_name, t.by_label) AS by,
            t.reason, t.proposal, t.at
       FROM need_transitions t LEFT JOIN users u ON u.id = t.by_user
      WHERE t.need_id = $1 ORDER BY t.at, t.id`,
    [needId],
  )
}

/** Endorsed needs proposed for any of these programme years, oldest decision first. */
export function endorsedIn(sql: Sql, financialYears: readonly number[]): Promise<Need[]> {
  return sql.query<Need>(
    `SELECT ${needColumns} FROM ${needSource}
      WHERE n.status = 'endorsed' AND n.financial_year = ANY($1::int[])
      ORDER BY n.financial_year, n.decided_at, n.id`,
    [financialYears],
  )
}
