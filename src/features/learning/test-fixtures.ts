import type { Database } from '#platform/db/database.ts'

let made = 0

/**
 * A learning product written straight to the tables, published unless told otherwise: the
 * dissemination, newsletter and knowledge-audit tests need one without going through forms.
 */
export async function aLearningProduct(
  db: Database,
  partnershipId: string,
  options: {
    title?: string
    type?: string
    status?: 'draft' | 'published' | 'withdrawn'
    visibility?: 'public' | 'workforce'
    audience?: { workforce?: 'children' | 'adults' | 'both' | null; sectors?: string[]; tiers?: string[] }
    themeIds?: string[]
    reviewIds?: string[]
    findingIds?: string[]
    publishedAt?: string
  } = {},
): Promise<{ id: string; title: string }> {
  made += 1
  const title = options.title ?? `Seven-minute briefing ${made}`
  const status = options.status ?? 'published'
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    const row = await sql.one<{ id: string }>(
      `INSERT INTO learning_products (partnership_id, type, title, summary, body, audience, status, visibility,
              version, published_at)
       VALUES ($1, $2, $3, 'What practitioners need to know', '## Why it matters', $4::jsonb, $5, $6,
               CASE WHEN $5 = 'draft' THEN 0 ELSE 1 END,
               CASE WHEN $5 = 'draft' THEN NULL ELSE coalesce($7::timestamptz, cascade_now()) END)
       RETURNING id`,
      [
        partnershipId,
        options.type ?? 'seven_minute_briefing',
        title,
        JSON.stringify({ sectors: [], tiers: [], workforce: null, ...options.audience }),
        status,
        options.visibility ?? 'public',
        options.publishedAt ?? null,
      ],
    )
    const link = async (table: string, column: string, ids: string[] | undefined) => {
      for (const id of ids ?? [])
        await sql.query(`INSERT INTO ${table} (partnership_id, product_id, ${column}) VALUES ($1, $2, $3)`, [
          partnershipId,
          row.id,
          id,
        ])
    }
    await link('learning_product_themes', 'theme_id', options.themeIds)
    await link('learning_product_reviews', 'review_id', options.reviewIds)
    await link('learning_product_findings', 'finding_id', options.findingIds)
    return { id: row.id, title }
  })
}
