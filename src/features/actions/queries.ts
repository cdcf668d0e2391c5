import type { Sql } from '#platform/db/database.ts'
import type { ActionSource, ActionStatus } from './words.ts'

/** An action as every view reads it. `overdue` is worked out against the day given, never stored. */
export type Action = {
  id: string
  source: ActionSource
  reviewId: string | null
  reviewReference: string | null
  reviewTitle: string | null
  recommendationId: string | null
  /** For an action from an agency's self-assessment: the return, its round and the standard it answers. */
  qaReturnId: string | null
  qaRoundTitle: string | null
  qaStandardId: string | null
  qaStandardTitle: string | null
  /** For an action from an agency's audit action plan: the return and the standard it answers. */
  auditReturnId: string | null
  auditStandardId: string | null
  /** For an action from a case audit's recommendation: the case audit. */
  caseAuditId: string | null
  /** Where the action comes from, in words: a review's reference, or the self-assessment's agency and round. */
  sourceText: string
  /** The page of what the action comes from: the review, or the self-assessment. */
  sourceHref: string
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
  a.qa_return_id AS "qaReturnId", qro.title AS "qaRoundTitle", a.qa_standard_id AS "qaStandardId",
  qs.title AS "qaStandardTitle", a.audit_return_id AS "auditReturnId", a.audit_standard_id AS "auditStandardId",
  a.case_audit_id AS "caseAuditId",
  CASE a.source
    WHEN 'self_assessment' THEN 'Self-assessment: ' || coalesce(ag.name, '') || ', ' || coalesce(qro.title, '')
    WHEN 'audit_return' THEN 'Audit: ' || coalesce(ag.name, '') || ', ' || coalesce(acy.title, '')
      || coalesce(' (standard ' || ast.ref || ')', '')
    WHEN 'case_audit' THEN 'Case audit: ' || coalesce(ca.title, '')
    ELSE coalesce(r.reference, '') END AS "sourceText",
  CASE a.source
    WHEN 'self_assessment' THEN '/quality/returns/' || a.qa_return_id
    WHEN 'audit_return' THEN '/audits/returns/' || a.audit_return_id
    WHEN 'case_audit' THEN '/audits/case-audits/' || a.case_audit_id
    ELSE '/reviews/' || a.review_id END AS "sourceHref",
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
  LEFT JOIN qa_returns qr ON qr.id = a.qa_return_id
  LEFT JOIN qa_rounds qro ON qro.id = qr.round_id
  LEFT JOIN qa_standards qs ON qs.id = a.qa_standard_id
  LEFT JOIN audit_returns ar ON ar.id = a.audit_return_id
  LEFT JOIN audit_cycles acy ON acy.id = ar.cycle_id
  LEFT JOIN audit_standards ast ON ast.id = a.audit_standard_id
  LEFT JOIN case_audits ca ON ca.id = a.case_audit_id
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

/** The actions raised on an agency's self-assessment, by due date: what its page lists. */
export function actionsOfQaReturn(sql: Sql, returnId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.qa_return_id = $1
      ORDER BY a.due_on, a.created_at, a.id`,
    [returnId, today],
  )
}

/** The actions of an agency's audit action plan, by due date: what its return's page lists. */
export function actionsOfAuditReturn(sql: Sql, returnId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.audit_return_id = $1
      ORDER BY a.due_on, a.created_at, a.id`,
    [returnId, today],
  )
}

/** The actions raised on a case audit's recommendations, by recommendation then due date. */
export function actionsOfCaseAudit(sql: Sql, caseAuditId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.case_audit_id = $1
      ORDER BY a.recommendation_id, a.due_on, a.created_at, a.id`,
    [caseAuditId, today],
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

/** The recommendation an action is raised on, with what the raising rules read of its review. */
export type ActionSourceRecommendation = {
  id: string
  reviewId: string
  reviewReference: string
  reviewTitle: string
  reviewStatus: string
  notifiedOn: string
  text: string
  response: 'accepted' | 'partially_accepted' | 'not_accepted' | null
}

export function recommendationForActions(
  sql: Sql,
  id: string,
): Promise<ActionSourceRecommendation | undefined> {
  return sql.maybeOne<ActionSourceRecommendation>(
    `SELECT rec.id, rec.review_id AS "reviewId", r.reference AS "reviewReference", r.title AS "reviewTitle",
            r.status AS "reviewStatus", to_char(r.notified_on, 'YYYY-MM-DD') AS "notifiedOn", rec.text,
            rec.response
       FROM recommendations rec JOIN reviews r ON r.id = rec.review_id WHERE rec.id = $1`,
    [id],
  )
}

/** Someone who may own an action: a user with a membership in the partnership in scope. */
export function memberByEmail(
  sql: Sql,
  partnershipId: string,
  email: string,
): Promise<{ id: string } | undefined> {
  // The partnership named as well as scoped: a user may read their own memberships elsewhere.
  return sql.maybeOne<{ id: string }>(
    `SELECT u.id FROM users u
      WHERE lower(u.email) = lower($2) AND NOT u.disabled
        AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.partnership_id = $1)`,
    [partnershipId, email],
  )
}

export function currentAgencyExists(sql: Sql, id: string): Promise<boolean> {
  return sql
    .maybeOne('SELECT 1 FROM agencies WHERE id = $1 AND NOT archived', [id])
    .then((row) => row !== undefined)
}

/** One action the actor may see (see `visibleActionsSql`), or nothing. */
export function visibleActionById(
  sql: Sql,
  id: string,
  today: string,
  visible: { where: string; values: unknown[] },
  forUpdate = false,
): Promise<Action | undefined> {
  return sql.maybeOne<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.id = $1 AND ${visible.where}
      ${forUpdate ? 'FOR UPDATE OF a' : ''}`,
    [id, today, ...visible.values],
  )
}

/** An evidence file as the history lists it: never its content. */
export type EvidenceFile = { id: string; filename: string; contentType: string; sizeBytes: number }

/** A step in an action's history: progress, extension, verification or closure. */
export type ActionUpdate = {
  id: string
  kind: 'progress' | 'extension' | 'verification' | 'closure'
  note: string
  statusFrom: ActionStatus | null
  statusTo: ActionStatus | null
  evidenceUrl: string | null
  dueFrom: string | null
  dueTo: string | null
  by: string | null
  at: Date
  files: EvidenceFile[]
}

/** An action's history, oldest first, each with its evidence files. */
export function updatesOf(sql: Sql, actionId: string): Promise<ActionUpdate[]> {
  return sql.query<ActionUpdate>(
    `SELECT up.id, up.kind, up.note, up.status_from AS "statusFrom", up.status_to AS "statusTo",
            up.evidence_url AS "evidenceUrl", to_char(up.due_from, 'YYYY-MM-DD') AS "dueFrom",
            to_char(up.due_to, 'YYYY-MM-DD') AS "dueTo", coalesce(u.display_name, up.by_label) AS by, up.at,
            coalesce((SELECT json_agg(json_build_object('id', e.id, 'filename', e.filename,
                        'contentType', e.content_type, 'sizeBytes', e.size_bytes) ORDER BY e.created_at, e.id)
                        FROM action_evidence e WHERE e.update_id = up.id), '[]'::json) AS files
       FROM action_updates up LEFT JOIN users u ON u.id = up.by_user
      WHERE up.action_id = $1 ORDER BY up.at, up.id`,
    [actionId],
  )
}

/** One evidence file of one action, with its content: to send back as a download. */
export function evidenceFile(
  sql: Sql,
  actionId: string,
  fileId: string,
): Promise<(EvidenceFile & { content: Buffer }) | undefined> {
  return sql.maybeOne<EvidenceFile & { content: Buffer }>(
    `SELECT id, filename, content_type AS "contentType", size_bytes AS "sizeBytes", content
       FROM action_evidence WHERE id = $1 AND action_id = $2`,
    [fileId, actionId],
  )
}
