import type { Database } from '#platform/db/database.ts'
import type { DemoPartnership } from './partnerships.ts'

/** The demo briefing's title: a partnership that already has it is left as it is. */
export const DEMO_BRIEFING_TITLE = 'Child H: seven minutes on cumulative neglect'

// A 7-minute briefing in the usual seven parts, from the demo review's findings.
const BODY = `# Background

Child H, aged three, lived with their mother and her partner. Over eighteen months health, early help and nursery staff each saw signs of neglect, and the mother twice disclosed domestic abuse. No agency brought the picture together until Child H was admitted to hospital malnourished.

# Why it matters

Neglect is rarely one event. Each missed appointment, each day in the same clothes, each empty cupboard can look small on its own; together they are the harm.

# What the review found

- Practitioners judged each sign of neglect on its own; no one put together the cumulative picture.
- Disclosures of domestic abuse were not shared with the health visitor or the nursery.
- When the early help plan stalled, no one escalated.

# What to do differently

1. Keep a chronology, and read it before each visit.
2. Share a disclosure of domestic abuse with every agency working with the child, the same day.
3. If a plan is not making a difference in six weeks, use the escalation policy.

# Questions for your team

- Whose chronology would show the whole picture for the children you work with?
- When did you last escalate, and what happened?

# Find out more

Read the full review on the partnership's website, and book the multi-agency neglect course.
`

/**
 * The learning library's demo: a published 7-minute briefing from Child H's findings, public,
 * given as reading before the demo course, and a draft poster still being written.
 */
export async function seedDemoLearning(
  db: Database,
  partnershipId: string,
  _demo: DemoPartnership,
): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    await sql.auditAs('demo.seed')
    if (await sql.maybeOne('SELECT 1 FROM learning_products WHERE title = $1', [DEMO_BRIEFING_TITLE])) return
    const review = await sql.maybeOne<{ id: string; publishedAt: string }>(
      `SELECT r.id, (SELECT max(at) FROM review_transitions t WHERE t.review_id = r.id AND t.to_status = 'published') AS "publishedAt"
         FROM reviews r WHERE r.title = 'Child H' LIMIT 1`,
    )
    if (!review) return
    const findings = await sql.query<{ id: string }>(
      'SELECT id FROM findings WHERE review_id = $1 ORDER BY created_at, id LIMIT 2',
      [review.id],
    )
    const briefing = await sql.one<{ id: string }>(
      `INSERT INTO learning_products (partnership_id, type, title, summary, body, links, audience, status, visibility,
              review_by, version, published_at)
       VALUES ($1, 'seven_minute_briefing', $2,
               'What the Child H review found about cumulative neglect and domestic abuse, and what every practitioner can do differently.',
               $3, '[]', '{"workforce": "children", "sectors": [], "tiers": []}', 'published', 'public',
               ((cascade_now() AT TIME ZONE 'Europe/London')::date + 365), 1,
               coalesce($4::timestamptz, cascade_now()) + interval '14 days')
       RETURNING id`,
      [partnershipId, DEMO_BRIEFING_TITLE, BODY, review.publishedAt],
    )
    await sql.query(
      `INSERT INTO learning_product_reviews (partnership_id, product_id, review_id) VALUES ($1, $2, $3)`,
      [partnershipId, briefing.id, review.id],
    )
    await sql.query(
      `INSERT INTO learning_product_findings (partnership_id, product_id, finding_id) SELECT $1, $2, unnest($3::uuid[])`,
      [partnershipId, briefing.id, findings.map((f) => f.id)],
    )
    await sql.query(
      `INSERT INTO learning_product_themes (partnership_id, product_id, theme_id)
       SELECT $1, $2, theme_id FROM review_themes WHERE review_id = $3`,
      [partnershipId, briefing.id, review.id],
    )
    await sql.query(
      `INSERT INTO learning_product_versions (partnership_id, product_id, version, snapshot, changes, by_label, at)
       SELECT $1, p.id, 1, jsonb_build_object('title', p.title, 'body', p.body), 'First published', 'demo-seed', p.published_at
         FROM learning_products p WHERE p.id = $2`,
      [partnershipId, briefing.id],
    )
    await sql.query(
      `INSERT INTO course_learning_products (partnership_id, course_id, product_id, purpose)
       SELECT $1, c.id, $2, 'pre_reading' FROM courses c WHERE c.status = 'published' ORDER BY c.created_at LIMIT 1`,
      [partnershipId, briefing.id],
    )
    await sql.query(
      `INSERT INTO learning_products (partnership_id, type, title, summary, body, audience, status, visibility)
       VALUES ($1, 'poster', 'Domestic abuse: share it the same day', 'A poster for staff rooms and clinics.',
               '# Heard a disclosure?\n\nTell every agency working with the child, today.', '{"sectors": [], "tiers": []}',
               'draft', 'workforce')`,
      [partnershipId],
    )
  })
}
