import type { Part } from '#features/sessions/rules.ts'
import { overlaps } from '#features/sessions/rules.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Sql } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { approvalsMatching, sessionsTrainedBy } from './queries.ts'
import { standingOn } from './rules.ts'

/**
 * Why these people cannot train on a session of a course at these times: each must hold an
 * approval for the course that stands on every day of it, and none may be on another live
 * session at the same time. Runs inside the session's transaction, holding a lock per trainer
 * so two admins cannot book the same trainer twice at once.
 */
export async function trainerProblems(
  sql: Sql,
  courseId: string,
  personIds: readonly string[],
  parts: readonly Part[],
  exceptSessionId: string | null,
): Promise<FieldError[]> {
  if (!personIds.length) return []
  for (const id of [...personIds].sort())
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext('trainer:' || $1::text))`, [id])
  const approvals = await approvalsMatching(sql, { courseId })
  const errors: FieldError[] = []
  const lastDay = londonDateOf(parts.at(-1)?.endsAt ?? new Date())
  const firstDay = londonDateOf(parts[0]?.startsAt ?? new Date())
  for (const personId of personIds) {
    const approval = approvals.find((a) => a.personId === personId)
    if (!approval) {
      errors.push({ field: 'trainers', text: 'Select trainers approved to deliver this course' })
      continue
    }
    for (const day of [firstDay, lastDay]) {
      const standing = standingOn(approval, day)
      if (!standing.approved) {
        const why =
          standing.reason === 'expired'
            ? `their approval lapsed on ${standing.since} without a CPD questionnaire`
            : standing.reason === 'withdrawn'
              ? 'their approval was withdrawn'
              : 'they complete train-the-trainer after it'
        errors.push({ field: 'trainers', text: `${approval.name} cannot train on ${day}: ${why}` })
        break
      }
    }
  }
  const bookings = await sessionsTrainedBy(sql, personIds, exceptSessionId)
  for (const booking of bookings) {
    if (!overlaps(booking.parts, parts)) continue
    const name = approvals.find((a) => a.personId === booking.personId)?.name ?? 'A trainer'
    const text = `${name} is already training then, on ${booking.courseTitle}`
    if (!errors.some((e) => e.text === text)) errors.push({ field: 'trainers', text })
  }
  return errors
}
