import Fastify from 'fastify'
import { buildApp } from '#src/app.ts'
import { medianTime } from './measure.ts'
import type { Figure } from './run.ts'
import { withDemoPartnership } from './world.ts'

const PRODUCTS = 2000
const KINDS = [
  'seven_minute_briefing',
  'briefing',
  'one_page_briefing',
  'poster',
  'slides',
  'guidance',
  'podcast',
]

/**
 * The public learning library with 2,000 published products (issue target: under 50 ms server
 * time), unkept, so every request reads the database: its first page, a search by words and a
 * filter by kind and theme, each against a bare Fastify route returning the same bytes.
 */
export async function libraryPage(): Promise<Figure[]> {
  return withDemoPartnership(async ({ database, services, partnership: norfolk }) => {
    await database.db.tenant({ partnershipId: norfolk.id, userId: null, actor: 'bench' }, async (sql) => {
      await sql.query(
        `INSERT INTO learning_products (partnership_id, type, title, summary, body, audience, status, visibility,
                version, published_at)
         SELECT $1, ($3::text[])[1 + n % array_length($3::text[], 1)],
                'Briefing ' || n || ': ' || (ARRAY['cumulative neglect', 'domestic abuse', 'self-neglect', 'exploitation', 'bruising in babies'])[1 + n % 5],
                'What review ' || n || ' found, and what practitioners can do differently',
                repeat('Practitioners should keep a chronology and share concerns the same day. ', 40),
                jsonb_build_object('workforce', (ARRAY['children', 'adults', null])[1 + n % 3], 'sectors',
                  jsonb_build_array((ARRAY['health', 'police', 'education', 'early_years'])[1 + n % 4]), 'tiers', '[]'::jsonb),
                'published', CASE WHEN n % 4 = 0 THEN 'workforce' ELSE 'public' END, 1,
                timestamptz '2022-01-01' + (n || ' hours')::interval
           FROM generate_series(1, $2) n`,
        [norfolk.id, PRODUCTS, KINDS],
      )
      await sql.query(
        `INSERT INTO learning_product_themes (partnership_id, product_id, theme_id)
         SELECT p.partnership_id, p.id, t.id FROM learning_products p
           JOIN LATERAL (SELECT id FROM themes ORDER BY id OFFSET (abs(hashtext(p.title)) % 3) LIMIT 2) t ON true
         ON CONFLICT DO NOTHING`,
      )
    })
    await database.db.refreshStatistics(['learning_products', 'learning_product_themes', 'themes'])
    const themeId = await database.db.tenant(
      { partnershipId: norfolk.id, userId: null },
      async (sql) =>
        (await sql.one<{ id: string }>('SELECT theme_id AS id FROM learning_product_themes LIMIT 1')).id,
    )

    const app = await buildApp(services)
    await app.ready()
    const pages = [
      { name: 'first page', url: '/p/norfolk/learning', expect: 'Briefing 1999' },
      { name: 'searched by words', url: '/p/norfolk/learning?q=bruise+babies', expect: 'bruising in babies' },
      {
        name: 'by kind and theme',
        url: `/p/norfolk/learning?type=poster&themeId=${themeId}`,
        expect: 'products',
      },
    ]
    const figures: Figure[] = []
    for (const page of pages) {
      const { body, statusCode } = await app.inject({ method: 'GET', url: page.url })
      if (statusCode !== 200 || !body.includes(page.expect))
        throw new Error(`the library did not list ${page.name}`)
      const value = await medianTime(30, () => app.inject({ method: 'GET', url: page.url }))
      const bare = Fastify()
      bare.get('/*', (_request, reply) => reply.type('text/html; charset=utf-8').send(body))
      await bare.ready()
      const baseline = await medianTime(30, () => bare.inject({ method: 'GET', url: page.url }))
      await bare.close()
      figures.push({
        name: `public learning library, ${PRODUCTS} products, ${page.name}, median server time (${database.kind})`,
        value,
        unit: 'ms',
        target: 50,
        baseline,
        ratio: Math.round((value / baseline) * 100) / 100,
      })
    }
    await app.close()
    return figures
  })
}
