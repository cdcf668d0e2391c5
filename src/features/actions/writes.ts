import type { Sql } from '#platform/db/database.ts'
import type { ActionStatus } from './words.ts'

type By = { byUser: string | null; byLabel: string | null }

export function insertAction(
  sql: Sql,
  partnershipId: string,
  action: {
    reviewId: string
    recommendationId: string
    description: string
    owningAgencyId: string | null
    owningSubgroupId: string | null
    ownerUserId: string
    successMeasure: string
    dueOn: string
  },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO actions (partnership_id, source, review_id, recommendation_id, description, owning_agency_id,
       owning_subgroup_id, owner_user_id, success_measure, due_on, original_due_on)
     VALUES ($1, 'recommendation', $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [
      partnershipId,
      action.reviewId,
      action.recommendationId,
      action.description,
      action.owningAgencyId,
      action.owningSubgroupId,
      action.ownerUserId,
      action.successMeasure,
      action.dueOn,
    ],
  )
}

/**
 * Raises the actions a reviewer sets when an agency's self-assessment is assured with actions:
 * owned by the agency, with a named owner from its leads, each perhaps answering one standard.
 */
export async function raiseSelfAssessmentActions(
  sql: Sql,
  partnershipId: string,
  source: { qaReturnId: string; owningAgencyId: string; ownerUserId: string },
  actions: readonly {
    description: string
    successMeasure: string
    dueOn: string
    standardId?: string | null
  }[],
): Promise<string[]> {
  const ids: string[] = []
  for (const action of actions) {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO actions (partnership_id, source, qa_return_id, qa_standard_id, description, owning_agency_id,
         owner_user_id, success_measure, due_on, original_due_on)
       VALUES ($1, 'self_assessment', $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
      [
        partnershipId,
        source.qaReturnId,
        action.standardId ?? null,
        action.description,
        source.owningAgencyId,
        source.ownerUserId,
        action.successMeasure,
        action.dueOn,
      ],
    )
    ids.push(row.id)
  }
  return ids
}

/**
 * Raises an agency's audit action plan: actions owned by the agency, with a named owner from its
 * leads, each answering a standard the agency's return rated below good.
 */
export async function raiseAuditReturnActions(
  sql: Sql,
  partnershipId: string,
  source: { auditReturnId: string; owningAgencyId: string },
  actions: readonly {
    description: string
    successMeasure: string
    dueOn: string
    ownerUserId: string
    standardId: string | null
  }[],
): Promise<string[]> {
  const ids: string[] = []
  for (const action of actions) {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO actions (partnership_id, source, audit_return_id, audit_standard_id, description, owning_agency_id,
         owner_user_id, success_measure, due_on, original_due_on)
       VALUES ($1, 'audit_return', $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
      [
        partnershipId,
        source.auditReturnId,
        action.standardId,
        action.description,
        source.owningAgencyId,
        action.ownerUserId,
        action.successMeasure,
        action.dueOn,
      ],
    )
    ids.push(row.id)
  }
  return ids
}

/** Raises an action on a case audit's recommendation, owned by an agency or a sub-group. */
export function insertCaseAuditAction(
  sql: Sql,
  partnershipId: string,
  action: {
    caseAuditId: string
    recommendationId: string
    description: string
    owningAgencyId: string | null
    owningSubgroupId: string | null
    ownerUserId: string
    successMeasure: string
    dueOn: string
  },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO actions (partnership_id, source, case_audit_id, recommendation_id, description, owning_agency_id,
       owning_subgroup_id, owner_user_id, success_measure, due_on, original_due_on)
     VALUES ($1, 'case_audit', $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [
      partnershipId,
      action.caseAuditId,
      action.recommendationId,
      action.description,
      action.owningAgencyId,
      action.owningSubgroupId,
      action.ownerUserId,
      action.successMeasure,
      action.dueOn,
    ],
  )
}

export function insertUpdate(
  sql: Sql,
  partnershipId: string,
  actionId: string,
  update: {
    kind: 'progress' | 'extension' | 'verification' | 'closure'
    note: string
    statusFrom?: ActionStatus | null
    statusTo?: ActionStatus | null
    evidenceUrl?: string | null
    dueFrom?: string | null
    dueTo?: string | null
  } & By,
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO action_updates (partnership_id, action_id, kind, note, status_from, status_to, evidence_url,
       due_from, due_to, by_user, by_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      partnershipId,
      actionId,
      update.kind,
      update.note,
      update.statusFrom ?? null,
      update.statusTo ?? null,
      update.evidenceUrl ?? null,
      update.dueFrom ?? null,
      update.dueTo ?? null,
      update.byUser,
      update.byLabel,
    ],
  )
}

export function insertEvidence(
  sql: Sql,
  partnershipId: string,
  file: { actionId: string; updateId: string; filename: string; contentType: string; content: Buffer },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    `INSERT INTO action_evidence (partnership_id, action_id, update_id, filename, content_type, size_bytes, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      partnershipId,
      file.actionId,
      file.updateId,
      file.filename,
      file.contentType,
      file.content.length,
      file.content,
    ],
  )
}

export async function setStatus(sql: Sql, id: string, status: ActionStatus, now: Date): Promise<void> {
  await sql.query('UPDATE actions SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now])
}

/** Moves the due date; the date first agreed stays as it was. */
export async function setDueOn(sql: Sql, id: string, dueOn: string, now: Date): Promise<void> {
  await sql.query('UPDATE actions SET due_on = $2, updated_at = $3 WHERE id = $1', [id, dueOn, now])
}

export async function markVerified(
  sql: Sql,
  id: string,
  verification: { by: string; note: string; at: Date },
): Promise<void> {
  await sql.query(
    `UPDATE actions SET status = 'verified', verified_by = $2, verified_at = $3, verification_note = $4,
       updated_at = $3 WHERE id = $1`,
    [id, verification.by, verification.at, verification.note],
  )
}

/**
 * Closes an open action as not achieved, keeping the reason as its closing update: what a
 * review's closure does to the actions it closes over (and an audit's, later).
 */
export async function closeNotAchieved(
  sql: Sql,
  partnershipId: string,
  action: { id: string; status: ActionStatus },
  note: string,
  by: By,
  now: Date,
): Promise<void> {
  await setStatus(sql, action.id, 'closed_not_achieved', now)
  await insertUpdate(sql, partnershipId, action.id, {
    kind: 'closure',
    note,
    statusFrom: action.status,
    statusTo: 'closed_not_achieved',
    ...by,
  })
}
