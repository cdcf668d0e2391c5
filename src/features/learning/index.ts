import type { Sql } from '#platform/db/database.ts'
import type { ProductStatus, ProductType, ProductVisibility } from './words.ts'

/**
 * What other features may use of learning products: the words, and a product's headline as
 * lists, emails and audits show it. Dissemination, newsletters and knowledge audits read
 * products only through here.
 */
export * from './words.ts'

/** A product as other features name it. */
export type ProductHeadline = {
  id: string
  type: ProductType
  title: string
  summary: string
  status: ProductStatus
  visibility: ProductVisibility
  version: number
  publishedAt: Date | null
  audience: { workforce?: 'children' | 'adults' | 'both' | null; sectors?: string[]; tiers?: string[] }
  themeIds: string[]
  reviewIds: string[]
}

const headlineColumns = `p.id, p.type, p.title, p.summary, p.status, p.visibility, p.version,
  p.published_at AS "publishedAt", p.audience,
  coalesce((SELECT array_agg(t.theme_id) FROM learning_product_themes t WHERE t.product_id = p.id), '{}') AS "themeIds",
  coalesce((SELECT array_agg(r.review_id) FROM learning_product_reviews r WHERE r.product_id = p.id), '{}') AS "reviewIds"`

/** These products of the partnership, in the order asked for; an unknown id is left out. */
export function productHeadlines(sql: Sql, ids: readonly string[]): Promise<ProductHeadline[]> {
  if (!ids.length) return Promise.resolve([])
  return sql.query<ProductHeadline>(
    `SELECT ${headlineColumns} FROM learning_products p
      WHERE p.id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], p.id)`,
    [ids],
  )
}

/** The published products, newest first, for a form that chooses among them. */
export function publishedProductHeadlines(sql: Sql): Promise<ProductHeadline[]> {
  return sql.query<ProductHeadline>(
    `SELECT ${headlineColumns} FROM learning_products p
      WHERE p.status = 'published' ORDER BY p.published_at DESC, p.id`,
  )
}

/** The published products that come from any of these reviews. */
export function publishedProductsOfReviews(
  sql: Sql,
  reviewIds: readonly string[],
): Promise<ProductHeadline[]> {
  if (!reviewIds.length) return Promise.resolve([])
  return sql.query<ProductHeadline>(
    `SELECT ${headlineColumns} FROM learning_products p
      WHERE p.status = 'published'
        AND EXISTS (SELECT 1 FROM learning_product_reviews r WHERE r.product_id = p.id AND r.review_id = ANY($1::uuid[]))
      ORDER BY p.published_at DESC, p.id`,
    [reviewIds],
  )
}
