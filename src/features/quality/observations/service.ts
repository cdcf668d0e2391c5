import { randomBytes } from 'node:crypto'
import { leadsOf } from '#features/learning/dissemination/queries.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { parseOrThrow } from '#platform/http/forms.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { StandardsVersion } from '../standards/queries.ts'
import { currentVersion, versionById } from '../standards/queries.ts'
import type { DrawCandidate } from './draw.ts'
import { drawPicks } from './draw.ts'
import { dayText, feedbackEmail } from './emails.ts'
import type { ObservationInput } from './forms.ts'
import { observationSchema } from './forms.ts'
import type { DrawnRound, ObservableSession, Observation, ObservationSummary, QaPick } from './queries.ts'
import {
  candidatesOf,
  happenedSessions,
  insertAddedPick,
  insertObservation,
  observationById,
  observationsOf,
  openPicks,
  pickById,
  picksOf,
  recordDraw,
  recordResponse,
  roundCourse,
  roundForDraw,
  sessionForObservation,
  sessionTrainerUsers,
  setPickAside,
} from './queries.ts'

/** Who reads a round's draw: admins, the sub-group, the executive. */
export const drawReaders = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]
/** Who draws, adds picks and sets them aside. */
export const drawEditors = ['admin'] as const satisfies readonly Role[]
/** Who records observations and reads them all. */
export const observers = ['admin', 'subgroup'] as const satisfies readonly Role[]
/** Who reads observations: observers all; a trainer those of their sessions; an agency lead those of their agencies' courses. */
export const observationReaders = [
  'admin',
  'subgroup',
  'trainer',
  'agency-lead',
] as const satisfies readonly Role[]

export type DrawView = {
  round: DrawnRound
  picks: QaPick[]
  /** The draw in words, once drawn. */
  message: string | null
  /** Courses of submitted returns not yet picked, which an admin may add. */
  addable: DrawCandidate[]
  /** How many courses the draw would pick now, by the policy, before it is drawn. */
  policySize: number
  candidateCount: number
}

/** A second draw for a round: refused, carrying the first so the answer can show it. */
export class AlreadyDrawnError extends ConflictError {
  readonly view: DrawView
  constructor(view: DrawView) {
    const when = view.round.drawnAt ? londonDateOf(view.round.drawnAt) : null
    super(
      `This round was already drawn${when ? ` on ${dayText(when)}` : ''}${view.round.drawnByName ? ` by ${view.round.drawnByName}` : ''}: the first draw stands and nothing has changed`,
    )
    this.view = view
  }
}

export type ObservationSubject =
  | { kind: 'session'; session: ObservableSession; version: StandardsVersion; title: string }
  | { kind: 'pick'; pick: QaPick; roundTitle: string; version: StandardsVersion; title: string }

export type ObservationView = Observation & {
  /** Whether the reader may record the response now: a recipient, before anyone has. */
  canRespond: boolean
}

const has = (ctx: Context, roles: readonly Role[]) => roles.some((r) => ctx.actor.roles.includes(r))

/**
 * The draw of single-agency courses to observe in a round, and observations of delivery: of a
 * multi-agency session that has happened, or of a picked course. The feedback goes to the
 * session's trainers or the agency's leads, who respond once.
 */
export function createObservationService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const linkTo = (id: string) => `${deps.publicUrl}/quality/observations/${id}`

  async function foundRound(sql: Sql, id: string, forUpdate = false): Promise<DrawnRound> {
    const round = isUuid(id) ? await roundForDraw(sql, id, forUpdate) : undefined
    if (!round) throw new NotFoundError('Round')
    return round
  }

  async function nameOf(sql: Sql, ctx: Context): Promise<string | null> {
    if (!ctx.actor.userId) return ctx.actor.label ?? null
    const row = await sql.maybeOne<{ name: string }>('SELECT display_name AS name FROM users WHERE id = $1', [
      ctx.actor.userId,
    ])
    return row?.name ?? null
  }

  async function drawView(sql: Sql, round: DrawnRound, policySize: number): Promise<DrawView> {
    const picks = await picksOf(sql, round.id)
    const candidates = await candidatesOf(sql, round.id)
    const picked = new Set(picks.map((p) => p.courseId))
    const drawn = picks.filter((p) => p.kind === 'drawn').length
    const courses = (n: number) => `${n} ${n === 1 ? 'course' : 'courses'}`
    let message: string | null = null
    if (round.drawnAt && round.drawSize !== null)
      message =
        drawn < round.drawSize
          ? `The policy asked for ${courses(round.drawSize)} to be observed, but only ${courses(drawn)} ${drawn === 1 ? 'was' : 'were'} in the submitted self-assessments: all of them were picked.`
          : `${courses(drawn)} drawn at random from the courses in the submitted self-assessments.`
    return {
      round,
      picks,
      message,
      addable: candidates.filter((c) => !picked.has(c.courseId)),
      policySize,
      candidateCount: candidates.length,
    }
  }

  const picksPolicy = async (ctx: Context) => (await deps.policy.rulesOn(ctx, today())).qaObservationPicks

  /** Whether the actor receives this observation's feedback: a trainer of its session, or a lead of its agency. */
  async function isRecipient(sql: Sql, ctx: Context, o: Observation): Promise<boolean> {
    if (o.sessionId) {
      if (!ctx.actor.roles.includes('trainer') || !ctx.actor.userId) return false
      return (await sessionTrainerUsers(sql, o.sessionId)).some((u) => u.userId === ctx.actor.userId)
    }
    return (
      ctx.actor.roles.includes('agency-lead') &&
      o.agencyId !== null &&
      ctx.actor.agencyIds.includes(o.agencyId)
    )
  }

  async function foundObservation(
    sql: Sql,
    ctx: Context,
    id: string,
    forUpdate = false,
  ): Promise<Observation> {
    const o = isUuid(id) ? await observationById(sql, id, forUpdate) : undefined
    if (!o) throw new NotFoundError('Observation')
    if (has(ctx, observers)) return o
    if (await isRecipient(sql, ctx, o)) return o
    throw new NotFoundError('Observation')
  }

  async function subjectOf(
    sql: Sql,
    input: { sessionId?: string | undefined; pickId?: string | undefined },
  ): Promise<ObservationSubject> {
    if (input.pickId) {
      const pick = isUuid(input.pickId) ? await pickById(sql, input.pickId) : undefined
      if (!pick)
        throw new ValidationError([{ field: 'pickId', text: 'Choose a picked course from the list' }])
      if (pick.setAsideAt)
        throw new ValidationError([
          {
            field: 'pickId',
            text: `${pick.courseTitle} (${pick.agencyName}) was set aside: “${pick.setAsideReason}”. Choose a pick that stands`,
          },
        ])
      const round = await foundRound(sql, pick.roundId)
      const version = await versionById(sql, round.versionId)
      if (!version) throw new Error('A round has its standards')
      return {
        kind: 'pick',
        pick,
        roundTitle: round.title,
        version,
        title: `${pick.courseTitle}, ${pick.agencyName}`,
      }
    }
    const session =
      input.sessionId && isUuid(input.sessionId)
        ? await sessionForObservation(sql, input.sessionId)
        : undefined
    if (!session) throw new ValidationError([{ field: 'sessionId', text: 'Choose a session from the list' }])
    if (session.status === 'cancelled' || session.status === 'draft')
      throw new ValidationError([
        {
          field: 'sessionId',
          text: `This session of ${session.courseTitle} was ${session.status === 'cancelled' ? 'cancelled' : 'never opened'}: only a session that has happened can be observed`,
        },
      ])
    if (new Date(session.endsAt).getTime() > clock.now().getTime())
      throw new ValidationError([
        {
          field: 'sessionId',
          text: `This session of ${session.courseTitle} has not happened yet: it ends on ${dayText(londonDateOf(new Date(session.endsAt)))}. Record the observation once it has ended`,
        },
      ])
    const version = await currentVersion(sql)
    if (!version)
      throw new ValidationError([
        { field: 'sessionId', text: 'The partnership has no training standards yet: save them first' },
      ])
    return { kind: 'session', session, version, title: session.courseTitle }
  }

  function ratingProblems(version: StandardsVersion, input: ObservationInput): FieldError[] {
    const errors: FieldError[] = []
    const known = new Set(version.standards.map((s) => s.id))
    const seen = new Set<string>()
    for (const r of input.ratings) {
      if (!known.has(r.standardId))
        errors.push({
          field: 'ratings',
          text: `A rating names a standard that is not in version ${version.version} of the standards`,
        })
      else if (seen.has(r.standardId))
        errors.push({ field: `ratings.${r.standardId}`, text: 'Rate each standard once' })
      seen.add(r.standardId)
    }
    for (const s of version.standards)
      if (!seen.has(s.id)) errors.push({ field: `ratings.${s.id}`, text: `Rate “${s.title}”` })
    if (input.observedOn > today())
      errors.push({ field: 'observedOn', text: `The date of the observation must be today or earlier` })
    return errors
  }

  return {
    today,
    linkTo,

    /** A round's draw: its picks with their reasons, or, before it is drawn, how many it will pick. */
    async drawOf(ctx: Context, roundId: string): Promise<DrawView> {
      requireRole(ctx, ...drawReaders)
      const size = await picksPolicy(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => drawView(sql, await foundRound(sql, roundId), size))
    },

    /**
     * Draws the round's picks from a seed (a new random one unless given), the policy's number,
     * weighted towards agencies not observed in the last two rounds, and records the seed, the
     * size, who and when, and the picks in one transaction. A round is drawn once: a second
     * draw is refused with the first.
     */
    async draw(ctx: Context, roundId: string, seed = randomBytes(8).toString('hex')): Promise<DrawView> {
      requireRole(ctx, ...drawEditors)
      const size = await picksPolicy(ctx)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const round = await foundRound(sql, roundId, true)
        if (round.drawnAt) throw new AlreadyDrawnError(await drawView(sql, round, size))
        const candidates = await candidatesOf(sql, round.id)
        if (!candidates.length)
          throw new ValidationError([
            {
              field: 'form',
              text: 'There is nothing to draw from yet: no submitted self-assessment in this round lists a course',
            },
          ])
        const draw = drawPicks(seed, candidates, size)
        await sql.auditAs('quality.draw')
        const recorded = await recordDraw(
          sql,
          ctx.partnership.id,
          round.id,
          { seed, size, picks: draw.picks },
          { userId: ctx.actor.userId, label: await nameOf(sql, ctx), now: clock.now() },
        )
        if (!recorded) throw new AlreadyDrawnError(await drawView(sql, await foundRound(sql, round.id), size))
        const view = await drawView(sql, await foundRound(sql, round.id), size)
        return { ...view, message: draw.message }
      })
    },

    /** Adds a course of a submitted return in the round to the picks, with the admin's reason. */
    async addPick(
      ctx: Context,
      roundId: string,
      input: { courseId: string; reason: string },
    ): Promise<string> {
      requireRole(ctx, ...drawEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const round = await foundRound(sql, roundId, true)
        if (!round.drawnAt) throw new ConflictError('Draw the round first: picks are added after the draw')
        const errors: FieldError[] = []
        const course = isUuid(input.courseId) ? await roundCourse(sql, round.id, input.courseId) : undefined
        if (!course)
          errors.push({
            field: 'courseId',
            text: 'Choose a course from a submitted self-assessment in this round',
          })
        else if (course.picked) errors.push({ field: 'courseId', text: 'That course is already picked' })
        if (!input.reason.trim()) errors.push({ field: 'reason', text: 'Enter why the course is added' })
        if (errors.length) throw new ValidationError(errors)
        await sql.auditAs('quality.add-pick')
        return insertAddedPick(
          sql,
          ctx.partnership.id,
          round.id,
          { courseId: input.courseId, reason: input.reason.trim() },
          { userId: ctx.actor.userId, label: await nameOf(sql, ctx), now: clock.now() },
        )
      })
    },

    /** Sets a pick aside with a reason: it stays listed with the reason, and is not observed. */
    async setAside(ctx: Context, roundId: string, pickId: string, reason: string): Promise<void> {
      requireRole(ctx, ...drawEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const round = await foundRound(sql, roundId, true)
        const pick = isUuid(pickId) ? await pickById(sql, pickId, true) : undefined
        if (!pick || pick.roundId !== round.id) throw new NotFoundError('Pick')
        if (pick.setAsideAt) throw new ConflictError('This pick has already been set aside')
        if (!reason.trim())
          throw new ValidationError([{ field: 'reason', text: 'Enter why the pick is set aside' }])
        await sql.auditAs('quality.set-aside-pick')
        await setPickAside(sql, pick.id, reason.trim(), { userId: ctx.actor.userId, now: clock.now() })
      })
    },

    /** Observations the reader may see, newest first. */
    async list(
      ctx: Context,
      filter: { sessionId?: string | undefined; roundId?: string | undefined } = {},
    ): Promise<ObservationSummary[]> {
      requireRole(ctx, ...observationReaders)
      for (const [field, value] of Object.entries(filter))
        if (value !== undefined && !isUuid(value))
          throw new ValidationError([
            { field, text: `Give the ${field === 'sessionId' ? 'session' : 'round'} as its id` },
          ])
      return db.tenant(scopeOf(ctx), (sql) =>
        observationsOf(sql, {
          ...filter,
          scope: has(ctx, observers)
            ? 'all'
            : {
                userId: ctx.actor.roles.includes('trainer') ? ctx.actor.userId : null,
                agencyIds: ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : [],
              },
        }),
      )
    },

    /** What may be observed: sessions that have happened, and picks that stand. */
    async choices(
      ctx: Context,
    ): Promise<{ sessions: ObservableSession[]; picks: (QaPick & { roundTitle: string })[] }> {
      requireRole(ctx, ...observers)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        sessions: await happenedSessions(sql, clock.now()),
        picks: await openPicks(sql),
      }))
    },

    /** What an observation is of and the standards it is rated against; refused as recording would be. */
    async subject(
      ctx: Context,
      input: { sessionId?: string | undefined; pickId?: string | undefined },
    ): Promise<ObservationSubject & { observerName: string | null }> {
      requireRole(ctx, ...observers)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        ...(await subjectOf(sql, input)),
        observerName: await nameOf(sql, ctx),
      }))
    },

    /**
     * Records an observation with its ratings, and emails its feedback to the session's trainers
     * (those who can sign in) or the agency's leads, in the same transaction.
     */
    async record(ctx: Context, raw: unknown): Promise<string> {
      requireRole(ctx, ...observers)
      const input = parseOrThrow(observationSchema, raw)
      const now = clock.now()
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        const subject = await subjectOf(sql, input)
        const errors = ratingProblems(subject.version, input)
        if (errors.length) throw new ValidationError(errors)
        const by = await nameOf(sql, ctx)
        const observerName = input.observerName ?? by
        if (!observerName)
          throw new ValidationError([{ field: 'observerName', text: 'Enter the observer’s name' }])
        await sql.auditAs('quality.observe')
        const id = await insertObservation(
          sql,
          ctx.partnership.id,
          {
            sessionId: subject.kind === 'session' ? subject.session.id : null,
            pickId: subject.kind === 'pick' ? subject.pick.id : null,
            versionId: subject.version.id,
            // The observer is the signed-in user unless someone else is named.
            observerUserId: observerName === by ? ctx.actor.userId : null,
            observerName,
            observedOn: input.observedOn,
            strengths: input.strengths,
            areasToDevelop: input.areasToDevelop,
            grade: input.grade,
            ratings: input.ratings,
          },
          { userId: ctx.actor.userId, label: by, now },
        )
        const recipients =
          subject.kind === 'session'
            ? await sessionTrainerUsers(sql, subject.session.id)
            : await leadsOf(sql, [subject.pick.agencyId])
        const about = {
          subject: subject.kind === 'session' ? subject.session.courseTitle : subject.pick.courseTitle,
          observedOn: input.observedOn,
          grade: input.grade,
          agencyName: subject.kind === 'pick' ? subject.pick.agencyName : null,
        }
        await enqueueEmails(
          sql,
          ctx.partnership.id,
          recipients.map((r) => feedbackEmail(r, about, ctx.partnership.name, linkTo(id))),
        )
        return id
      })
      deps.mailQueued?.()
      return id
    },

    /** One observation, for observers, or for the trainer or lead it was sent to. */
    async observation(ctx: Context, id: string): Promise<ObservationView> {
      requireRole(ctx, ...observationReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const o = await foundObservation(sql, ctx, id)
        return { ...o, canRespond: o.response === null && (await isRecipient(sql, ctx, o)) }
      })
    },

    /** The response to the feedback, by a trainer of the session or a lead of the agency; once. */
    async respond(ctx: Context, id: string, response: string): Promise<void> {
      requireRole(ctx, ...observationReaders)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const o = await foundObservation(sql, ctx, id, true)
        if (!(await isRecipient(sql, ctx, o)))
          throw new ForbiddenError(
            o.sessionId
              ? 'Only a trainer of the session observed may respond to its feedback'
              : 'Only a lead of the agency observed may respond to its feedback',
          )
        if (o.response !== null)
          throw new ConflictError('A response to this feedback has already been recorded')
        const text = response.trim()
        if (!text)
          throw new ValidationError([{ field: 'response', text: 'Enter your response to the feedback' }])
        if (text.length > 10_000)
          throw new ValidationError([
            { field: 'response', text: 'Your response must be 10,000 characters or fewer' },
          ])
        await sql.auditAs('quality.respond')
        const done = await recordResponse(sql, o.id, text, { userId: ctx.actor.userId, now: clock.now() })
        if (!done) throw new ConflictError('A response to this feedback has already been recorded')
      })
    },
  }
}

export type ObservationService = ReturnType<typeof createObservationService>
