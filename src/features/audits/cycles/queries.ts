import type { Sql } from '#platform/db/database.ts'
import type { AuditReturnStatus } from '../words.ts'

export type CycleSummary = {
  id: string
  title: string
  versionId: string
  templateId: string
  templateTitle: string
  version: number
  dueOn: string
  openedOn: string
  closedAt: Date | null
  surveyQuestionnaireId: string | null
  returns: number
  notStarted: number
  inProgress: number
  submitted: number
  challenge: number
  concluded: number
}

export type CycleReturn = {
  id: string
  agencyId: string
  agencyName: string
  agencyCategory: string
  status: AuditReturnStatus
  seniorLeadUserId: string | null
  seniorLeadName: string | null
  reviewerUserId: string | null
  reviewerName: string | null
  surveyId: string | null
  submittedAt: Date | null
  updatedAt: Date
  answered: number
  total: number
}

/**
 * Cycles with how many of their returns are at each status, newest first; `visible` limits
 * the returns counted (and the cycles listed) to those the actor may see.
 */
export function cyclesOf(
  sql: Sql,
  visible: { where: string; values: unknown[] },
  onlyWithReturns: boolean,
  id: string | null = null,
): Promise<CycleSummary[]> {
  const at = visible.values.length
  return sql.query<CycleSummary>(
    `SELECT c.id, c.title, c.version_id AS "versionId", v.template_id AS "templateId", t.title AS "templateTitle",
            v.version, to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn", to_char(c.opened_on, 'YYYY-MM-DD') AS "openedOn",
            c.closed_at AS "closedAt", c.survey_questionnaire_id AS "surveyQuestionnaireId",
            count(r.id)::int AS returns,
            count(r.id) FILTER (WHERE r.status = 'not_started')::int AS "notStarted",
            count(r.id) FILTER (WHERE r.status = 'in_progress')::int AS "inProgress",
            count(r.id) FILTER (WHERE r.status = 'submitted')::int AS submitted,
            count(r.id) FILTER (WHERE r.status = 'challenge')::int AS challenge,
            count(r.id) FILTER (WHERE r.status = 'concluded')::int AS concluded
       FROM audit_cycles c
       JOIN audit_template_versions v ON v.id = c.version_id JOIN audit_templates t ON t.id = v.template_id
       LEFT JOIN audit_returns r ON r.cycle_id = c.id AND ${visible.where}
      WHERE ($${at + 1}::uuid IS NULL OR c.id = $${at + 1})
      GROUP BY c.id, v.id, t.id
     HAVING NOT $${at + 2} OR count(r.id) > 0
      ORDER BY c.opened_on DESC, c.created_at DESC, c.id`,
    [...visible.values, id, onlyWithReturns],
  )
}

/** A cycle's returns the actor may see, by agency name, each with how many standards are answered. */
export function returnsOfCycle(
  sql: Sql,
  cycleId: string,
  visible: { where: string; values: unknown[] },
): Promise<CycleReturn[]> {
  const at = visible.values.length
  return sql.query<CycleReturn>(
    `SELECT r.id, r.agency_id AS "agencyId", ag.name AS "agencyName", ag.category AS "agencyCategory", r.status,
            r.senior_lead_user_id AS "seniorLeadUserId", sl.display_name AS "seniorLeadName",
            r.reviewer_user_id AS "reviewerUserId", rv.display_name AS "reviewerName", r.survey_id AS "surveyId",
            r.submitted_at AS "submittedAt", r.updated_at AS "updatedAt",
            (SELECT count(*)::int FROM audit_answers a WHERE a.return_id = r.id AND a.rating IS NOT NULL) AS answered,
            (SELECT count(*)::int FROM audit_standards s WHERE s.version_id = c.version_id) AS total
       FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id JOIN agencies ag ON ag.id = r.agency_id
       LEFT JOIN users sl ON sl.id = r.senior_lead_user_id LEFT JOIN users rv ON rv.id = r.reviewer_user_id
      WHERE r.cycle_id = $${at + 1} AND ${visible.where}
      ORDER BY lower(ag.name), r.id`,
    [...visible.values, cycleId],
  )
}

/** The users who may review returns, each with the agencies they belong to (by role or directory record). */
export function reviewerCandidates(
  sql: Sql,
  roles: readonly string[],
): Promise<{ userId: string; name: string; agencyIds: string[] }[]> {
  return sql.query(
    `SELECT u.id AS "userId", u.display_name AS name,
            array(SELECT DISTINCT x::text FROM (
                    SELECT unnest(m2.agency_ids) FROM memberships m2 WHERE m2.user_id = u.id
                    UNION SELECT p.agency_id FROM people p WHERE p.user_id = u.id AND p.agency_id IS NOT NULL) AS y(x))
              AS "agencyIds"
       FROM users u
      WHERE NOT u.disabled AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = ANY($1::text[]))
      ORDER BY lower(u.display_name), u.id`,
    [roles],
  )
}

/**
 * Claims the reminders due, in one statement per stage: seven days before the due date, and
 * the day after it, for returns not yet submitted in cycles still open. A return claimed is
 * never claimed again, so two passes at once never remind an agency twice.
 */
export function claimReminders(
  sql: Sql,
  now: Date,
  today: string,
  daysBefore: number,
): Promise<
  {
    id: string
    stage: 'before' | 'after'
    agencyId: string
    agencyName: string
    cycleTitle: string
    dueOn: string
  }[]
> {
  return sql.query(
    `WITH before AS (
       UPDATE audit_returns r SET reminded_before_at = $1
         FROM audit_cycles c
        WHERE c.id = r.cycle_id AND c.closed_at IS NULL AND r.status IN ('not_started', 'in_progress')
          AND r.reminded_before_at IS NULL
          AND c.due_on - $3::int <= $2::date AND c.due_on >= $2::date AND c.opened_on < $2::date
       RETURNING r.id, 'before'::text AS stage, r.agency_id, c.title, c.due_on),
     after AS (
       UPDATE audit_returns r SET reminded_after_at = $1
         FROM audit_cycles c
        WHERE c.id = r.cycle_id AND c.closed_at IS NULL AND r.status IN ('not_started', 'in_progress')
          AND r.reminded_after_at IS NULL AND c.due_on < $2::date
       RETURNING r.id, 'after'::text AS stage, r.agency_id, c.title, c.due_on)
     SELECT x.id, x.stage, x.agency_id AS "agencyId", ag.name AS "agencyName", x.title AS "cycleTitle",
            to_char(x.due_on, 'YYYY-MM-DD') AS "dueOn"
       FROM (SELECT * FROM before UNION ALL SELECT * FROM after) x JOIN agencies ag ON ag.id = x.agency_id
      ORDER BY x.due_on, lower(ag.name), x.stage`,
    [now, today, daysBefore],
  )
}
