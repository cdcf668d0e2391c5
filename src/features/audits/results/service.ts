import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { auditResultReaders, readsAuditResults } from '../access.ts'
import type { AuditRating } from '../words.ts'
import { scaleRatings } from '../words.ts'
import { resultsCsv } from './csv.ts'
import { reportPdf } from './pdf.ts'
import type { ResultsCycle, ResultsReturn, ResultsStandard } from './queries.ts'
import {
  aggregateOfCycle,
  cellsOfCycle,
  completionOfCycle,
  resultsCycle,
  returnsOfCycle,
  standardsOfCycle,
} from './queries.ts'
import { reportExtras } from './report-queries.ts'
import type { Cell, Completion, Section } from './rules.ts'
import { aggregateOf, cellMap, completionOf, sectionsOf } from './rules.ts'

export type AuditResultsDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** Who may open a cycle's results: the result readers see every agency, an agency lead their own. */
export const resultsUsers = [...auditResultReaders, 'agency-lead'] as const

export type Results = {
  cycle: ResultsCycle
  /** Whether every agency's column is shown; an agency lead sees only their own. */
  everyAgency: boolean
  ratings: readonly AuditRating[]
  standards: ResultsStandard[]
  sections: Section[]
  /** The agencies shown as columns: every return's, or an agency lead's own. */
  columns: ResultsReturn[]
  /** Keyed `agencyId standardId`; a missing key is a standard not answered. */
  cells: Record<string, Cell>
  /** Per standard id, how many agencies end at each rating, over every agency. */
  aggregate: Record<string, Record<string, number>>
  completion: Completion
}

async function read(ctx: Context, sql: Sql, cycleId: string): Promise<Results> {
  const cycle = isUuid(cycleId) ? await resultsCycle(sql, cycleId) : undefined
  if (!cycle) throw new NotFoundError('Audit cycle')
  const everyAgency = readsAuditResults(ctx)
  const own = everyAgency ? null : ctx.actor.agencyIds
  const standards = await standardsOfCycle(sql, cycle.id)
  const columns = await returnsOfCycle(sql, cycle.id, own)
  const cells = cellMap(cycle.scale, await cellsOfCycle(sql, cycle.id, cycle.previousCycleId, own))
  return {
    cycle,
    everyAgency,
    ratings: scaleRatings[cycle.scale],
    standards,
    sections: sectionsOf(standards),
    columns,
    cells,
    aggregate: aggregateOf(cycle.scale, standards, await aggregateOfCycle(sql, cycle.id)),
    completion: completionOf(await completionOfCycle(sql, cycle.id)),
  }
}

/**
 * A cycle's results: the heatmap of final ratings (standards by agencies), the change since
 * each agency's return in the cycle of the same template before, the partnership-wide
 * aggregate and completion; and the cycle report, its CSV and PDF. An agency lead sees only
 * their own agency's column and the aggregate; the report is for result readers.
 */
export function createAuditResultsService(deps: AuditResultsDeps) {
  const { db, clock } = deps

  async function report(ctx: Context, cycleId: string) {
    requireRole(ctx, ...auditResultReaders)
    return db.tenant(scopeOf(ctx), async (sql) => {
      const results = await read(ctx, sql, cycleId)
      return { ...results, ...(await reportExtras(sql, results, clock.now())) }
    })
  }

  return {
    async results(ctx: Context, cycleId: string): Promise<Results> {
      requireRole(ctx, ...resultsUsers)
      return db.tenant(scopeOf(ctx), (sql) => read(ctx, sql, cycleId))
    },

    report,

    /** One row per agency and standard, for the agencies the actor may see: an agency lead's own only. */
    async csv(ctx: Context, cycleId: string): Promise<{ filename: string; content: Buffer }> {
      requireRole(ctx, ...resultsUsers)
      const results = await db.tenant(scopeOf(ctx), (sql) => read(ctx, sql, cycleId))
      return { filename: `audit-results-${results.cycle.openedOn}.csv`, content: resultsCsv(results) }
    },

    async pdf(ctx: Context, cycleId: string): Promise<{ filename: string; content: Buffer }> {
      const r = await report(ctx, cycleId)
      return {
        filename: `audit-report-${r.cycle.openedOn}.pdf`,
        content: await reportPdf(r, ctx.partnership.name, clock.now()),
      }
    },
  }
}

export type AuditResultsService = ReturnType<typeof createAuditResultsService>
export type CycleReport = Awaited<ReturnType<AuditResultsService['report']>>
