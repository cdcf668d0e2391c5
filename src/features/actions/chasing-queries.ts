import type { Sql } from '#platform/db/database.ts'
import type { Action } from './queries.ts'
import { actionColumns, actionSource } from './queries.ts'
import { unfinishedStatuses } from './words.ts'

/**
 * The chasing emails' claims and reads. Each claim inserts into action_chasers with ON CONFLICT
 * DO NOTHING and returns only what it inserted, in the transaction that writes the emails: a
 * second run, or a second worker at the same moment, claims nothing and so sends nothing.
 */

/** How many days before its due date an owner is reminded of an action. */
export const REMINDER_DAYS = 14

const unfinished = `a.status IN (${unfinishedStatuses.map((s) => `'${s}'`).join(', ')})`
// An email goes only to someone who can still sign in to act on it.
const reachable = 'NOT u.disabled'

/**
 * Claims a reminder for each unfinished action due within the next 14 days (today included) not
 * yet reminded of that due date, and gives those actions. The key carries the due date, so an
 * extension to a later date is reminded again.
 */
export async function claimDueReminders(sql: Sql, partnershipId: string, today: string): Promise<Action[]> {
  return sql.query<Action>(
    `WITH claimed AS (
       INSERT INTO action_chasers (partnership_id, kind, key)
       SELECT $1, 'due_reminder', a.id || '/' || to_char(a.due_on, 'YYYY-MM-DD')
         FROM actions a JOIN users u ON u.id = a.owner_user_id
        WHERE ${unfinished} AND ${reachable}
          AND a.due_on >= $2::date AND a.due_on <= $2::date + ${REMINDER_DAYS}
       ON CONFLICT DO NOTHING
       RETURNING key)
     SELECT ${actionColumns(2)} FROM ${actionSource}
       JOIN claimed c ON c.key = a.id || '/' || to_char(a.due_on, 'YYYY-MM-DD')
      ORDER BY a.due_on, a.id`,
    [partnershipId, today],
  )
}

export type DigestRecipient = {
  userId: string
  email: string
  name: string
  /** Overdue actions the recipient owns. */
  own: string[]
  /** Overdue actions an agency they lead owns, that someone else owns. */
  agency: string[]
}

/**
 * Claims this ISO week's overdue digest for each owner of an overdue action and each agency
 * lead whose agency owns one, and gives whom to send it to with which actions.
 */
export async function claimOverdueDigests(
  sql: Sql,
  partnershipId: string,
  today: string,
  week: string,
): Promise<DigestRecipient[]> {
  return sql.query<DigestRecipient>(
    `WITH overdue AS (
       SELECT a.id, a.owner_user_id, a.owning_agency_id FROM actions a
        WHERE ${unfinished} AND a.due_on < $2::date),
     owed AS (
       SELECT o.owner_user_id AS user_id, o.id, true AS own FROM overdue o
       UNION
       SELECT m.user_id, o.id, false FROM overdue o
         JOIN memberships m ON m.role = 'agency-lead' AND o.owning_agency_id = ANY(m.agency_ids)
        WHERE m.user_id <> o.owner_user_id),
     claimed AS (
       INSERT INTO action_chasers (partnership_id, kind, key)
       SELECT DISTINCT $1::uuid, 'overdue_digest', w.user_id || '/' || $3
         FROM owed w JOIN users u ON u.id = w.user_id WHERE ${reachable}
       ON CONFLICT DO NOTHING
       RETURNING key)
     SELECT u.id AS "userId", u.email, u.display_name AS name,
            coalesce(array_agg(w.id::text ORDER BY w.id) FILTER (WHERE w.own), '{}') AS own,
            coalesce(array_agg(w.id::text ORDER BY w.id) FILTER (WHERE NOT w.own), '{}') AS agency
       FROM claimed c JOIN owed w ON c.key = w.user_id || '/' || $3
       JOIN users u ON u.id = w.user_id
      GROUP BY u.id, u.email, u.display_name
      ORDER BY u.email`,
    [partnershipId, today, week],
  )
}

/** Actions by id, soonest due first: what a digest lists. */
export function actionsByIds(sql: Sql, ids: readonly string[], today: string): Promise<Action[]> {
  if (!ids.length) return Promise.resolve([])
  return sql.query<Action>(
    `SELECT ${actionColumns(2)} FROM ${actionSource} WHERE a.id = ANY($1::uuid[]) ORDER BY a.due_on, a.id`,
    [ids, today],
  )
}

/** The sub-group summary's subject: unfinished actions that are overdue or at risk. */
const needingAttention = (today: number) =>
  `${unfinished} AND (a.due_on < $${today}::date OR a.status = 'at_risk')`

/**
 * Claims this month's sub-group summary when some action is overdue or at risk, and gives those
 * actions; nothing, and no claim, when none is, so a later run that month may still send one.
 */
export async function claimSubgroupSummary(
  sql: Sql,
  partnershipId: string,
  today: string,
  month: string,
): Promise<Action[]> {
  const claimed = await sql.maybeOne(
    `INSERT INTO action_chasers (partnership_id, kind, key)
     SELECT $1, 'subgroup_summary', $3
      WHERE EXISTS (SELECT 1 FROM actions a WHERE ${needingAttention(2)})
     ON CONFLICT DO NOTHING
     RETURNING key`,
    [partnershipId, today, month],
  )
  if (!claimed) return []
  return sql.query<Action>(
    `SELECT ${actionColumns(1)} FROM ${actionSource} WHERE ${needingAttention(1)} ORDER BY a.due_on, a.id`,
    [today],
  )
}

export type Recipient = { email: string; name: string }

/** The sub-group's members, or when it has none the partnership's admins: who reads the summary. */
export function summaryRecipients(sql: Sql): Promise<Recipient[]> {
  return sql.query<Recipient>(
    `WITH ranked AS (
       SELECT DISTINCT u.email, u.display_name AS name, m.role FROM memberships m
         JOIN users u ON u.id = m.user_id
        WHERE m.role IN ('subgroup', 'admin') AND ${reachable})
     SELECT DISTINCT email, name FROM ranked
      WHERE role = 'subgroup' OR NOT EXISTS (SELECT 1 FROM ranked WHERE role = 'subgroup')
      ORDER BY email`,
  )
}
