import type { Action } from '#features/actions/index.ts'
import { actionsOfReview, closeNotAchieved, openActionsOfReview } from '#features/actions/index.ts'
import type { CourseService } from '#features/courses/service.ts'
import type { PolicyService } from '#features/policy/service.ts'
import { subgroupById, subgroupsOf } from '#features/subgroups/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type {
  FindingInput,
  RecommendationInput,
  ResponseInput,
  ReviewChange,
  ReviewFilter,
  ReviewInput,
} from './forms.ts'
import type { Finding, Recommendation, Review, ReviewTransition } from './queries.ts'
import {
  agencyChoices,
  findingsOf,
  insertFinding,
  insertRecommendation,
  insertReview,
  rapidReviewsAwaitingDecision,
  recommendationById,
  recommendationsOf,
  recordTransition,
  reviewById,
  reviewsMatching,
  setAgencies,
  setThemes,
  themeCounts,
  transitionsOf,
  updateReview,
  writeResponse,
  writeStatus,
} from './queries.ts'
import { decideClosing, decideTransition, dueMissed, statutoryDueOn } from './rules.ts'
import type { ReviewSight } from './visibility.ts'
import { reviewEditors, reviewReaders, sightOf, visibleReviewsSql } from './visibility.ts'

/** A review with its statutory due date (null when its type has none) and whether it was missed. */
export type ReviewView = Review & { dueOn: string | null; dueMissed: boolean }

/** A review as one person may see it: what their sight does not cover is null. */
export type ReviewDetail = {
  review: ReviewView
  sight: ReviewSight
  history: ReviewTransition[]
  findings: Finding[]
  recommendations: Recommendation[] | null
  actions: Action[] | null
}

/** A theme's reviews and findings by year of notification. */
export type ThemeCount = {
  id: string
  name: string
  reviews: number
  findings: number
  since: number | null
  byYear: Record<number, { reviews: number; findings: number }>
}

/**
 * The review register: case reviews from notification to closing, what they found, what they
 * recommend and how the board responded. Who sees what is decided in visibility.ts; only the
 * register's editors change anything.
 */
export function createReviewService(deps: {
  db: Database
  clock: Clock
  policy: PolicyService
  courses: CourseService
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())

  /** The partnership's jurisdiction today: it names the bank holidays a statutory date skips. */
  async function jurisdictionOf(ctx: Context) {
    return (await deps.policy.rulesOn(ctx, today())).jurisdiction
  }

  async function withDue(ctx: Context, reviews: Review[]): Promise<ReviewView[]> {
    if (!reviews.length) return []
    const jurisdiction = await jurisdictionOf(ctx)
    const day = today()
    return reviews.map((review) => {
      const dueOn = statutoryDueOn(review, jurisdiction)
      return { ...review, dueOn, dueMissed: dueMissed(review, dueOn, day) }
    })
  }

  /** A review the actor may see, and how much of it; any other is not found. */
  async function visible(
    ctx: Context,
    sql: Sql,
    id: string,
    forUpdate = false,
  ): Promise<{ review: Review; sight: ReviewSight }> {
    const review = isUuid(id) ? await reviewById(sql, id, forUpdate) : undefined
    const sight = review ? sightOf(ctx, review) : 'none'
    if (!review || sight === 'none') throw new NotFoundError('Review')
    return { review, sight }
  }

  const by = (ctx: Context) => ({
    byUser: ctx.actor.userId,
    byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** Theme and agency ids must be the partnership's own, read before a transaction opens. */
  async function checkThemes(ctx: Context, themes: readonly string[] | undefined) {
    if (!themes?.length) return
    const known = new Set((await deps.courses.themes(ctx, true)).map((t) => t.id))
    if (themes.some((id) => !known.has(id)))
      throw new ValidationError([{ field: 'themes', text: 'Select themes from the partnership’s list' }])
  }

  async function checkAgencies(sql: Sql, ids: readonly string[] | undefined, field = 'agencyIds') {
    if (!ids?.length) return
    const known = new Set((await agencyChoices(sql)).map((a) => a.id))
    if (ids.some((id) => !known.has(id)))
      throw new ValidationError([{ field, text: 'Select agencies from the partnership’s directory' }])
  }

  /**
   * Before a review closes: refuses while actions are open, unless an admin gave a reason for
   * each, and then closes each as not achieved. Answers the lines the closing step records.
   */
  async function closeOpenActions(
    ctx: Context,
    sql: Sql,
    reviewId: string,
    reasons: Record<string, string> | undefined,
    now: Date,
  ): Promise<string | null> {
    const open = await openActionsOfReview(sql, reviewId, today())
    const closing = decideClosing(
      open.map((a) => a.id),
      reasons,
      ctx.actor.roles,
    )
    if (!closing.allowed) {
      if (closing.refusal === 'fields') throw new ValidationError(closing.errors)
      if (closing.refusal === 'open') throw new ConflictError(closing.message)
      throw new ForbiddenError(closing.message)
    }
    if (!closing.closing.length) return null
    const lines: string[] = []
    for (const { actionId, reason } of closing.closing) {
      const action = open.find((a) => a.id === actionId) as Action
      await closeNotAchieved(sql, ctx.partnership.id, action, reason, by(ctx), now)
      lines.push(`- ${action.description}: ${reason}`)
    }
    return `Open actions closed as not achieved:\n${lines.join('\n')}`
  }

  const duplicateReference = (reference: string | undefined) =>
    new ValidationError([
      { field: 'reference', text: `There is already a review with the reference ${reference ?? ''}`.trim() },
    ])

  /** A finding, recommendation or the like may be added only while the review is not closed. */
  function refuseClosed(review: Review, what: string) {
    if (review.status === 'closed')
      throw new ConflictError(`The review is closed: ${what} can no longer be added`)
  }

  return {
    /** The register, newest notification first, as far as the actor may see it. */
    async list(ctx: Context, filter: ReviewFilter): Promise<{ items: ReviewView[]; total: number }> {
      requireRole(ctx, ...reviewReaders)
      const { items, total } = await db.tenant(scopeOf(ctx), (sql) =>
        reviewsMatching(sql, filter, (next) => visibleReviewsSql(ctx, 'r', next)),
      )
      // A reader of published learning is never shown the reasoning behind a decision.
      const shown = items.map((r) => (sightOf(ctx, r) === 'published' ? { ...r, decisionReason: null } : r))
      return { items: await withDue(ctx, shown), total }
    },

    /** One review with its history, findings and, as far as the actor may see them, recommendations and actions. */
    async detail(ctx: Context, id: string): Promise<ReviewDetail> {
      requireRole(ctx, ...reviewReaders)
      const detail = await db.tenant(scopeOf(ctx), async (sql) => {
        const { review, sight } = await visible(ctx, sql, id)
        const history = await transitionsOf(sql, review.id)
        const findings = await findingsOf(sql, review.id)
        if (sight === 'published')
          // Readers of published learning see the summary and findings, never the reasoning.
          return {
            review: { ...review, decisionReason: null },
            sight,
            history: history.map((h) => ({ ...h, reason: null })),
            findings,
            recommendations: null,
            actions: null,
          }
        const recommendations = await recommendationsOf(sql, review.id)
        const all = await actionsOfReview(sql, review.id, today())
        // An involved agency lead sees their own agencies' actions, and those they own.
        const actions =
          sight === 'full'
            ? all
            : all.filter(
                (a) =>
                  a.ownerUserId === ctx.actor.userId ||
                  (a.owningAgencyId !== null && ctx.actor.agencyIds.includes(a.owningAgencyId)),
              )
        return { review, sight, history, findings, recommendations, actions }
      })
      const [review] = await withDue(ctx, [detail.review])
      return { ...detail, review: review as ReviewView }
    },

    /** A review for its editors' forms. */
    async review(ctx: Context, id: string): Promise<ReviewView> {
      requireRole(ctx, ...reviewEditors)
      const { review } = await db.tenant(scopeOf(ctx), (sql) => visible(ctx, sql, id))
      return (await withDue(ctx, [review]))[0] as ReviewView
    },

    /** Records a notified review. */
    async create(ctx: Context, input: ReviewInput): Promise<ReviewView> {
      requireRole(ctx, ...reviewEditors)
      await checkThemes(ctx, input.themes)
      try {
        const review = await db.tenant(scopeOf(ctx), async (sql) => {
          await checkAgencies(sql, input.agencyIds)
          await sql.auditAs('review.create')
          const id = await insertReview(sql, ctx.partnership.id, {
            ...input,
            agencyIds: [...new Set(input.agencyIds)],
            themes: [...new Set(input.themes)],
          })
          await recordTransition(sql, ctx.partnership.id, {
            reviewId: id,
            from: null,
            to: 'notified',
            ...by(ctx),
            reason: null,
          })
          return (await reviewById(sql, id)) as Review
        })
        return (await withDue(ctx, [review]))[0] as ReviewView
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateReference(input.reference)
        throw error
      }
    },

    /**
     * Changes a review's fields and, when `status` is given, moves it there with the fields
     * that move needs. Closing over open actions is an admin's, with a reason for each: those
     * actions close as not achieved in the same transaction.
     */
    async change(ctx: Context, id: string, input: ReviewChange): Promise<ReviewView> {
      requireRole(ctx, ...reviewEditors)
      await checkThemes(ctx, input.themes)
      try {
        const review = await db.tenant(scopeOf(ctx), async (sql) => {
          const { review: current } = await visible(ctx, sql, id, true)
          await checkAgencies(sql, input.agencyIds)
          await sql.auditAs(
            input.status && input.status !== current.status ? `review.${input.status}` : 'review.change',
          )
          const now = clock.now()
          await updateReview(
            sql,
            current.id,
            {
              type: input.type,
              reference: input.reference,
              title: input.title,
              notifiedOn: input.notifiedOn,
              summary: input.summary,
              leadReviewer: input.leadReviewer,
              reportUrl: input.reportUrl,
            },
            now,
          )
          if (input.agencyIds)
            await setAgencies(sql, ctx.partnership.id, current.id, [...new Set(input.agencyIds)])
          if (input.themes) await setThemes(sql, ctx.partnership.id, current.id, [...new Set(input.themes)])
          // The same status again is a change of fields only, never a second step in the history.
          if (input.status && input.status !== current.status) {
            const state = { ...current, notifiedOn: input.notifiedOn ?? current.notifiedOn }
            const move = decideTransition(state, input.status, input, today())
            if (!move.allowed) {
              if (move.refusal === 'state') throw new ConflictError(move.message)
              throw new ValidationError(move.errors)
            }
            let reason =
              input.reason ?? (move.to === 'decision_made' ? (move.change.decisionReason ?? null) : null)
            if (move.to === 'closed') {
              const closed = await closeOpenActions(ctx, sql, current.id, input.openActionReasons, now)
              if (closed) reason = [reason, closed].filter(Boolean).join('\n\n')
            }
            await writeStatus(sql, current.id, move.to, move.change, now)
            await recordTransition(sql, ctx.partnership.id, {
              reviewId: current.id,
              from: current.status,
              to: move.to,
              ...by(ctx),
              reason,
            })
          }
          return (await reviewById(sql, current.id)) as Review
        })
        return (await withDue(ctx, [review]))[0] as ReviewView
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateReference(input.reference)
        throw error
      }
    },

    /** The actions that keep a review from closing, for the close form. Editors only. */
    async openActions(ctx: Context, id: string): Promise<Action[]> {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { review } = await visible(ctx, sql, id)
        return openActionsOfReview(sql, review.id, today())
      })
    },

    async addFinding(ctx: Context, reviewId: string, input: FindingInput): Promise<Finding> {
      requireRole(ctx, ...reviewEditors)
      await checkThemes(ctx, input.themes)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { review } = await visible(ctx, sql, reviewId, true)
        refuseClosed(review, 'findings')
        await sql.auditAs('review.add-finding')
        return insertFinding(sql, ctx.partnership.id, review.id, {
          ...input,
          themes: [...new Set(input.themes)],
        })
      })
    },

    async addRecommendation(
      ctx: Context,
      reviewId: string,
      input: RecommendationInput,
    ): Promise<Recommendation> {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { review } = await visible(ctx, sql, reviewId, true)
        refuseClosed(review, 'recommendations')
        await checkAgencies(sql, input.agencyIds)
        if (input.subgroupId && !(await subgroupById(sql, input.subgroupId)))
          throw new ValidationError([{ field: 'subgroupId', text: 'Select a sub-group of the partnership' }])
        await sql.auditAs('review.add-recommendation')
        const id = await insertRecommendation(sql, ctx.partnership.id, review.id, input, clock.now())
        return (await recommendationById(sql, id)) as Recommendation
      })
    },

    /** A recommendation and its review, for the response form. Editors only. */
    async recommendation(
      ctx: Context,
      id: string,
    ): Promise<{ recommendation: Recommendation; review: Review }> {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const recommendation = isUuid(id) ? await recommendationById(sql, id) : undefined
        if (!recommendation) throw new NotFoundError('Recommendation')
        const { review } = await visible(ctx, sql, recommendation.reviewId)
        return { recommendation, review }
      })
    },

    /** The board's response to a recommendation, given or changed. */
    async respond(ctx: Context, id: string, input: ResponseInput): Promise<Recommendation> {
      requireRole(ctx, ...reviewEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const current = isUuid(id) ? await recommendationById(sql, id, true) : undefined
        if (!current) throw new NotFoundError('Recommendation')
        await visible(ctx, sql, current.reviewId)
        if (current.response === input.response && current.responseReason === input.responseReason)
          return current
        await sql.auditAs('review.respond')
        await writeResponse(sql, current.id, input.response, input.responseReason, clock.now())
        return (await recommendationById(sql, current.id)) as Recommendation
      })
    },

    /**
     * For each of the partnership's themes, how many reviews and findings the actor may see
     * carry it, by year of notification, and the years counted.
     */
    async themeView(ctx: Context): Promise<{ years: number[]; themes: ThemeCount[] }> {
      requireRole(ctx, ...reviewReaders)
      const themes = await deps.courses.themes(ctx, true)
      const rows = await db.tenant(scopeOf(ctx), (sql) => themeCounts(sql, visibleReviewsSql(ctx, 'r', 1)))
      const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b)
      const counts = themes
        .map((theme) => {
          const mine = rows.filter((r) => r.themeId === theme.id)
          const byYear = Object.fromEntries(
            mine.map((r) => [r.year, { reviews: r.reviews, findings: r.findings }]),
          )
          return {
            id: theme.id,
            name: theme.name,
            // A review carries a theme once, however many years' rows count it: each review has one year.
            reviews: mine.reduce((n, r) => n + r.reviews, 0),
            findings: mine.reduce((n, r) => n + r.findings, 0),
            since: mine.length ? Math.min(...mine.map((r) => r.year)) : null,
            byYear,
            archived: theme.archived,
          }
        })
        // An archived theme is shown only while something still carries it.
        .filter((t) => !t.archived || t.reviews > 0)
        .map(({ archived: _, ...t }) => t)
      return { years, themes: counts }
    },

    /** Rapid reviews whose 15 working days have passed without a decision: for the home page. */
    async overdueRapidReviews(ctx: Context): Promise<ReviewView[]> {
      requireRole(ctx, ...reviewEditors)
      const waiting = await db.tenant(scopeOf(ctx), (sql) => rapidReviewsAwaitingDecision(sql))
      return (await withDue(ctx, waiting)).filter((r) => r.dueMissed)
    },

    /** What the register's forms offer: the partnership's themes, agencies and sub-groups. */
    async choices(ctx: Context) {
      requireRole(ctx, ...reviewReaders)
      const themes = await deps.courses.themes(ctx)
      const { agencies, subgroups } = await db.tenant(scopeOf(ctx), async (sql) => ({
        agencies: await agencyChoices(sql),
        subgroups: await subgroupsOf(sql),
      }))
      return { themes, agencies, subgroups }
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>
