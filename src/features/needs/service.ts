import { isDeepStrictEqual } from 'node:util'
import type { CourseService } from '#features/courses/service.ts'
import type { PolicyService } from '#features/policy/service.ts'
import { checkCitable } from '#features/reviews/citations.ts'
import type { Role } from '#platform/auth/roles.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { isCalendarDate } from '#platform/http/forms.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import { needDeclined, needEndorsed, needProposed, needReceived } from './emails.ts'
import type { DecisionInput, NeedFilter, NeedInput, ProgrammePeriod, ProposalInput } from './forms.ts'
import type { Need, NeedProposal, NeedTransition } from './queries.ts'
import {
  endorsedIn,
  insertNeed,
  linkToCourse,
  needById,
  needsMatching,
  personOfUser,
  recordTransition,
  requesterOf,
  transitionsOf,
  writeDecision,
  writeProposal,
} from './queries.ts'
import type { MoveDecision } from './rules.ts'
import { daysOf, decideMove, financialYearsTouching, rolesFor, startYearOf, toHalfDays } from './rules.ts'

/** The partnership's planners see every need; anyone else sees only the needs they asked for. */
export const needPlanners = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]

/**
 * Everyone in the partnership may ask for learning, except a registrant, who sees only their
 * own record until their agency's lead confirms them.
 */
export const needRequesters = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
  'trainer',
  'practitioner',
] as const satisfies readonly Role[]

/** An endorsed need as the annual programme plans from it: what it asks for and what was agreed. */
export type EndorsedNeed = {
  id: string
  practiceChange: string
  targetAudience: string
  effectivenessMeasure: string
  identifiedBy: Need['identifiedBy']
  identifiedOther: string | null
  preferredMethods: Need['preferredMethods']
  themes: string[]
  recommendedMethod: NeedProposal['recommendedMethod']
  /** Whole half days, to add up exactly against the policy's capacity. */
  estimatedDeliveryHalfDays: number
  /** The same, in days (2.5). */
  estimatedDeliveryDays: number
  estimatedCostPence: number
  financialYear: number
  summary: string | null
  endorsedAt: Date
  endorsementNote: string | null
  courseId: string | null
}

function endorsedNeedOf(need: Need): EndorsedNeed {
  const proposal = need.proposal as NeedProposal
  return {
    id: need.id,
    practiceChange: need.practiceChange,
    targetAudience: need.targetAudience,
    effectivenessMeasure: need.effectivenessMeasure,
    identifiedBy: need.identifiedBy,
    identifiedOther: need.identifiedOther,
    preferredMethods: need.preferredMethods,
    themes: need.themes,
    recommendedMethod: proposal.recommendedMethod,
    estimatedDeliveryHalfDays: proposal.estimatedDeliveryHalfDays,
    estimatedDeliveryDays: daysOf(proposal.estimatedDeliveryHalfDays),
    estimatedCostPence: proposal.estimatedCostPence,
    financialYear: proposal.financialYear,
    summary: proposal.summary,
    endorsedAt: need.decidedAt as Date,
    endorsementNote: need.decisionReason,
    courseId: need.courseId,
  }
}

/** A refusal from the state machine as the error the app answers it with. */
function refuse(decision: MoveDecision): asserts decision is { allowed: true; to: Need['status'] } {
  if (decision.allowed) return
  switch (decision.refusal) {
    case 'role':
      throw new ForbiddenError(decision.message)
    case 'state':
      throw new ConflictError(decision.message)
    case 'reason':
      throw new ValidationError([{ field: 'reason', text: decision.message }])
  }
}

const cleaned = (text: string | null | undefined) => (text?.trim() ? text.trim() : null)

/**
 * Training needs analysis (North Somerset appendix one): anyone in the partnership asks for
 * learning; the L&D sub-group proposes how to meet the need; the executive endorses or
 * declines the proposal. Each step is kept as a transition and emailed to the requester in
 * the same transaction; endorsed needs are what the annual programme plans from.
 */
export function createNeedService(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  courses: CourseService
  publicUrl: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const urlOf = (id: string) => `${deps.publicUrl}/needs/${id}`
  const seesAll = (ctx: Context) => needPlanners.some((role) => ctx.actor.roles.includes(role))

  /** A need the actor may see: a requester who cannot see others' needs is told it does not exist. */
  async function visible(ctx: Context, sql: Sql, id: string, forUpdate = false): Promise<Need> {
    const need = isUuid(id) ? await needById(sql, id, forUpdate) : undefined
    if (!need || (!seesAll(ctx) && need.requestedBy !== ctx.actor.userId)) throw new NotFoundError('Need')
    return need
  }

  async function tellRequester(
    ctx: Context,
    sql: Sql,
    need: Need,
    email: (about: { name: string; partnership: string; practiceChange: string; url: string }) => {
      subject: string
      text: string
    },
  ): Promise<boolean> {
    const requester = await requesterOf(sql, need)
    if (!requester) return false
    const about = {
      name: requester.name,
      partnership: ctx.partnership.name,
      practiceChange: need.practiceChange,
      url: urlOf(need.id),
    }
    await enqueueEmail(sql, ctx.partnership.id, { ...email(about), to: requester.email })
    return true
  }

  const transitionBy = (ctx: Context) => ({
    byUser: ctx.actor.userId,
    byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** The theme ids the partnership has and uses, read before a transaction opens. */
  async function checkThemes(ctx: Context, themes: readonly string[]) {
    if (!themes.length) return
    const known = new Set((await deps.courses.themes(ctx)).map((t) => t.id))
    if (themes.some((id) => !known.has(id)))
      throw new ValidationError([{ field: 'themes', text: 'Select themes from the partnership’s list' }])
  }

  return {
    /** Needs by status, newest first: every need for planners, their own for anyone else. */
    async list(ctx: Context, filter: NeedFilter): Promise<{ items: Need[]; total: number }> {
      requireRole(ctx, ...needRequesters)
      const only = seesAll(ctx) ? null : ctx.actor.userId
      return db.tenant(scopeOf(ctx), (sql) => needsMatching(sql, filter, only))
    },

    async need(ctx: Context, id: string): Promise<Need> {
      requireRole(ctx, ...needRequesters)
      return db.tenant(scopeOf(ctx), (sql) => visible(ctx, sql, id))
    },

    /** A need with its history, oldest step first. */
    async needWithHistory(ctx: Context, id: string): Promise<{ need: Need; history: NeedTransition[] }> {
      requireRole(ctx, ...needRequesters)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const need = await visible(ctx, sql, id)
        return { need, history: await transitionsOf(sql, need.id) }
      })
    },

    /** Records a request and acknowledges it to the requester. */
    async submit(ctx: Context, input: NeedInput): Promise<Need> {
      requireRole(ctx, ...needRequesters)
      await checkThemes(ctx, input.themes)
      const { need, mailed } = await db.tenant(scopeOf(ctx), async (sql) => {
        await checkCitable(sql, ctx, input.findings)
        await sql.auditAs('need.submit')
        const userId = ctx.actor.userId
        const id = await insertNeed(sql, ctx.partnership.id, input, {
          userId,
          personId: userId ? await personOfUser(sql, userId) : null,
        })
        await recordTransition(sql, ctx.partnership.id, {
          needId: id,
          from: null,
          to: 'requested',
          ...transitionBy(ctx),
          reason: null,
          proposal: null,
        })
        const need = (await needById(sql, id)) as Need
        return { need, mailed: await tellRequester(ctx, sql, need, needReceived) }
      })
      if (mailed) deps.mailQueued?.()
      return need
    },

    /**
     * The sub-group's proposal for a need, or a change to it until the executive decides. The
     * same proposal again changes nothing and tells no one.
     */
    async propose(ctx: Context, id: string, input: ProposalInput): Promise<Need> {
      requireRole(ctx, ...rolesFor('propose'))
      const { need, mailed } = await db.tenant(scopeOf(ctx), async (sql) => {
        const current = await visible(ctx, sql, id, true)
        refuse(decideMove(current.status, 'propose', ctx.actor.roles))
        const proposal: NeedProposal = {
          recommendedMethod: input.recommendedMethod,
          estimatedDeliveryHalfDays: toHalfDays(input.estimatedDeliveryDays),
          estimatedCostPence: input.estimatedCostPence,
          financialYear: input.financialYear,
          summary: cleaned(input.summary),
        }
        if (current.status === 'proposed' && isDeepStrictEqual(current.proposal, proposal))
          return { need: current, mailed: false }
        const revised = current.status === 'proposed'
        await sql.auditAs(revised ? 'need.revise' : 'need.propose')
        await writeProposal(sql, current.id, proposal, clock.now())
        await recordTransition(sql, ctx.partnership.id, {
          needId: current.id,
          from: current.status,
          to: 'proposed',
          ...transitionBy(ctx),
          reason: null,
          proposal,
        })
        const need = (await needById(sql, current.id)) as Need
        const mailed = await tellRequester(ctx, sql, need, (about) =>
          needProposed({ ...about, proposal, revised }),
        )
        return { need, mailed }
      })
      if (mailed) deps.mailQueued?.()
      return need
    },

    /** The executive endorses the proposal, or declines it saying why; either is final. */
    async decide(ctx: Context, id: string, input: DecisionInput): Promise<Need> {
      requireRole(ctx, ...rolesFor(input.decision))
      const reason = cleaned(input.reason)
      const { need, mailed } = await db.tenant(scopeOf(ctx), async (sql) => {
        const current = await visible(ctx, sql, id, true)
        const decision = decideMove(current.status, input.decision, ctx.actor.roles, reason)
        refuse(decision)
        const to = decision.to === 'endorsed' ? 'endorsed' : 'declined'
        await sql.auditAs(`need.${input.decision}`)
        await writeDecision(sql, current.id, to, reason, clock.now())
        await recordTransition(sql, ctx.partnership.id, {
          needId: current.id,
          from: current.status,
          to,
          ...transitionBy(ctx),
          reason,
          proposal: null,
        })
        const need = (await needById(sql, current.id)) as Need
        const proposal = need.proposal as NeedProposal
        const mailed = await tellRequester(ctx, sql, need, (about) =>
          to === 'endorsed'
            ? needEndorsed({ ...about, proposal, reason })
            : needDeclined({ ...about, reason: reason ?? '' }),
        )
        return { need, mailed }
      })
      if (mailed) deps.mailQueued?.()
      return need
    },

    /**
     * Whether an admin may add a course for this need now: it is endorsed and has none yet.
     * Read before the course is made, so a course is not made for a need that cannot take it.
     */
    async checkCourseCanBeAdded(ctx: Context, id: string): Promise<Need> {
      requireRole(ctx, 'admin')
      const need = await this.need(ctx, id)
      if (need.status !== 'endorsed')
        throw new ConflictError('A course can be added only for an endorsed need')
      if (need.courseId) throw new ConflictError('This need already has a course')
      return need
    },

    /** Links an endorsed need to the course made for it. */
    async linkCourse(ctx: Context, id: string, courseId: string): Promise<void> {
      requireRole(ctx, 'admin')
      // Read through the courses service: a foreign key alone would accept another partnership's course.
      const course = await deps.courses.course(ctx, courseId)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const need = await visible(ctx, sql, id, true)
        if (need.status !== 'endorsed')
          throw new ConflictError('A course can be added only for an endorsed need')
        if (need.courseId === course.id) return
        if (need.courseId) throw new ConflictError('This need already has a course')
        await sql.auditAs('need.link-course')
        await linkToCourse(sql, need.id, course.id, clock.now())
      })
    },

    /**
     * The endorsed needs the annual programme plans from, with their proposals: those
     * proposed for a programme year (`{ financialYear: 2026 }` is 2026 to 2027), or for any
     * programme year that shares a day with a span of dates (`{ from, to }`, YYYY-MM-DD),
     * years starting in the month of the partnership's policy. Ordered by year, then by when
     * each was endorsed. Planners only.
     */
    async endorsed(ctx: Context, period: ProgrammePeriod): Promise<EndorsedNeed[]> {
      requireRole(ctx, ...needPlanners)
      let years: number[]
      if ('financialYear' in period) years = [period.financialYear]
      else {
        if (!isCalendarDate(period.from) || !isCalendarDate(period.to) || period.from > period.to)
          throw new ValidationError([
            { field: 'from', text: 'Enter a span of dates as YYYY-MM-DD, the first on or before the last' },
          ])
        const { financialYearStartMonth } = await deps.policy.rulesOn(ctx, period.from)
        years = financialYearsTouching(period.from, period.to, financialYearStartMonth)
      }
      const needs = await db.tenant(scopeOf(ctx), (sql) => endorsedIn(sql, years))
      return needs.map(endorsedNeedOf)
    },

    /** The programme year today falls in, under the partnership's policy: what a proposal defaults to. */
    async currentFinancialYear(ctx: Context): Promise<number> {
      const today = londonDateOf(clock.now())
      const { financialYearStartMonth } = await deps.policy.rulesOn(ctx, today)
      return startYearOf(today, financialYearStartMonth)
    },
  }
}

export type NeedService = ReturnType<typeof createNeedService>
