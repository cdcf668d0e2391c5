import type { Sql } from '#platform/db/database.ts'
import type { ActionStatus } from './words.ts'

/** An action as every view reads it. `overdue` is worked out against the day given, never stored. */
export type Action = {
  id: string
  source: 'recommendation'
  reviewId: string | null
  reviewReference: string | null
  reviewTitle: string | null
  recommendationId: string | null
  description: string
  owningAgencyId: string | null
  owningAgencyName: string | null
  owningSubgroupId: string | null
  owningSubgroupName: string | null
  ownerUserId: string
  ownerName: string
  ownerEmail: string
  successMeasure: string
  dueOn: string
  originalDueOn: string
  status: ActionStatus
  overdue: boolean
  verifiedBy: string | null
  verifiedAt: Date | null
  verificationNote: string | null
  createdAt: Date
  updatedAt: Date
}

/**
 * The columns of an action aliased `a`, with its review, owner and owning agency or sub-group;
 * `$today` is the parameter number holding today's date in the partnership's time zone.
 */
export const actionColumns = (today: number) => `a.id, a.source, a.review_id AS "reviewId",
  r.reference AS "reviewReference", r.title AS "reviewTitle", a.recommendation_id AS "recommendationId",
  a.description, a.owning_agency_id AS "owningAgencyId", ag.name AS "owningAgencyName",
  a.owning_subgroup_id AS "owningSubgroupId", sg.name AS "owningSubgroupName",
  a.owner_user_id AS "ownerUserId", u.display_name AS "ownerName", u.email AS "ownerEmail",
  a.success_measure AS "successMeasure", to_char(a.due_on, 'YYYY-MM-DD') AS "dueOn",
  to_char(a.original_due_on, 'YYYY-MM-DD') AS "originalDueOn", a.status,
  (a.status IN ('not_started', 'on_track', 'at_risk') AND a.due_on < $${today}::date) AS overdue,
  a.verified_by AS "verifiedBy", a.verified_at AS "verifiedAt", a.verification_note AS "verificationNote",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`

export const actionSource = `actions a
  JOIN users u ON u.id = a.owner_user_id
  LEFT JOIN reviews r ON r.id = a.review_id
  LEFT JOIN agencies ag ON ag.id = a.owning_agency_id
  LEFT JOIN subgroups sg ON sg.id = a.owning_subgroup_id`

/** A review's actions, by recommendation then due date: what the review page lists. */
export function actionsOfReview(sql: Sql, reviewId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.review_id = $1
      ORDER BY a.recommendation_id, a.due_on, a.created_at, a.id`,
    [reviewId, today],
  )
}

/** A review's actions not yet signed off: they keep the review from closing. */
export function openActionsOfReview(sql: Sql, reviewId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource}
      WHERE a.review_id = $1 AND a.status NOT IN ('verified', 'closed_not_achieved')
      ORDER BY a.due_on, a.created_at, a.id`,
    [reviewId, today],
  )
}
