import { courseById } from '#features/courses/queries.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import { insertOverride, lockYear, sessionsPlannedIn } from '#features/programme/queries.ts'
import { capacityDecision, capacityHalfDays, financialYearOf, halfDaysOf } from '#features/programme/rules.ts'
import { trainerProblems } from '#features/trainers/checks.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { SessionFilter, SessionInput, SessionPatch } from './forms.ts'
import { cancellationEmails } from './messages.ts'
import type { Session, SessionRow } from './queries.ts'
import { sessionById, sessionsInRoom, sessionsMatching, writeSession } from './queries.ts'
import type { Part } from './rules.ts'
import { bankHolidayWarnings, checkParts, overlaps } from './rules.ts'

const toParts = (parts: readonly { startsAt: string; endsAt: string }[]): Part[] =>
  parts.map((p) => ({ startsAt: new Date(p.startsAt), endsAt: new Date(p.endsAt) }))

const sameParts = (a: readonly Part[], b: readonly Part[]) =>
  a.length === b.length &&
  a.every(
    (p, i) =>
      p.startsAt.getTime() === b[i]?.startsAt.getTime() && p.endsAt.getTime() === b[i]?.endsAt.getTime(),
  )

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join()

const earliest = (parts: readonly Part[]) =>
  parts.reduce<Date | undefined>((min, p) => (!min || p.startsAt < min ? p.startsAt : min), undefined)

/** A session, with what the admin should know about it but need not stop for. */
export type ScheduledSession = Session & { warnings: string[] }

/** What a change needs to check for the annual programme's capacity. */
type CapacityCheck = { rules: PolicyRules; overrideReason: string | undefined; previous: Part[] | null }

/** Sessions of the partnership's courses. Admins schedule them; planners read them. */
export function createSessionService(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  /** Called after a change that wrote to the outbox commits. */
  mailQueued?: () => void
}) {
  const { db, clock, policy } = deps

  /** The policy in force on a session's first day: its jurisdiction and capacity apply. */
  const rulesFor = (ctx: Context, parts: readonly Part[]) =>
    policy.rulesOn(ctx, londonDateOf(earliest(parts) ?? clock.now()))

  /**
   * The annual programme's limit: the session's delivery days on top of the rest of its
   * financial year must fit the capacity policy, unless an admin gives a reason to go
   * beyond. A change that adds no delivery to the year is never refused.
   */
  async function capacityProblem(sql: Sql, parts: Part[], exceptId: string | null, check: CapacityCheck) {
    const first = earliest(parts)
    if (!first) return null
    const year = financialYearOf(londonDateOf(first), check.rules.financialYearStartMonth)
    const adding = halfDaysOf(parts)
    if (check.previous) {
      const before = earliest(check.previous)
      const sameYear =
        before &&
        financialYearOf(londonDateOf(before), check.rules.financialYearStartMonth).start === year.start
      if (sameYear && adding <= halfDaysOf(check.previous)) return null
    }
    await lockYear(sql, year.start)
    const planned = (await sessionsPlannedIn(sql, year, exceptId)).reduce(
      (sum, s) => sum + halfDaysOf(s.parts),
      0,
    )
    const decision = capacityDecision(
      year,
      planned,
      adding,
      capacityHalfDays(year, check.rules.capacityDaysPerWeek),
    )
    if (decision.within) return null
    if (!check.overrideReason) return { error: { field: 'capacityOverrideReason', text: decision.message } }
    return {
      override: {
        yearStart: year.start,
        plannedHalfDays: decision.planned,
        capacityHalfDays: decision.capacity,
      },
    }
  }

  /** Every rule a session must meet, checked together so each problem is reported at once. */
  async function checked(
    sql: Sql,
    row: SessionRow,
    exceptId: string | null,
    changed: { times: boolean; trainers: boolean },
    capacity: CapacityCheck | null,
  ) {
    const errors: FieldError[] = []
    const { parts, errors: partErrors } = checkParts(row.parts, changed.times ? clock.now() : new Date(0))
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
    const live = row.status !== 'cancelled'
    if (row.format === 'in_person' && row.venue && !partErrors.length && live) {
      const clash = (await sessionsInRoom(sql, row.venue, exceptId)).find((other) =>
        overlaps(other.parts, parts),
      )
      if (clash)
        errors.push({
          field: 'venue',
          text: `${row.venue.name}${row.venue.room ? `, ${row.venue.room}` : ''} is already booked then, for ${clash.courseTitle}`,
        })
    }
    if (live && !partErrors.length && (changed.times || changed.trainers))
      errors.push(...(await trainerProblems(sql, row.courseId, row.trainers, parts, exceptId)))
    const beyond =
      live && !partErrors.length && capacity ? await capacityProblem(sql, parts, exceptId, capacity) : null
    if (beyond?.error) errors.push(beyond.error)
    if (errors.length) throw new ValidationError(errors)
    return {
      row: {
        ...row,
        parts,
        venue: row.format === 'in_person' ? row.venue : null,
        joiningUrl: row.format === 'online' ? row.joiningUrl : null,
      },
      override: beyond?.override ?? null,
    }
  }

  async function recordOverride(
    sql: Sql,
    ctx: Context,
    sessionId: string,
    override: Awaited<ReturnType<typeof checked>>['override'],
    reason: string | undefined,
  ) {
    if (!override || !reason) return
    await insertOverride(sql, ctx.partnership.id, {
      ...override,
      sessionId,
      reason,
      recordedBy: ctx.actor.userId,
    })
  }

  async function session(ctx: Context, id: string): Promise<ScheduledSession> {
    if (!isUuid(id)) throw new NotFoundError('Session')
    // The session and the rules of its first day in one transaction: the day is the session's.
    return db.tenant(scopeOf(ctx), async (sql) => {
      const found = await sessionById(sql, id)
      if (!found) throw new NotFoundError('Session')
      const { jurisdiction } = await rulesInForceOn(sql, londonDateOf(earliest(found.parts) ?? clock.now()))
      return { ...found, warnings: bankHolidayWarnings(found.parts, jurisdiction) }
    })
  }

  return {
    async list(ctx: Context, filter: SessionFilter) {
      return db.tenant(scopeOf(ctx), (sql) => sessionsMatching(sql, filter))
    },

    session,

    /** The bank holidays a set of times falls on, for the admin to confirm before scheduling. */
    async warningsFor(
      ctx: Context,
      times: readonly { startsAt: string; endsAt: string }[],
    ): Promise<string[]> {
      const parts = toParts(times)
      return bankHolidayWarnings(parts, (await rulesFor(ctx, parts)).jurisdiction)
    },

    /**
     * Schedules a session. A session of a published course opens for applications at once
     * unless it is asked to stay a draft; a draft course's sessions stay drafts.
     */
    async create(ctx: Context, input: SessionInput): Promise<ScheduledSession> {
      requireRole(ctx, 'admin')
      const times =
        input.parts ??
        (input.startsAt && input.endsAt ? [{ startsAt: input.startsAt, endsAt: input.endsAt }] : null)
      if (!times)
        throw new ValidationError([{ field: 'startsAt', text: 'Enter when the session starts and ends' }])
      if (input.status === 'cancelled')
        throw new ValidationError([{ field: 'status', text: 'A new session cannot be cancelled' }])
      const parts = toParts(times)
      const rules = await rulesFor(ctx, parts)
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        const course = await courseById(sql, input.courseId)
        if (!course)
          throw new ValidationError([{ field: 'courseId', text: 'Select a course from the programme' }])
        const status = input.status ?? (course.status === 'published' ? 'open' : 'draft')
        if (status !== 'draft' && course.status !== 'published')
          throw new ValidationError([
            { field: 'status', text: 'Publish the course before opening its sessions' },
          ])
        const { row, override } = await checked(
          sql,
          {
            courseId: course.id,
            parts,
            capacity: input.capacity,
            minimumPlaces: input.minimumPlaces,
            format: input.format,
            venue: input.venue,
            joiningUrl: input.joiningUrl,
            status,
            trainers: [...new Set(input.trainers ?? [])],
            cancellationReason: null,
            cancelledAt: null,
          },
          null,
          { times: true, trainers: true },
          { rules, overrideReason: input.capacityOverrideReason, previous: null },
        )
        await sql.auditAs('session.schedule')
        const id = await writeSession(sql, ctx.partnership.id, row)
        await recordOverride(sql, ctx, id, override, input.capacityOverrideReason)
        return id
      })
      return session(ctx, id)
    },

    /** Changes a session; cancelling needs a reason and tells the people on it. */
    async change(ctx: Context, id: string, patch: SessionPatch): Promise<ScheduledSession> {
      requireRole(ctx, 'admin')
      const current = await session(ctx, id)
      if (current.status === 'cancelled') throw new ConflictError('A cancelled session cannot be changed')
      const cancelling = patch.status === 'cancelled'
      if (cancelling && !patch.cancellationReason)
        throw new ValidationError([
          { field: 'cancellationReason', text: 'Enter why the session is cancelled' },
        ])
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
      const trainers = patch.trainers ? [...new Set(patch.trainers)] : current.trainers.map((t) => t.personId)
      const trainersChanged = !sameSet(
        trainers,
        current.trainers.map((t) => t.personId),
      )
      const rules = await rulesFor(ctx, parts)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const now = clock.now()
        const { row, override } = await checked(
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
            trainers,
            cancellationReason: cancelling ? (patch.cancellationReason ?? null) : null,
            cancelledAt: cancelling ? now : null,
          },
          current.id,
          { times: partsChanged, trainers: trainersChanged },
          partsChanged
            ? { rules, overrideReason: patch.capacityOverrideReason, previous: current.parts }
            : null,
        )
        await sql.auditAs(cancelling ? 'session.cancel' : 'session.change')
        await writeSession(
          sql,
          ctx.partnership.id,
          row,
          { id: current.id, partsChanged, trainersChanged },
          now,
        )
        await recordOverride(sql, ctx, current.id, override, patch.capacityOverrideReason)
        if (cancelling)
          await cancellationEmails(sql, ctx.partnership.id, current, row.cancellationReason ?? '', now)
      })
      if (cancelling) deps.mailQueued?.()
      return session(ctx, current.id)
    },
  }
}

export type SessionService = ReturnType<typeof createSessionService>
