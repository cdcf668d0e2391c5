import type { Sql } from '#platform/db/database.ts'
import { publishedStatuses } from './visibility.ts'

/**
 * A review as other features name it (knowledge audits choose published reviews to test):
 * its reference and anonymised title, and the agencies involved.
 */
export type ReviewHeadline = {
  id: string
  reference: string
  title: string
  status: string
  publishedOn: string | null
  agencyIds: string[]
}

const columns = `r.id, r.reference, r.title, r.status, r.published_on AS "publishedOn",
  coalesce((SELECT array_agg(a.agency_id ORDER BY a.agency_id) FROM review_agencies a WHERE a.review_id = r.id), '{}') AS "agencyIds"`

const published = `r.status IN (${publishedStatuses.map((s) => `'${s}'`).join(', ')})`

/** The published reviews (their report is public), newest first, for a form that chooses among them. */
export function publishedReviewHeadlines(sql: Sql): Promise<ReviewHeadline[]> {
  return sql.query<ReviewHeadline>(
    `SELECT ${columns} FROM reviews r WHERE ${published}
      ORDER BY r.published_on DESC NULLS LAST, r.reference, r.id`,
  )
}

/** These reviews of the partnership, in the order asked for; an unknown id is left out. */
export function reviewHeadlines(sql: Sql, ids: readonly string[]): Promise<ReviewHeadline[]> {
  if (!ids.length) return Promise.resolve([])
  return sql.query<ReviewHeadline>(
    `SELECT ${columns} FROM reviews r WHERE r.id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], r.id)`,
    [ids],
  )
}

/** Whether a review's report is public. */
export const isPublishedReview = (review: Pick<ReviewHeadline, 'status'>): boolean =>
  (publishedStatuses as readonly string[]).includes(review.status)
