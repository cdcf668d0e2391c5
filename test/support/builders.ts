import type { CourseInput } from '#features/courses/forms.ts'
import type { SessionInput } from '#features/sessions/forms.ts'
import type { Sql } from '#platform/db/database.ts'

/** A complete, publishable course; a test names only what it is about. */
export function aCourse(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    title: 'Recognising neglect',
    summary: '',
    objectives: ['Recognise neglect'],
    tier: null,
    audience: { sectors: [] },
    deliveryMethod: 'multi_agency_training',
    durationMinutes: 180,
    themes: [],
    findings: [],
    evaluationPlan: { impact: 'Confidence at follow-up' },
    materials: '',
    status: 'published',
    ...overrides,
  }
}

/** A three-hour online session of the course from `startsAt` (a 09:00 UTC time); a test names only what it is about. */
export function anOnlineSession(
  courseId: string,
  startsAt: string,
  overrides: Partial<SessionInput> = {},
): SessionInput {
  return {
    courseId,
    startsAt,
    endsAt: startsAt.replace('T09', 'T12'),
    capacity: 20,
    minimumPlaces: null,
    format: 'online',
    venue: null,
    joiningUrl: 'https://meet.example.org/x',
    ...overrides,
  }
}

/**
 * A delivered online session of the course that ended on the day (09:30-12:30), and the
 * person's confirmed place on it, written straight to the tables in the caller's transaction.
 */
export async function aPastPlace(
  sql: Sql,
  place: { partnershipId: string; personId: string; courseId: string; endedOn: string },
): Promise<{ sessionId: string; applicationId: string }> {
  const session = await sql.one<{ id: string }>(
    `INSERT INTO sessions (partnership_id, course_id, format, joining_url, capacity, status, starts_at, ends_at)
     VALUES ($1, $2, 'online', 'https://meet.example.org/x', 20, 'delivered', $3::date + time '09:30', $3::date + time '12:30')
     RETURNING id`,
    [place.partnershipId, place.courseId, place.endedOn],
  )
  const application = await sql.one<{ id: string }>(
    `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, confirmed_at)
     SELECT $1, $2, id, agency_id, 'manager@example.org', 'confirmed', $4::date - 30 FROM people WHERE id = $3 RETURNING id`,
    [place.partnershipId, session.id, place.personId, place.endedOn],
  )
  return { sessionId: session.id, applicationId: application.id }
}
