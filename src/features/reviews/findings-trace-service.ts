import { needPlanners } from '#features/needs/service.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import type { CitableFinding } from './citations.ts'
import { checkCitable, citableFindings, visibleFindings } from './citations.ts'
import type { FindingTrace } from './trace.ts'
import { traceOf } from './trace.ts'
import { reviewReaders, sightOf } from './visibility.ts'

export type FindingWithTrace = {
  id: string
  text: string
  themes: { id: string; name: string }[]
  review: { id: string; reference: string; title: string; status: string }
  trace: FindingTrace
  /** Whether the actor may see the requests that cite it; others see only how many there are. */
  seesNeeds: boolean
}

/**
 * A finding with the training that answers it, and the findings an actor may cite. Read by
 * the finding's page and API, and by the course and needs forms.
 */
export function createFindingTraceService(deps: { db: Database }) {
  const { db } = deps
  return {
    async finding(ctx: Context, id: string): Promise<FindingWithTrace> {
      requireRole(ctx, ...reviewReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const row = isUuid(id)
          ? await sql.maybeOne<{
              id: string
              text: string
              reviewId: string
              reference: string
              title: string
              status: string
              agencyIds: string[]
            }>(
              `SELECT f.id, f.text, r.id AS "reviewId", r.reference, r.title, r.status,
                 coalesce((SELECT array_agg(ra.agency_id) FROM review_agencies ra WHERE ra.review_id = r.id), '{}') AS "agencyIds"
                 FROM findings f JOIN reviews r ON r.id = f.review_id WHERE f.id = $1`,
              [id],
            )
          : undefined
        if (!row || sightOf(ctx, row) === 'none') throw new NotFoundError('Finding')
        const themes = await sql.query<{ id: string; name: string }>(
          `SELECT t.id, t.name FROM finding_themes ft JOIN themes t ON t.id = ft.theme_id
            WHERE ft.finding_id = $1 ORDER BY lower(t.name)`,
          [row.id],
        )
        return {
          id: row.id,
          text: row.text,
          themes,
          review: { id: row.reviewId, reference: row.reference, title: row.title, status: row.status },
          trace: await traceOf(sql, row.id),
          seesNeeds: needPlanners.some((role) => ctx.actor.roles.includes(role)),
        }
      })
    },

    /** The findings the actor may cite in a form. */
    async citable(ctx: Context): Promise<CitableFinding[]> {
      return db.tenant(scopeOf(ctx), (sql) => citableFindings(sql, ctx))
    },

    /** Of the findings something cites, those the actor may see. */
    async visible(ctx: Context, ids: readonly string[]): Promise<CitableFinding[]> {
      return db.tenant(scopeOf(ctx), (sql) => visibleFindings(sql, ctx, ids))
    },

    /** Refuses findings the actor may not cite; read before the citing change opens its transaction. */
    async check(ctx: Context, ids: readonly string[]): Promise<void> {
      return db.tenant(scopeOf(ctx), (sql) => checkCitable(sql, ctx, ids))
    },
  }
}

export type FindingTraceService = ReturnType<typeof createFindingTraceService>
