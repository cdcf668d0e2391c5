import type { Sql } from '#platform/db/database.ts'
import type { ActionFilter } from './forms.ts'
import type { Action } from './queries.ts'
import { actionColumns, actionSource } from './queries.ts'

/** Whose actions a list is narrowed to, beyond what the actor may see: "our actions". */
export type Ours = { userId: string | null; agencyIds: readonly string[] }

/**
 * The actions matching the tracker's filters that the actor may see, by due date, a page at a
 * time (or all of them, for the download), with how many match in all.
 */
export async function actionsMatching(
  sql: Sql,
  options: {
    filter: Omit<ActionFilter, 'page'>
    today: string
    /** The visibility rule as SQL, its parameters numbered from the one given. */
    visible: (next: number) => { where: string; values: unknown[] }
    ours?: Ours
    page?: { number: number; size: number }
  },
): Promise<{ items: Action[]; total: number }> {
  const { filter } = options
  const values: unknown[] = [options.today]
  const where: string[] = []
  const param = (value: unknown) => {
    values.push(value)
    return `$${values.length}`
  }
  if (filter.agencyId) where.push(`a.owning_agency_id = ${param(filter.agencyId)}::uuid`)
  if (filter.status) where.push(`a.status = ${param(filter.status)}`)
  if (filter.overdue) where.push(`a.status IN ('not_started', 'on_track', 'at_risk') AND a.due_on < $1::date`)
  if (filter.theme)
    where.push(`EXISTS (SELECT 1 FROM review_themes rt
      WHERE rt.review_id = a.review_id AND rt.theme_id = ${param(filter.theme)}::uuid)`)
  if (filter.month) where.push(`to_char(a.due_on, 'YYYY-MM') = ${param(filter.month)}`)
  if (filter.reviewId) where.push(`a.review_id = ${param(filter.reviewId)}::uuid`)
  if (options.ours)
    where.push(`(a.owner_user_id = ${param(options.ours.userId)}::uuid
      OR a.owning_agency_id = ANY(${param(options.ours.agencyIds)}::uuid[]))`)
  const visible = options.visible(values.length + 1)
  values.push(...visible.values)
  where.push(visible.where)
  let limit = ''
  if (options.page) {
    limit = `LIMIT ${param(options.page.size)} OFFSET ${param((options.page.number - 1) * options.page.size)}`
  }
  const rows = await sql.query<Action & { total: number }>(
    `SELECT ${actionColumns(1)}, (count(*) OVER ())::int AS total FROM ${actionSource}
      WHERE ${where.join(' AND ')} ORDER BY a.due_on, r.reference, a.created_at, a.id ${limit}`,
    values,
  )
  const total = rows[0]?.total ?? 0
  return { items: rows.map(({ total: _, ...action }) => action), total }
}

/** The reviews that have actions, by reference: the tracker's review filter offers these. */
export function reviewsWithActions(sql: Sql): Promise<{ id: string; reference: string; title: string }[]> {
  return sql.query(
    `SELECT r.id, r.reference, r.title FROM reviews r
      WHERE EXISTS (SELECT 1 FROM actions a WHERE a.review_id = r.id) ORDER BY lower(r.reference), r.id`,
  )
}

/** What waits on the home page: the actor's own actions overdue, and completed actions others own. */
export function actionsWaiting(
  sql: Sql,
  userId: string | null,
  today: string,
  agencyIds: readonly string[],
): Promise<{ overdueOwned: number; overdueOfAgencies: number; toVerify: number }> {
  return sql.one(
    `SELECT count(*) FILTER (WHERE a.owner_user_id = $1::uuid AND a.status IN ('not_started', 'on_track', 'at_risk')
                               AND a.due_on < $2::date)::int AS "overdueOwned",
            count(*) FILTER (WHERE a.owning_agency_id = ANY($3::uuid[]) AND a.owner_user_id IS DISTINCT FROM $1::uuid
                               AND a.status IN ('not_started', 'on_track', 'at_risk') AND a.due_on < $2::date)::int
              AS "overdueOfAgencies",
            count(*) FILTER (WHERE a.status = 'completed' AND a.owner_user_id IS DISTINCT FROM $1::uuid)::int AS "toVerify"
       FROM actions a`,
    [userId, today, agencyIds],
  )
}
