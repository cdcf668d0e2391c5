import { courseById } from '#features/courses/queries.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { SessionFilter, SessionInput, SessionPatch } from './forms.ts'
import type { Session, SessionRow } from './queries.ts'
import { sessionById, sessionsInRoom, sessionsMatching, writeSession } from './queries.ts'
import type { Part } from './rules.ts'
import { checkParts, overlaps } from './rules.ts'

const toParts = (parts: readonly { startsAt: string; endsAt: string }[]): Part[] =>
  parts.map((p) => ({ startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) }))

const sameParts = (a: readonly Part[], b: readonly Part[]) =>
  a.length === b.length &&
  a.every(
    (p, i) =>
      p.startsAt.getTime() === b[i]?.startsAt.getTime() && p.endsAt.getTime() === b[i]?.endsAt.getTime(),
  )

/** Sessions of the partnership's courses. Admins schedule them; planners read them. */
export function createSessionService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  /** Every rule a session must meet, checked together so each problem is reported at once. */
  async function checked(
    sql: Sql,
    row: SessionRow,
    exceptId: string | null,
    newTimes: boolean,
  ): Promise<SessionRow> {
    const errors: FieldError[] = []
    const { parts, errors: partErrors } = checkParts(row.parts, newTimes ? clock.now() : new Date(0))
    errors.push(...partErrors)
    if (row.format === 'in_person' && !row.venue)
      errors.push({ field: 'venue', text: 'Enter the venue of a session in person' })
    if (row.format === 'online' && !row.joiningUrl)
      errors.push({ field: 'joiningUrl', text: 'Enter the joining link of an online session' })
    if (row.minimumPlaces !== null && row.minimumPlaces > row.capacity)
      errors.push({
        field: 'minimumPlaces',
        text: 'The minimum number of places cannot be more than the places',
      })
    if (row.format === 'in_person' && row.venue && !partErrors.length && row.status !== 'cancelled') {
      const clash = (await sessionsInRoom(sql, row.venue, exceptId)).find((other) =>
        overlaps(other.parts, parts),
      )
      if (clash)
        errors.push({
          field: 'venue',
          text: `${row.venue.name}${row.venue.room ? `, ${row.venue.room}` : ''} is already booked then, for ${clash.courseTitle}`,
        })
    }
    if (errors.length) throw new ValidationError(errors)
    return {
      ...row,
      parts,
      venue: row.format === 'in_person' ? row.venue : null,
      joiningUrl: row.format === 'online' ? row.joiningUrl : null,
    }
  }

  return {
    async list(ctx: Context, filter: SessionFilter) {
      return db.tenant(scopeOf(ctx), (sql) => sessionsMatching(sql, filter))
    },

    async session(ctx: Context, id: string): Promise<Session> {
      const session = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => sessionById(sql, id)) : undefined
      if (!session) throw new NotFoundError('Session')
      return session
    },

    /**
     * Schedules a session. A session of a published course opens for applications at once
     * unless it is asked to stay a draft; a draft course's sessions stay drafts.
     */
    async create(ctx: Context, input: SessionInput): Promise<Session> {
      requireRole(ctx, 'admin')
      const times =
        input.parts ??
        (input.startsAt && input.endsAt ? [{ startsAt: input.startsAt, endsAt: input.endsAt }] : null)
      if (!times)
        throw new ValidationError([{ field: 'startsAt', text: 'Enter when the session starts and ends' }])
      return db.tenant(scopeOf(ctx), async (sql) => {
        const course = await courseById(sql, input.courseId)
        if (!course)
          throw new ValidationError([{ field: 'courseId', text: 'Select a course from the programme' }])
        const status = input.status ?? (course.status === 'published' ? 'open' : 'draft')
        if (status !== 'draft' && course.status !== 'published')
          throw new ValidationError([
            { field: 'status', text: 'Publish the course before opening its sessions' },
          ])
        const row = await checked(
          sql,
          {
            courseId: course.id,
            parts: toParts(times),
            capacity: input.capacity,
            minimumPlaces: input.minimumPlaces,
            format: input.format,
            venue: input.venue,
            joiningUrl: input.joiningUrl,
            status,
          },
          null,
          true,
        )
        await sql.auditAs('session.schedule')
        const id = await writeSession(sql, ctx.partnership.id, row)
        return (await sessionById(sql, id)) as Session
      })
    },

    async change(ctx: Context, id: string, patch: SessionPatch): Promise<Session> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const current = isUuid(id) ? await sessionById(sql, id) : undefined
        if (!current) throw new NotFoundError('Session')
        const times =
          patch.parts ??
          (patch.startsAt || patch.endsAt
            ? [
                {
                  startsAt: patch.startsAt ?? current.startsAt.toISOString(),
                  endsAt: patch.endsAt ?? current.endsAt.toISOString(),
                },
              ]
            : null)
        const parts = times ? toParts(times) : current.parts
        const partsChanged = !sameParts(
          [...parts].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
          current.parts,
        )
        const row = await checked(
          sql,
          {
            courseId: current.courseId,
            parts,
            capacity: patch.capacity ?? current.capacity,
            minimumPlaces: patch.minimumPlaces === undefined ? current.minimumPlaces : patch.minimumPlaces,
            format: patch.format ?? current.format,
            venue: patch.venue === undefined ? current.venue : patch.venue,
            joiningUrl: patch.joiningUrl === undefined ? current.joiningUrl : patch.joiningUrl,
            status: patch.status ?? current.status,
          },
          current.id,
          partsChanged,
        )
        await sql.auditAs(
          row.status === 'cancelled' && current.status !== 'cancelled' ? 'session.cancel' : 'session.change',
        )
        await writeSession(sql, ctx.partnership.id, row, { id: current.id, partsChanged }, clock.now())
        return (await sessionById(sql, current.id)) as Session
      })
    },
  }
}

export type SessionService = ReturnType<typeof createSessionService>
