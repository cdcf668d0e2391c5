import type { Database } from '#platform/db/database.ts'

let made = 0

/**
 * A review with one recommendation, written straight to the tables: the actions tests need
 * them before the reviews feature's own service exists to make them.
 */
export async function aReviewWithRecommendation(
  db: Database,
  partnershipId: string,
  options: {
    response?: 'accepted' | 'partially_accepted' | 'not_accepted' | null
    notifiedOn?: string
    status?: string
    themeIds?: string[]
    reference?: string
  } = {},
): Promise<{ reviewId: string; recommendationId: string; reference: string }> {
  made += 1
  const reference = options.reference ?? `CSPR-${String(made).padStart(3, '0')}`
  const response = options.response === undefined ? 'accepted' : options.response
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    const review = await sql.one<{ id: string }>(
      `INSERT INTO reviews (partnership_id, type, reference, title, status, notified_on, decision, decision_on)
       VALUES ($1, 'cspr', $2, $3, $4, $5, 'review', $5) RETURNING id`,
      [
        partnershipId,
        reference,
        `Child ${reference}`,
        options.status ?? 'published',
        options.notifiedOn ?? '2026-03-02',
      ],
    )
    for (const themeId of options.themeIds ?? [])
      await sql.query('INSERT INTO review_themes (partnership_id, review_id, theme_id) VALUES ($1, $2, $3)', [
        partnershipId,
        review.id,
        themeId,
      ])
    const recommendation = await sql.one<{ id: string }>(
      `INSERT INTO recommendations (partnership_id, review_id, text, addressed_to, response, response_reason, responded_at)
       VALUES ($1, $2, 'Agencies make sure the voice of the child is recorded at every visit', 'agencies', $3::text,
               CASE WHEN $3::text IN ('partially_accepted', 'not_accepted') THEN 'Resources are limited' END,
               CASE WHEN $3::text IS NOT NULL THEN now() END)
       RETURNING id`,
      [partnershipId, review.id, response],
    )
    return { reviewId: review.id, recommendationId: recommendation.id, reference }
  })
}

/** A sub-group of the partnership, to own actions. */
export async function aSubgroup(db: Database, partnershipId: string, name: string): Promise<string> {
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    const row = await sql.one<{ id: string }>(
      'INSERT INTO subgroups (partnership_id, name) VALUES ($1, $2) RETURNING id',
      [partnershipId, name],
    )
    return row.id
  })
}

/** The agencies a demo user's memberships name, and their user id. */
export async function userOf(
  db: Database,
  partnershipId: string,
  email: string,
): Promise<{ id: string; agencyIds: string[] }> {
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, (sql) =>
    sql.one<{ id: string; agencyIds: string[] }>(
      `SELECT u.id, coalesce((SELECT array_agg(DISTINCT x) FROM memberships m, unnest(m.agency_ids) x
                               WHERE m.user_id = u.id AND m.partnership_id = $1), '{}') AS "agencyIds"
         FROM users u WHERE lower(u.email) = lower($2)`,
      [partnershipId, email],
    ),
  )
}

/** Any current agency of the partnership other than those given. */
export async function anotherAgency(db: Database, partnershipId: string, not: string[]): Promise<string> {
  return db.tenant({ partnershipId, userId: null, actor: 'test' }, async (sql) => {
    const row = await sql.one<{ id: string }>(
      'SELECT id FROM agencies WHERE NOT archived AND NOT (id = ANY($1::uuid[])) ORDER BY name LIMIT 1',
      [not],
    )
    return row.id
  })
}
