import { isDeepStrictEqual } from 'node:util'
import type { PolicyService } from '#features/policy/service.ts'
import { checkCitable } from '#features/reviews/citations.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { CourseFilter, CourseInput, CoursePatch, ThemeInput } from './forms.ts'
import type { Course, Theme } from './queries.ts'
import {
  courseById,
  coursesMatching,
  insertTheme,
  recordVersion,
  themesOf,
  versionsOf,
  writeCourse,
} from './queries.ts'

/** What stops a course being published: it needs objectives and an evaluation plan. */
export function publishingProblems(
  course: Pick<CourseInput, 'objectives' | 'evaluationPlan' | 'status'>,
): FieldError[] {
  if (course.status !== 'published') return []
  const problems: FieldError[] = []
  if (!course.objectives.length)
    problems.push({
      field: 'objectives',
      text: 'Add at least one learning objective, describing the practice change wanted, before publishing',
    })
  if (!course.evaluationPlan)
    problems.push({ field: 'evaluationPlan', text: 'Add the evaluation plan before publishing' })
  return problems
}

const contentOf = (c: Course | CourseInput) => ({
  title: c.title,
  summary: c.summary,
  objectives: c.objectives,
  tier: c.tier,
  audience: c.audience,
  deliveryMethod: c.deliveryMethod,
  durationMinutes: c.durationMinutes,
  themes: [...c.themes].sort(),
  findings: [...c.findings].sort(),
  evaluationPlan: c.evaluationPlan,
  materials: c.materials,
})

/** Courses and the themes that tag them. Admins change them; the partnership's people read them. */
export function createCourseService(deps: { db: Database; clock: Clock; policy: PolicyService }) {
  const { db, clock } = deps

  async function checkThemes(sql: Sql, themes: readonly string[]) {
    const known = new Set((await themesOf(sql)).map((t) => t.id))
    if (themes.some((id) => !known.has(id)))
      throw new ValidationError([{ field: 'themes', text: 'Select themes from the partnership’s list' }])
  }

  /** Checks the questionnaires a plan names are the partnership's own. */
  async function checkPlan(sql: Sql, plan: CourseInput['evaluationPlan']) {
    if (!plan) return
    const named = (['atBooking', 'afterCourse', 'followUp'] as const).filter((k) => plan[k])
    if (!named.length) return
    const known = new Set(
      (
        await sql.query<{ id: string }>('SELECT id FROM questionnaires WHERE id = ANY($1::uuid[])', [
          named.map((k) => plan[k]),
        ])
      ).map((q) => q.id),
    )
    const problems = named
      .filter((k) => !known.has(plan[k] as string))
      .map((k) => ({ field: k, text: 'Select a questionnaire from the partnership’s list' }))
    if (problems.length) throw new ValidationError(problems)
  }

  /** Checks the tier against the policy, read before a transaction opens (none may open inside another). */
  async function checkTier(ctx: Context, tier: string | null) {
    if (!tier) return
    const { tiers } = await deps.policy.rulesOn(ctx, londonDateOf(clock.now()))
    if (tiers.length && !tiers.includes(tier))
      throw new ValidationError([
        { field: 'tier', text: `Select a tier from the partnership’s tiers: ${tiers.join(', ')}` },
      ])
  }

  return {
    async themes(ctx: Context, includeArchived = false): Promise<Theme[]> {
      return db.tenant(scopeOf(ctx), (sql) => themesOf(sql, includeArchived))
    },

    async addTheme(ctx: Context, input: ThemeInput): Promise<Theme> {
      requireRole(ctx, 'admin')
      try {
        return await db.tenant(scopeOf(ctx), async (sql) => {
          await sql.auditAs('theme.add')
          return insertTheme(sql, ctx.partnership.id, input)
        })
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ValidationError([{ field: 'name', text: 'There is already a theme with this name' }])
        throw error
      }
    },

    async list(ctx: Context, filter: CourseFilter) {
      return db.tenant(scopeOf(ctx), (sql) => coursesMatching(sql, filter))
    },

    async course(ctx: Context, id: string): Promise<Course> {
      const course = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => courseById(sql, id)) : undefined
      if (!course) throw new NotFoundError('Course')
      return course
    },

    async versions(ctx: Context, id: string) {
      const course = await this.course(ctx, id)
      return db.tenant(scopeOf(ctx), (sql) => versionsOf(sql, course.id))
    },

    /** Adds a course; its first version is kept as the content it started with. */
    async create(ctx: Context, input: CourseInput): Promise<Course> {
      requireRole(ctx, 'admin')
      const problems = publishingProblems(input)
      if (problems.length) throw new ValidationError(problems)
      await checkTier(ctx, input.tier)
      return db.tenant(scopeOf(ctx), async (sql) => {
        await checkThemes(sql, input.themes)
        await checkCitable(sql, ctx, input.findings)
        await checkPlan(sql, input.evaluationPlan)
        await sql.auditAs(input.status === 'published' ? 'course.publish' : 'course.add')
        const id = await writeCourse(sql, ctx.partnership.id, input)
        const course = (await courseById(sql, id)) as Course
        await recordVersion(sql, ctx.partnership.id, course, null, ctx.actor.userId)
        return course
      })
    },

    /**
     * Changes a course. A change of content makes a new version, kept with its reason; a
     * change of status alone (publishing, withdrawing) does not.
     */
    async change(ctx: Context, id: string, patch: CoursePatch): Promise<Course> {
      requireRole(ctx, 'admin')
      if (patch.tier) await checkTier(ctx, patch.tier)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const current = isUuid(id) ? await courseById(sql, id) : undefined
        if (!current) throw new NotFoundError('Course')
        const { reason, ...fields } = patch
        const next: CourseInput = { ...current, ...fields }
        const problems = publishingProblems(next)
        if (problems.length) throw new ValidationError(problems)
        await checkThemes(sql, next.themes)
        await checkCitable(sql, ctx, next.findings)
        await checkPlan(sql, next.evaluationPlan)
        const contentChanged = !isDeepStrictEqual(contentOf(current), contentOf(next))
        if (!contentChanged && next.status === current.status) return current
        const publishing = next.status === 'published' && current.status !== 'published'
        await sql.auditAs(
          publishing ? 'course.publish' : contentChanged ? 'course.change' : 'course.withdraw',
        )
        const version = contentChanged ? current.version + 1 : current.version
        await writeCourse(sql, ctx.partnership.id, next, { id: current.id, version }, clock.now())
        const course = (await courseById(sql, current.id)) as Course
        if (contentChanged)
          await recordVersion(sql, ctx.partnership.id, course, reason ?? null, ctx.actor.userId)
        return course
      })
    },
  }
}

export type CourseService = ReturnType<typeof createCourseService>
