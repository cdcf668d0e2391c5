import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Sql } from '#platform/db/database.ts'

/**
 * What a digest is read against: the financial year's first month, the day records begin, and
 * how long an agency has to answer a product before it is reminded.
 */
export type Calendar = { startMonth: number; since: string; disseminationReminderDays: number }

/**
 * The partnership's financial year (from the policy in force today) and the day its records
 * begin: its first policy, or when it joined if earlier. The same reading as the report's, so a
 * digest refuses and allows exactly the quarters the report does.
 */
export async function calendarOn(sql: Sql, partnershipId: string, today: string): Promise<Calendar> {
  const [rules, since] = await Promise.all([
    rulesInForceOn(sql, today),
    sql.one<{ since: string }>(
      `SELECT to_char(least((SELECT min(effective_from) FROM policies),
                            (SELECT (created_at AT TIME ZONE 'Europe/London')::date FROM partnerships WHERE id = $1)),
                      'YYYY-MM-DD') AS since`,
      [partnershipId],
    ),
  ])
  return {
    startMonth: rules.financialYearStartMonth,
    since: since.since,
    disseminationReminderDays: rules.disseminationReminderDays,
  }
}
