import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { Tree } from './finder/tree.ts'
import { treeProblems, walk } from './finder/tree.ts'
import type { PathwayInput, PathwayPatch, RequirementInput } from './forms.ts'
import type { NextDate, Pathway } from './queries.ts'
import {
  activePathwayIds,
  coursesFound,
  finderTree,
  insertPathway,
  nextDates,
  pathwayById,
  pathways,
  pathwayTitleTaken,
  publishedCourseIds,
  replaceRequirements,
  requirementsOf,
  saveFinderTree,
  updatePathway,
} from './queries.ts'

/** Who reads the partnership's pathways in full: everyone who plans or checks training. */
const readers = ['admin', 'subgroup', 'executive', 'agency-lead'] as const

/**
 * A pathway as the decision tree ends on it: its requirements' courses, with their next dates,
 * and which of them are published (a course still in draft has no public page to link to).
 */
export type PathwayWithDates = Pathway & { dates: Record<string, NextDate[]>; published: string[] }

/**
 * Pathways: which training a role needs, as required and optional requirements, each met by
 * any of a set of equivalent courses and refreshed at its own interval; and the partnership's
 * decision tree that tells a practitioner which pathway is theirs.
 */
export function createPathwayService(deps: { db: Database; clock: Clock; partnerships: Partnerships }) {
  const { db } = deps

  async function found(sql: Sql, id: string): Promise<Pathway> {
    const pathway = isUuid(id) ? await pathwayById(sql, id) : undefined
    if (!pathway) throw new NotFoundError('Pathway')
    return pathway
  }

  /** Problems with the requirements given: unknown courses, or ids not of this pathway. */
  async function requirementProblems(
    sql: Sql,
    pathwayId: string | null,
    requirements: readonly RequirementInput[],
  ): Promise<FieldError[]> {
    const problems: FieldError[] = []
    const courseIds = [...new Set(requirements.flatMap((r) => r.courseIds))]
    const known = new Set((await coursesFound(sql, courseIds)).map((c) => c.id))
    if (courseIds.some((id) => !known.has(id)))
      problems.push({ field: 'requirements', text: 'Choose each requirement’s courses from the programme' })
    const own = new Set(pathwayId ? (await requirementsOf(sql, pathwayId)).map((r) => r.id) : [])
    const ids = requirements.flatMap((r) => (r.id ? [r.id] : []))
    if (ids.some((id) => !own.has(id)) || new Set(ids).size !== ids.length)
      problems.push({
        field: 'requirements',
        text: 'A requirement’s id must be one of this pathway’s requirements, once',
      })
    return problems
  }

  async function checkTitle(sql: Sql, title: string, except: string | null) {
    if (await pathwayTitleTaken(sql, title, except))
      throw new ValidationError([{ field: 'title', text: 'There is already a pathway with that title' }])
  }

  return {
    async list(ctx: Context): Promise<Pathway[]> {
      requireRole(ctx, ...readers)
      return db.tenant(scopeOf(ctx), pathways)
    },

    async pathway(ctx: Context, id: string): Promise<Pathway> {
      requireRole(ctx, ...readers)
      return db.tenant(scopeOf(ctx), (sql) => found(sql, id))
    },

    async create(ctx: Context, input: PathwayInput): Promise<Pathway> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.create')
        await checkTitle(sql, input.title, null)
        const problems = await requirementProblems(sql, null, input.requirements)
        if (problems.length) throw new ValidationError(problems)
        const { id } = await insertPathway(sql, ctx.partnership.id, { ...input, createdBy: ctx.actor.userId })
        await replaceRequirements(sql, ctx.partnership.id, id, input.requirements)
        return found(sql, id)
      })
    },

    /** Changes what is given; requirements given replace the pathway's, keeping those named by id. */
    async change(ctx: Context, id: string, patch: PathwayPatch): Promise<Pathway> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.change')
        const was = await found(sql, id)
        const next = {
          title: patch.title ?? was.title,
          audience: patch.audience ?? was.audience,
          summary: patch.summary === undefined ? was.summary : patch.summary,
          status: patch.status ?? was.status,
        }
        if (patch.title) await checkTitle(sql, patch.title, id)
        if (next.status === 'retired' && was.status === 'active') {
          const tree = await finderTree(sql)
          if (tree?.questions.some((q) => q.answers.some((a) => a.pathwayId === id)))
            throw new ValidationError([
              {
                field: 'status',
                text: 'The decision tree ends on this pathway: change the tree before retiring it',
              },
            ])
        }
        if (patch.requirements) {
          const problems = await requirementProblems(sql, id, patch.requirements)
          if (problems.length) throw new ValidationError(problems)
        }
        await updatePathway(sql, id, next)
        if (patch.requirements) await replaceRequirements(sql, ctx.partnership.id, id, patch.requirements)
        return found(sql, id)
      })
    },

    /** The decision tree, for the admin to change; null before one is saved. */
    async tree(ctx: Context): Promise<Tree | null> {
      requireRole(ctx, ...readers)
      return db.tenant(scopeOf(ctx), async (sql) => (await finderTree(sql)) ?? null)
    },

    /** Saves the decision tree whole, refusing one with a loop or a dead end and naming the question. */
    async saveTree(ctx: Context, tree: Tree): Promise<Tree> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.finder')
        const offered = new Set((await activePathwayIds(sql)).map((p) => p.id))
        const problems = treeProblems(tree, offered)
        if (problems.length) throw new ValidationError(problems)
        await saveFinderTree(sql, ctx.partnership.id, tree, ctx.actor.userId)
        return tree
      })
    },

    /**
     * The public decision tree of a partnership, walked by the answers chosen so far: the next
     * question, or the pathway it ends on with its courses' next dates. Anyone may ask.
     */
    async find(slug: string, chosen: readonly number[]) {
      const partnership = await deps.partnerships.bySlug(slug)
      if (!partnership) throw new NotFoundError('Partnership')
      return db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, async (sql) => {
        const tree = await finderTree(sql)
        if (!tree) return { partnership, tree: null, step: null, pathway: null }
        const step = walk(tree, chosen)
        if (!step) throw new NotFoundError('Question')
        if (!('pathwayId' in step)) return { partnership, tree, step, pathway: null }
        const pathway = await found(sql, step.pathwayId)
        const courseIds = pathway.requirements.flatMap((r) => r.courses.map((c) => c.id))
        const dates: Record<string, NextDate[]> = {}
        for (const d of await nextDates(sql, courseIds)) dates[d.courseId] = [...(dates[d.courseId] ?? []), d]
        const published = (await publishedCourseIds(sql, courseIds)).map((c) => c.id)
        return { partnership, tree, step, pathway: { ...pathway, dates, published } as PathwayWithDates }
      })
    },
  }
}

export type PathwayService = ReturnType<typeof createPathwayService>
