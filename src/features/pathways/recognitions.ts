import { z } from 'zod'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'

export const recognitionSchema = z.object({
  partnershipId: z.uuid({ message: 'Choose the partnership whose course is recognised' }),
  courseId: z.uuid({ message: 'Choose the course recognised' }),
  requirementId: z.uuid({ message: 'Choose the requirement it meets' }),
})
export type RecognitionInput = z.output<typeof recognitionSchema>

export type Recognition = {
  id: string
  partnershipId: string
  partnershipName: string
  courseId: string
  courseTitle: string
  requirementId: string
  requirementTitle: string
  pathwayTitle: string
}

/**
 * Which other partnerships' courses this partnership recognises, and for which of its
 * requirements: a practitioner with one of their certificates adds it by its code.
 */
export function createRecognitionService(deps: { db: Database }) {
  const { db } = deps

  const list = (ctx: Context) =>
    db.tenant(scopeOf(ctx), (sql) =>
      sql.query<Recognition>(
        `SELECT rc.id, rc.recognised_partnership_id AS "partnershipId", pa.name AS "partnershipName",
                rc.recognised_course_id AS "courseId", rc.recognised_course_title AS "courseTitle",
                rc.requirement_id AS "requirementId", r.title AS "requirementTitle", pw.title AS "pathwayTitle"
           FROM recognitions rc JOIN partnerships pa ON pa.id = rc.recognised_partnership_id
           JOIN pathway_requirements r ON r.id = rc.requirement_id JOIN pathways pw ON pw.id = r.pathway_id
          ORDER BY lower(pa.name), lower(rc.recognised_course_title)`,
      ),
    )

  return {
    async list(ctx: Context): Promise<Recognition[]> {
      requireRole(ctx, 'admin', 'subgroup', 'executive', 'agency-lead')
      return list(ctx)
    },

    /** The other partnerships on this deployment, and their published courses: public facts. */
    async others(ctx: Context, partnershipId: string | null) {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const partnerships = await sql.query<{ id: string; name: string }>(
          'SELECT id, name FROM partnerships WHERE id <> $1 ORDER BY name',
          [ctx.partnership.id],
        )
        const courses =
          partnershipId && partnerships.some((p) => p.id === partnershipId)
            ? await sql.query<{ id: string; title: string }>(
                'SELECT id, title FROM published_courses_of($1)',
                [partnershipId],
              )
            : []
        return { partnerships, courses }
      })
    },

    async add(ctx: Context, input: RecognitionInput): Promise<Recognition> {
      requireRole(ctx, 'admin')
      if (input.partnershipId === ctx.partnership.id)
        throw new ValidationError([
          {
            field: 'partnershipId',
            text: 'A partnership’s own courses count already: choose another partnership',
          },
        ])
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('pathways.recognise')
        const course = await sql.maybeOne<{ title: string }>(
          'SELECT title FROM published_courses_of($1) WHERE id = $2',
          [input.partnershipId, input.courseId],
        )
        if (!course)
          throw new ValidationError([
            { field: 'courseId', text: 'Choose one of that partnership’s published courses' },
          ])
        if (!(await sql.maybeOne('SELECT 1 FROM pathway_requirements WHERE id = $1', [input.requirementId])))
          throw new ValidationError([
            { field: 'requirementId', text: 'Choose a requirement of one of the pathways' },
          ])
        const row = await sql.maybeOne<{ id: string }>(
          `INSERT INTO recognitions (partnership_id, recognised_partnership_id, recognised_course_id, recognised_course_title,
                                     requirement_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (requirement_id, recognised_course_id) DO NOTHING RETURNING id`,
          [
            ctx.partnership.id,
            input.partnershipId,
            input.courseId,
            course.title,
            input.requirementId,
            ctx.actor.userId,
          ],
        )
        if (!row)
          throw new ValidationError([
            { field: 'courseId', text: 'That course is recognised for that requirement already' },
          ])
        return row.id
      })
      const added = (await list(ctx)).find((r) => r.id === id)
      if (!added) throw new NotFoundError('Recognition')
      return added
    },

    /** Stops recognising a course; certificates already added keep counting. */
    async remove(ctx: Context, id: string): Promise<void> {
      requireRole(ctx, 'admin')
      const removed = isUuid(id)
        ? await db.tenant(scopeOf(ctx), async (sql) => {
            await sql.auditAs('pathways.unrecognise')
            return sql.maybeOne('DELETE FROM recognitions WHERE id = $1 RETURNING id', [id])
          })
        : undefined
      if (!removed) throw new NotFoundError('Recognition')
    },
  }
}

export type RecognitionService = ReturnType<typeof createRecognitionService>
