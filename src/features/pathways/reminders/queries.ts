import type { Sql } from '#platform/db/database.ts'

export type ClaimedReminder = {
  personId: string
  email: string
  firstName: string
  requirement: string
  pathway: string
  dueOn: string
  ahead: '3 months' | '1 month'
}

/**
 * Claims the reminders due: each required requirement of a current person's pathway that
 * lapses within three months (the "1 month" reminder once within one), each once. The claim
 * and the email go in the same transaction, so a pass missed is made up by the next and no
 * one is reminded twice of the same date.
 */
export function claimReminders(
  sql: Sql,
  partnershipId: string,
  on: { today: string; inOneMonth: string; inThreeMonths: string },
): Promise<ClaimedReminder[]> {
  return sql.query<ClaimedReminder>(
    `WITH due AS (
       SELECT rs.person_id, rs.requirement_id, rs.due_on,
              CASE WHEN rs.due_on <= $3::date THEN '1 month' ELSE '3 months' END AS ahead
         FROM requirement_standings rs
         JOIN pathway_requirements r ON r.id = rs.requirement_id AND r.required
         JOIN people p ON p.id = rs.person_id AND p.status = 'active' AND p.merged_into IS NULL
        WHERE rs.due_on BETWEEN $2::date AND $4::date),
     claimed AS (
       INSERT INTO pathway_reminders (partnership_id, person_id, requirement_id, due_on, ahead)
       SELECT $1, person_id, requirement_id, due_on, ahead FROM due
       ON CONFLICT DO NOTHING
       RETURNING person_id, requirement_id, due_on, ahead)
     SELECT c.person_id AS "personId", p.email, p.first_name AS "firstName", r.title AS requirement,
            pw.title AS pathway, to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn", c.ahead
       FROM claimed c JOIN people p ON p.id = c.person_id
       JOIN pathway_requirements r ON r.id = c.requirement_id JOIN pathways pw ON pw.id = r.pathway_id
      ORDER BY p.email, c.due_on`,
    [partnershipId, on.today, on.inOneMonth, on.inThreeMonths],
  )
}

export type AgencySummary = {
  agencyId: string
  agencyName: string
  current: number
  dueSoon: number
  overdue: number
  notEvidenced: number
  noPathway: number
  awaiting: number
}

/**
 * Claims this month's summary for each agency with staff (once a month each), with its
 * staff counted by standing and the evidence waiting for its lead.
 */
export function claimSummaries(
  sql: Sql,
  partnershipId: string,
  on: { month: string; today: string; soon: string },
): Promise<AgencySummary[]> {
  return sql.query<AgencySummary>(
    `WITH claimed AS (
       INSERT INTO pathway_lead_summaries (partnership_id, agency_id, month)
       SELECT $1, a.id, $2::date FROM agencies a
        WHERE NOT a.archived AND EXISTS (SELECT 1 FROM people p WHERE p.agency_id = a.id AND p.status = 'active')
       ON CONFLICT DO NOTHING
       RETURNING agency_id)
     SELECT a.id AS "agencyId", a.name AS "agencyName",
            count(p.id) FILTER (WHERE p.pathway_missing = 0 AND (p.pathway_lapses_on IS NULL OR p.pathway_lapses_on > $4))::int AS current,
            count(p.id) FILTER (WHERE p.pathway_missing = 0 AND p.pathway_lapses_on BETWEEN $3 AND $4)::int AS "dueSoon",
            count(p.id) FILTER (WHERE p.pathway_missing = 0 AND p.pathway_lapses_on < $3)::int AS overdue,
            count(p.id) FILTER (WHERE p.pathway_missing > 0)::int AS "notEvidenced",
            count(p.id) FILTER (WHERE p.pathway_id IS NULL)::int AS "noPathway",
            (SELECT count(*)::int FROM learning_evidence e JOIN people q ON q.id = e.person_id
              WHERE q.agency_id = a.id AND e.status = 'awaiting') AS awaiting
       FROM claimed c JOIN agencies a ON a.id = c.agency_id
       LEFT JOIN people p ON p.agency_id = a.id AND p.status = 'active' AND p.merged_into IS NULL
      GROUP BY a.id, a.name ORDER BY lower(a.name)`,
    [partnershipId, on.month, on.today, on.soon],
  )
}
