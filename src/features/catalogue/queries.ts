import type { Sql } from '#platform/db/database.ts'

export type CatalogueSession = {
  id: string
  startsAt: Date
  endsAt: Date
  parts: number
  format: 'in_person' | 'online'
  venueName: string | null
  status: 'open' | 'shortlisted' | 'full'
}

export type CatalogueCourse = {
  id: string
  title: string
  summary: string
  objectives: string[]
  tier: string | null
  deliveryMethod: string
  durationMinutes: number | null
  themes: string[]
  sessions: CatalogueSession[]
}

export type CatalogueFilter = {
  themeId?: string
  tier?: string
  format?: 'in_person' | 'online'
  month?: string
}

/**
 * Published courses with their upcoming sessions, in one query. Drafts, cancelled sessions
 * and joining links never leave here: this is what the public sees. A filter on format or
 * month keeps the courses with a session that matches.
 */
export function catalogue(
  sql: Sql,
  now: Date,
  filter: CatalogueFilter,
  courseId?: string,
): Promise<CatalogueCourse[]> {
  return sql.query<CatalogueCourse>(
    `WITH upcoming AS (
       SELECT s.course_id, json_agg(json_build_object(
                'id', s.id, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'format', s.format,
                'venueName', s.venue ->> 'name', 'status', s.status,
                'parts', (SELECT count(*) FROM session_parts p WHERE p.session_id = s.id))
              ORDER BY s.starts_at) AS sessions
         FROM sessions s
        WHERE s.starts_at > $1 AND s.status IN ('open', 'shortlisted', 'full')
          AND ($4::text IS NULL OR s.format = $4)
          AND ($5::text IS NULL OR to_char(s.starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM') = $5)
        GROUP BY s.course_id)
     SELECT c.id, c.title, c.summary, c.objectives, c.tier, c.delivery_method AS "deliveryMethod",
            c.duration_minutes AS "durationMinutes",
            coalesce((SELECT array_agg(t.name ORDER BY lower(t.name)) FROM course_themes ct JOIN themes t ON t.id = ct.theme_id
                       WHERE ct.course_id = c.id), '{}') AS themes,
            coalesce(u.sessions, '[]') AS sessions
       FROM courses c LEFT JOIN upcoming u ON u.course_id = c.id
      WHERE c.status = 'published'
        AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM course_themes ct WHERE ct.course_id = c.id AND ct.theme_id = $2))
        AND ($3::text IS NULL OR c.tier = $3)
        AND (($4::text IS NULL AND $5::text IS NULL) OR u.sessions IS NOT NULL)
        AND ($6::uuid IS NULL OR c.id = $6)
      ORDER BY (u.sessions IS NULL), lower(c.title), c.id`,
    [
      now,
      filter.themeId ?? null,
      filter.tier ?? null,
      filter.format ?? null,
      filter.month ?? null,
      courseId ?? null,
    ],
  )
}
