import type { Sql } from '#platform/db/database.ts'
import type { LibraryFilter, ProductAudience, ProductLink } from './forms.ts'
import { PRODUCTS_A_PAGE } from './forms.ts'
import type { ProductSnapshot } from './rules.ts'
import type { ProductStatus, ProductType, ProductVisibility } from './words.ts'

/** A product with what its pages and the API show. */
export type Product = {
  id: string
  type: ProductType
  title: string
  summary: string
  body: string
  links: ProductLink[]
  audience: ProductAudience
  status: ProductStatus
  visibility: ProductVisibility
  reviewBy: string | null
  version: number
  publishedAt: Date | null
  createdAt: Date
  updatedAt: Date
  themeIds: string[]
  reviewIds: string[]
  findingIds: string[]
}

export type ProductFile = {
  id: string
  filename: string
  contentType: string
  sizeBytes: number
  createdAt: Date
}

export type ProductVersion = {
  version: number
  changes: string
  changeNote: string | null
  by: string | null
  at: Date
}

/** A product as the library lists it. */
export type LibraryItem = {
  id: string
  type: ProductType
  title: string
  summary: string
  visibility: ProductVisibility
  status: ProductStatus
  publishedAt: Date | null
  version: number
  reviewBy: string | null
  themes: string[]
}

const productColumns = `p.id, p.type, p.title, p.summary, p.body, p.links, p.audience, p.status, p.visibility,
  to_char(p.review_by, 'YYYY-MM-DD') AS "reviewBy", p.version, p.published_at AS "publishedAt",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  coalesce((SELECT array_agg(t.theme_id ORDER BY t.theme_id) FROM learning_product_themes t WHERE t.product_id = p.id), '{}') AS "themeIds",
  coalesce((SELECT array_agg(r.review_id ORDER BY r.review_id) FROM learning_product_reviews r WHERE r.product_id = p.id), '{}') AS "reviewIds",
  coalesce((SELECT array_agg(f.finding_id ORDER BY f.finding_id) FROM learning_product_findings f WHERE f.product_id = p.id), '{}') AS "findingIds"`

export function productById(sql: Sql, id: string, forUpdate = false): Promise<Product | undefined> {
  return sql.maybeOne<Product>(
    `SELECT ${productColumns} FROM learning_products p WHERE p.id = $1${forUpdate ? ' FOR UPDATE OF p' : ''}`,
    [id],
  )
}

export type ProductRow = {
  type: ProductType
  title: string
  summary: string
  body: string
  links: ProductLink[]
  audience: ProductAudience
  status: ProductStatus
  visibility: ProductVisibility
  reviewBy: string | null
}

export async function insertProduct(
  sql: Sql,
  partnershipId: string,
  row: ProductRow & { createdBy: string | null },
): Promise<string> {
  const inserted = await sql.one<{ id: string }>(
    `INSERT INTO learning_products (partnership_id, type, title, summary, body, links, audience, status, visibility,
            review_by, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, 'draft', $8, $9, $10) RETURNING id`,
    [
      partnershipId,
      row.type,
      row.title,
      row.summary,
      row.body,
      JSON.stringify(row.links),
      JSON.stringify(row.audience),
      row.visibility,
      row.reviewBy,
      row.createdBy,
    ],
  )
  return inserted.id
}

/** Writes a product's fields; publishing for the first time stamps when and makes version 1. */
export function writeProduct(sql: Sql, id: string, row: ProductRow & { version: number }): Promise<unknown> {
  return sql.query(
    `UPDATE learning_products SET type = $2, title = $3, summary = $4, body = $5, links = $6::jsonb,
            audience = $7::jsonb, status = $8, visibility = $9, review_by = $10, version = $11,
            published_at = CASE WHEN $8 <> 'draft' THEN coalesce(published_at, cascade_now()) END,
            updated_at = cascade_now()
      WHERE id = $1`,
    [
      id,
      row.type,
      row.title,
      row.summary,
      row.body,
      JSON.stringify(row.links),
      JSON.stringify(row.audience),
      row.status,
      row.visibility,
      row.reviewBy,
      row.version,
    ],
  )
}

const linkTables = {
  themeIds: ['learning_product_themes', 'theme_id'],
  reviewIds: ['learning_product_reviews', 'review_id'],
  findingIds: ['learning_product_findings', 'finding_id'],
} as const

/** Makes a product cite exactly these themes, reviews or findings. */
export async function setProductLinks(
  sql: Sql,
  partnershipId: string,
  productId: string,
  kind: keyof typeof linkTables,
  ids: readonly string[],
): Promise<void> {
  const [table, column] = linkTables[kind]
  await sql.query(`DELETE FROM ${table} WHERE product_id = $1 AND NOT (${column} = ANY($2::uuid[]))`, [
    productId,
    ids,
  ])
  await sql.query(
    `INSERT INTO ${table} (partnership_id, product_id, ${column})
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [partnershipId, productId, [...new Set(ids)]],
  )
}

/** Which of these themes are the partnership's. */
export async function knownThemes(sql: Sql, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0
  const row = await sql.one<{ n: number }>(
    'SELECT count(*)::int AS n FROM themes WHERE id = ANY($1::uuid[])',
    [[...new Set(ids)]],
  )
  return row.n
}

/** Which of these reviews are the partnership's. */
export async function knownReviews(sql: Sql, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0
  const row = await sql.one<{ n: number }>(
    'SELECT count(*)::int AS n FROM reviews WHERE id = ANY($1::uuid[])',
    [[...new Set(ids)]],
  )
  return row.n
}

export function filesOf(sql: Sql, productId: string): Promise<ProductFile[]> {
  return sql.query<ProductFile>(
    `SELECT id, filename, content_type AS "contentType", size_bytes AS "sizeBytes", created_at AS "createdAt"
       FROM learning_product_files WHERE product_id = $1 AND removed_at IS NULL ORDER BY created_at, id`,
    [productId],
  )
}

export async function insertFile(
  sql: Sql,
  partnershipId: string,
  productId: string,
  file: { filename: string; contentType: string; bytes: Buffer },
): Promise<ProductFile> {
  return sql.one<ProductFile>(
    `INSERT INTO learning_product_files (partnership_id, product_id, filename, content_type, size_bytes, content)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, filename, content_type AS "contentType", size_bytes AS "sizeBytes", created_at AS "createdAt"`,
    [partnershipId, productId, file.filename, file.contentType, file.bytes.length, file.bytes],
  )
}

/** Takes a file off the product; it stays stored for the versions that had it. */
export async function removeFile(sql: Sql, productId: string, fileId: string): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE learning_product_files SET removed_at = cascade_now()
      WHERE id = $1 AND product_id = $2 AND removed_at IS NULL RETURNING id`,
    [fileId, productId],
  )
  return rows.length > 0
}

export function fileContent(
  sql: Sql,
  productId: string,
  fileId: string,
): Promise<{ filename: string; contentType: string; content: Buffer } | undefined> {
  return sql.maybeOne(
    `SELECT filename, content_type AS "contentType", content FROM learning_product_files
      WHERE id = $1 AND product_id = $2 AND removed_at IS NULL`,
    [fileId, productId],
  )
}

export function insertVersion(
  sql: Sql,
  partnershipId: string,
  productId: string,
  version: { version: number; snapshot: ProductSnapshot; changes: string; changeNote: string | null },
  by: { byUser: string | null; byLabel: string | null },
): Promise<unknown> {
  return sql.query(
    `INSERT INTO learning_product_versions (partnership_id, product_id, version, snapshot, changes, change_note,
            by_user, by_label)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
    [
      partnershipId,
      productId,
      version.version,
      JSON.stringify(version.snapshot),
      version.changes,
      version.changeNote,
      by.byUser,
      by.byLabel,
    ],
  )
}

export function versionsOf(sql: Sql, productId: string): Promise<ProductVersion[]> {
  return sql.query<ProductVersion>(
    `SELECT v.version, v.changes, v.change_note AS "changeNote",
            coalesce(nullif(trim(concat(p.first_name, ' ', p.last_name)), ''), v.by_label) AS by, v.at
       FROM learning_product_versions v
       LEFT JOIN people p ON p.user_id = v.by_user AND p.merged_into IS NULL
      WHERE v.product_id = $1 ORDER BY v.version DESC`,
    [productId],
  )
}

/**
 * One page of products matching the filter, newest first, and how many match. The library
 * shows published products of the visibilities given; the editors' list shows every status.
 * Words are searched in the title, summary and text, English stems and all.
 */
export async function productsMatching(
  sql: Sql,
  filter: LibraryFilter,
  scope: {
    statuses: readonly ProductStatus[]
    visibilities: readonly ProductVisibility[]
    /** Only those whose review-by date is this date or before. */
    reviewDueBy?: string
  },
): Promise<{ items: LibraryItem[]; total: number }> {
  const values: unknown[] = [scope.statuses, scope.visibilities]
  const where = ['p.status = ANY($1::text[])', 'p.visibility = ANY($2::text[])']
  const add = (condition: (n: number) => string, value: unknown) => {
    values.push(value)
    where.push(condition(values.length))
  }
  if (scope.reviewDueBy) add((n) => `p.review_by <= $${n}::date`, scope.reviewDueBy)
  if (filter.type) add((n) => `p.type = $${n}`, filter.type)
  if (filter.themeId)
    add(
      (n) =>
        `EXISTS (SELECT 1 FROM learning_product_themes t WHERE t.product_id = p.id AND t.theme_id = $${n})`,
      filter.themeId,
    )
  if (filter.sector) add((n) => `p.audience->'sectors' ? $${n}`, filter.sector)
  if (filter.workforce)
    add(
      (n) =>
        `(p.audience->>'workforce' IS NULL OR p.audience->>'workforce' IN ($${n}, 'both') OR $${n} = 'both')`,
      filter.workforce,
    )
  if (filter.tier) add((n) => `p.audience->'tiers' ? $${n}`, filter.tier)
  if (filter.q) add((n) => `p.search @@ websearch_to_tsquery('english', $${n})`, filter.q)
  const page = filter.page ?? 1
  values.push(PRODUCTS_A_PAGE, (page - 1) * PRODUCTS_A_PAGE)
  const rows = await sql.query<LibraryItem & { total: number }>(
    `SELECT p.id, p.type, p.title, p.summary, p.visibility, p.status, p.published_at AS "publishedAt", p.version,
            to_char(p.review_by, 'YYYY-MM-DD') AS "reviewBy",
            coalesce((SELECT array_agg(th.name ORDER BY lower(th.name)) FROM learning_product_themes t
                        JOIN themes th ON th.id = t.theme_id WHERE t.product_id = p.id), '{}') AS themes,
            count(*) OVER ()::int AS total
       FROM learning_products p
      WHERE ${where.join(' AND ')}
      ORDER BY p.published_at DESC NULLS FIRST, p.updated_at DESC, p.id
      LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  )
  const total =
    rows[0]?.total ??
    (page > 1
      ? (
          await sql.one<{ n: number }>(
            `SELECT count(*)::int AS n FROM learning_products p WHERE ${where.join(' AND ')}`,
            values.slice(0, -2),
          )
        ).n
      : 0)
  return { items: rows.map(({ total: _, ...item }) => item), total }
}

/** A published product's source reviews that are published, with their findings cited by it. */
export function publishedSourceReviews(
  sql: Sql,
  productId: string,
): Promise<{ id: string; reference: string; title: string; findings: string[] }[]> {
  return sql.query(
    `SELECT r.id, r.reference, r.title,
            coalesce((SELECT array_agg(f.text ORDER BY f.created_at, f.id) FROM learning_product_findings pf
                        JOIN findings f ON f.id = pf.finding_id
                       WHERE pf.product_id = $1 AND f.review_id = r.id), '{}') AS findings
       FROM learning_product_reviews pr JOIN reviews r ON r.id = pr.review_id
      WHERE pr.product_id = $1 AND r.status IN ('published', 'actions_in_progress', 'closed')
      ORDER BY r.notified_on DESC, r.reference`,
    [productId],
  )
}

/** Every source review, whatever its status, for the product's editors. */
export function allSourceReviews(
  sql: Sql,
  productId: string,
): Promise<{ id: string; reference: string; title: string; status: string; findings: string[] }[]> {
  return sql.query(
    `SELECT r.id, r.reference, r.title, r.status,
            coalesce((SELECT array_agg(f.text ORDER BY f.created_at, f.id) FROM learning_product_findings pf
                        JOIN findings f ON f.id = pf.finding_id
                       WHERE pf.product_id = $1 AND f.review_id = r.id), '{}') AS findings
       FROM learning_product_reviews pr JOIN reviews r ON r.id = pr.review_id
      WHERE pr.product_id = $1
      ORDER BY r.notified_on DESC, r.reference`,
    [productId],
  )
}

export function themeNamesOf(sql: Sql, productId: string): Promise<{ id: string; name: string }[]> {
  return sql.query(
    `SELECT th.id, th.name FROM learning_product_themes t JOIN themes th ON th.id = t.theme_id
      WHERE t.product_id = $1 ORDER BY lower(th.name)`,
    [productId],
  )
}

/** Published courses that give this product, or answer a finding it comes from. */
export function relatedCourses(
  sql: Sql,
  productId: string,
): Promise<{ id: string; title: string; purpose: 'pre_reading' | 'follow_up' | null }[]> {
  return sql.query(
    `SELECT c.id, c.title, min(clp.purpose) AS purpose
       FROM courses c
       LEFT JOIN course_learning_products clp ON clp.course_id = c.id AND clp.product_id = $1
      WHERE c.status = 'published'
        AND (clp.id IS NOT NULL OR EXISTS (
              SELECT 1 FROM course_findings cf JOIN learning_product_findings pf ON pf.finding_id = cf.finding_id
               WHERE cf.course_id = c.id AND pf.product_id = $1))
      GROUP BY c.id, c.title ORDER BY lower(c.title)`,
    [productId],
  )
}

/** A course's products: what to read before it and what follows it, for one session or all. */
export type CourseProduct = {
  linkId: string
  productId: string
  sessionId: string | null
  purpose: 'pre_reading' | 'follow_up'
  title: string
  type: ProductType
  status: ProductStatus
  visibility: ProductVisibility
  /** The date a product is given for, in words, or null for every date. */
  sessionDate: string | null
}

export function productsOfCourse(sql: Sql, courseId: string): Promise<CourseProduct[]> {
  return sql.query<CourseProduct>(
    `SELECT clp.id AS "linkId", p.id AS "productId", clp.session_id AS "sessionId", clp.purpose, p.title, p.type,
            p.status, p.visibility,
            to_char(s.starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY') AS "sessionDate"
       FROM course_learning_products clp JOIN learning_products p ON p.id = clp.product_id
       LEFT JOIN sessions s ON s.id = clp.session_id
      WHERE clp.course_id = $1
      ORDER BY clp.purpose DESC, lower(p.title), clp.session_id NULLS FIRST`,
    [courseId],
  )
}

export async function linkCourseProduct(
  sql: Sql,
  partnershipId: string,
  link: {
    courseId: string
    sessionId: string | null
    productId: string
    purpose: 'pre_reading' | 'follow_up'
  },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO course_learning_products (partnership_id, course_id, session_id, product_id, purpose)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
    [partnershipId, link.courseId, link.sessionId, link.productId, link.purpose],
  )
  return rows.length > 0
}

export async function unlinkCourseProduct(sql: Sql, courseId: string, linkId: string): Promise<boolean> {
  const rows = await sql.query(
    'DELETE FROM course_learning_products WHERE id = $1 AND course_id = $2 RETURNING id',
    [linkId, courseId],
  )
  return rows.length > 0
}

/** Published products whose review-by date has come: someone should check they are still right. */
export async function productsDueForReview(sql: Sql, today: string): Promise<number> {
  const row = await sql.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM learning_products WHERE status = 'published' AND review_by <= $1::date`,
    [today],
  )
  return row.n
}
