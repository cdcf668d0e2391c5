import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError } from '#platform/errors.ts'
import { defaultStandards } from './default-set.ts'
import type { VersionInput } from './forms.ts'
import type { StandardsVersion } from './queries.ts'
import { currentVersion, insertVersion, versionById, versionHistory } from './queries.ts'

/** Everyone who works with the standards: overseers, the executive, agency leads and trainers. */
export const standardsReaders = ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer'] as const

/**
 * The partnership's training standards, kept as versions: a change saves a new version and
 * leaves the old as it was, so a round or an observation is always read against the standards
 * it was made with.
 */
export function createStandardsService(deps: { db: Database }) {
  const { db } = deps
  return {
    /** The version in use: the latest, or none before the partnership sets its standards. */
    async current(ctx: Context): Promise<StandardsVersion | undefined> {
      requireRole(ctx, ...standardsReaders)
      return db.tenant(scopeOf(ctx), (sql) => currentVersion(sql))
    },

    async version(ctx: Context, id: string): Promise<StandardsVersion> {
      requireRole(ctx, ...standardsReaders)
      const found = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => versionById(sql, id)) : undefined
      if (!found) throw new NotFoundError('Version of the standards')
      return found
    },

    async history(ctx: Context) {
      requireRole(ctx, ...standardsReaders)
      return db.tenant(scopeOf(ctx), (sql) => versionHistory(sql))
    },

    /** The standards a partnership without any starts from. */
    suggested: () => defaultStandards,

    /** Saves the standards as a new version. */
    async save(ctx: Context, input: VersionInput): Promise<StandardsVersion> {
      requireRole(ctx, 'admin')
      try {
        const id = await db.tenant(scopeOf(ctx), async (sql) => {
          await sql.auditAs('quality.standards')
          return insertVersion(sql, ctx.partnership.id, {
            standards: input.standards,
            note: input.note || null,
            createdBy: ctx.actor.userId,
          })
        })
        return this.version(ctx, id)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError('Someone else saved the standards at the same moment: look again and save')
        throw error
      }
    },
  }
}

export type StandardsService = ReturnType<typeof createStandardsService>
