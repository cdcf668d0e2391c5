import type { ImpactService } from '#features/evaluation/impact.ts'
import { scopeFrom } from '#features/evaluation/impact.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { ValidationError } from '#platform/errors.ts'
import { betterOff } from './better-off.ts'
import { deliveryBreakdowns, deliveryTotals } from './delivery.ts'
import type { Bounds, Figure, Section } from './figures.ts'
import { howMuch } from './how-much.ts'
import { howWell } from './how-well.ts'
import type { ReportPeriod } from './period.ts'
import { periodAsked, periodContaining, previousOf, sameLastYearOf } from './period.ts'
import { reviewFigures } from './reviews.ts'

export type Report = {
  period: ReportPeriod
  previous: ReportPeriod
  sameLastYear: ReportPeriod
  sections: Section[]
}

/**
 * Reports to the board: for a quarter or a financial year, each section's figures beside the
 * period before and the same period a year earlier. Read by those the board reports to.
 */
export function createReportService(deps: { db: Database; clock: Clock; impact: ImpactService }) {
  const { db, clock } = deps

  /** The sections read straight from the database, each feature's figures in the section they answer. */
  async function featureSections(sql: Sql, bounds: Bounds, withBreakdowns: boolean): Promise<Section[]> {
    const totals = await deliveryTotals(sql, bounds)
    const breakdowns = withBreakdowns ? await deliveryBreakdowns(sql, bounds) : null
    const reviews = await reviewFigures(sql, bounds)
    const much = howMuch(totals, breakdowns)
    const well = howWell(totals, breakdowns)
    return [
      { ...much, figures: [...much.figures, ...reviews.howMuch] },
      { ...well, figures: [...well.figures, ...reviews.howWell] },
    ]
  }

  /** The financial year's first month, and the day the partnership's records begin. */
  async function calendarOf(sql: Sql, ctx: Context, today: string) {
    const [rules, since] = await Promise.all([
      rulesInForceOn(sql, today),
      // The partnership's records begin with its first policy, or when it joined if earlier.
      sql.one<{ since: string }>(
        `SELECT to_char(least((SELECT min(effective_from) FROM policies),
                              (SELECT (created_at AT TIME ZONE 'Europe/London')::date FROM partnerships WHERE id = $1)),
                        'YYYY-MM-DD') AS since`,
        [ctx.partnership.id],
      ),
    ])
    return { startMonth: rules.financialYearStartMonth, since: since.since }
  }

  /** A period's bounds beside those of the period before and the same period a year earlier. */
  function boundsOf(period: ReportPeriod, startMonth: number) {
    const previous = previousOf(period, startMonth)
    const sameLastYear = sameLastYearOf(period, startMonth)
    const bounds = {
      current: [period.start, period.end],
      previous: [previous.start, previous.end],
      lastYear: [sameLastYear.start, sameLastYear.end],
    } satisfies Bounds
    return { previous, sameLastYear, bounds }
  }

  return {
    /**
     * The home page's five headline figures for the quarter so far, beside the quarter before:
     * sessions delivered, attendees, places taken and attended, and actions done on time. Read
     * from the database alone, as the home page is opened far more often than a report.
     */
    async headlines(ctx: Context): Promise<{ period: ReportPeriod; figures: Figure[] }> {
      requireRole(ctx, 'admin', 'executive')
      const today = londonDateOf(clock.now())
      return db.tenant(scopeOf(ctx), async (sql) => {
        const { startMonth } = await calendarOf(sql, ctx, today)
        const period = periodContaining(today, 'quarter', startMonth)
        const sections = await featureSections(sql, boundsOf(period, startMonth).bounds, false)
        const all = new Map(sections.flatMap((s) => s.figures).map((f) => [f.id, f]))
        const figures = ['sessions-delivered', 'attendees', 'fill-rate', 'attendance-rate', 'actions-on-time']
          .map((id) => all.get(id))
          .filter((f): f is Figure => f !== undefined)
        return { period, figures }
      })
    },

    /**
     * The periods a report can be asked for, latest first: this quarter and the seven before
     * it, and this financial year and the two before, none ending before the records begin.
     */
    async periods(
      ctx: Context,
    ): Promise<{ current: ReportPeriod; quarters: ReportPeriod[]; years: ReportPeriod[] }> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const today = londonDateOf(clock.now())
      const { startMonth, since } = await db.tenant(scopeOf(ctx), (sql) => calendarOf(sql, ctx, today))
      const back = (first: ReportPeriod, n: number) => {
        const list = [first]
        while (list.length < n) list.push(previousOf(list[list.length - 1] as ReportPeriod, startMonth))
        return list.filter((p) => p.end > since)
      }
      const current = periodContaining(today, 'quarter', startMonth)
      return {
        current,
        quarters: back(current, 8),
        years: back(periodContaining(today, 'year', startMonth), 3),
      }
    },

    async report(
      ctx: Context,
      asked: { period?: string | undefined; year?: string | undefined },
    ): Promise<Report> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const today = londonDateOf(clock.now())
      // A transaction of several round trips: the period is known only once the policy is read.
      const found = await db.tenant(scopeOf(ctx), async (sql) => {
        const { startMonth, since } = await calendarOf(sql, ctx, today)
        const found = periodAsked(asked, { today, since, startMonth })
        if (!found.ok) throw new ValidationError([{ field: found.field, text: found.message }])
        const { period } = found
        const { previous, sameLastYear, bounds } = boundsOf(period, startMonth)
        return {
          period,
          previous,
          sameLastYear,
          bounds,
          sections: await featureSections(sql, bounds, true),
        }
      })
      // The impact view's own figures for the sessions held in each period, not a copy of them.
      const impactOf = (from: string, to: string) => deps.impact.impact(ctx, scopeFrom({ from, to }))
      const { bounds, ...report } = found
      return { ...report, sections: [...report.sections, await betterOff(impactOf, bounds)] }
    },
  }
}

export type ReportService = ReturnType<typeof createReportService>
