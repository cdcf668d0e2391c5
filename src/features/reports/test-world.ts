import type { TestApp } from '#test/support/app.ts'
import type { BookingWorld } from '#test/support/booking.ts'
import { bookingWorld } from '#test/support/booking.ts'
import { aPastPlace } from '#test/support/builders.ts'

/**
 * Norfolk's demo with places built for the report's figures (today is 24 November 2026, the
 * financial year starts in April): this quarter, one who came and one who did not; one who came
 * in the quarter before, and one in the same quarter last year. All work for one health trust.
 * The two who came this quarter and the quarter before said how confident they were, at booking
 * and after the course.
 */
export async function aReportWorld(t: TestApp): Promise<BookingWorld> {
  const world = await bookingWorld(t)
  const agency = await world.agency('Report Health Trust', 'health')
  const course = await world.course('Reported course')
  // Confidence in each of the course's two objectives, at booking and after the course.
  const answered = async (applicationId: string, before: number[], after: number[]) =>
    t.db.tenant(world.scope, async (sql) => {
      const version = await sql.one<{ id: string }>(
        `SELECT id FROM questionnaire_versions WHERE questions @> '[{"kind": "confidence"}]' ORDER BY published_at LIMIT 1`,
      )
      for (const [stage, scores] of [
        ['at_booking', before],
        ['after_course', after],
      ] as const)
        await sql.query(
          `INSERT INTO evaluation_responses (partnership_id, version_id, application_id, stage, answers)
           VALUES ($1, $2, $3, $4, $5)`,
          [world.partnership.id, version.id, applicationId, stage, JSON.stringify({ confidence: scores })],
        )
    })
  const place = async (endedOn: string, mark: 'attended' | 'absent', confidence?: [number[], number[]]) => {
    const person = await world.person(agency)
    await t.db
      .tenant(world.scope, async (sql) => {
        const { sessionId, applicationId } = await aPastPlace(sql, {
          partnershipId: world.partnership.id,
          personId: person,
          courseId: course,
          endedOn,
        })
        await sql.query(
          `INSERT INTO attendance (partnership_id, session_id, application_id, part, mark) VALUES ($1, $2, $3, 1, $4)`,
          [world.partnership.id, sessionId, applicationId, mark],
        )
        return applicationId
      })
      .then((applicationId) => confidence && answered(applicationId, ...confidence))
  }
  await place('2026-10-15', 'attended', [
    [3, 5],
    [7, 9],
  ])
  await place('2026-11-10', 'absent')
  await place('2026-08-05', 'attended', [
    [5, 5],
    [6, 6],
  ])
  await place('2025-11-01', 'attended')
  return world
}
