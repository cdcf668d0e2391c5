import type { ImpactService } from '#features/evaluation/impact.ts'
import { scopeFrom } from '#features/evaluation/impact.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { readOf } from '#platform/db/database.ts'
import { ValidationError } from '#platform/errors.ts'
import { impactParts, withImpact } from './better-off.ts'
import { calendarOn } from './calendar.ts'
import { complianceFigures } from './compliance.ts'
import { deliveryBreakdowns, deliveryTotals } from './delivery.ts'
import { disseminationFigures } from './dissemination.ts'
import type { Bounds, Figure, Section } from './figures.ts'
import { howMuch } from './how-much.ts'
import { howWell } from './how-well.ts'
import { incomeFigures } from './income.ts'
import { knowledgeFigures } from './knowledge.ts'
import { learningFigures } from './learning-reach.ts'
import type { ReportPeriod } from './period.ts'
import { boundsOf, periodAsked, periodContaining, previousOf } from './period.ts'
import { qualityFigures } from './quality.ts'
import { reviewFigures } from './reviews.ts'
import { uptakeFigures } from './uptake.ts'

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

  /**
   * The sections read straight from the database, each feature's figures in the section they
   * answer. The home page asks only for delivery's and reviews' headline figures (no
   * breakdowns); the other features are read for the full report. The reads do not depend on
   * each other, so they go to the database together (a transaction's statements are pipelined,
   * database.ts) and are judged in order, as if made one after another.
   */
  async function featureSections(sql: Sql, bounds: Bounds, withBreakdowns: boolean): Promise<Section[]> {
    if (!withBreakdowns) {
      const reads = await Promise.allSettled([deliveryTotals(sql, bounds), reviewFigures(sql, bounds)])
      const totals = readOf(reads[0])
      const reviews = readOf(reads[1])
      const much = howMuch(totals, null)
      const well = howWell(totals, null)
      return [
        { ...much, figures: [...much.figures, ...reviews.howMuch] },
        { ...well, figures: [...well.figures, ...reviews.howWell] },
      ]
    }
    const reads = await Promise.allSettled([
      deliveryTotals(sql, bounds),
      deliveryBreakdowns(sql, bounds),
      reviewFigures(sql, bounds),
      learningFigures(sql, bounds),
      disseminationFigures(sql, bounds),
      qualityFigures(sql, bounds),
      knowledgeFigures(sql, bounds),
      incomeFigures(sql, bounds),
      uptakeFigures(sql, bounds),
    ])
    const totals = readOf(reads[0])
    const breakdowns = readOf(reads[1])
    const reviews = readOf(reads[2])
    const learning = readOf(reads[3])
    const dissemination = readOf(reads[4])
    const quality = readOf(reads[5])
    const knowledge = readOf(reads[6])
    const income = readOf(reads[7])
    const uptake = readOf(reads[8])
    const much = howMuch(totals, breakdowns)
    const well = howWell(totals, breakdowns)
    return [
      {
        ...much,
        figures: [...much.figures, ...learning.figures, ...reviews.howMuch],
        breakdowns: [...much.breakdowns, ...learning.breakdowns],
      },
      {
        ...well,
        figures: [...well.figures, ...dissemination, ...quality.figures, ...reviews.howWell],
        breakdowns: [...well.breakdowns, ...quality.breakdowns],
      },
      // The impact view's figures are put first in this section once read (withImpact), and
      // compliance, read on its own connection, last (report).
      {
        id: 'better-off',
        title: 'Is anyone better off?',
        figures: [...knowledge, ...reviews.betterOff],
        breakdowns: [],
      },
      {
        id: 'uptake',
        title: 'Uptake against the workforce, and income',
        figures: [...uptake.figures, ...income.figures],
        breakdowns: [...uptake.breakdowns, ...income.breakdowns],
      },
    ]
  }

  /** The financial year's first month, and the day the partnership's records begin. */
  const calendarOf = (sql: Sql, ctx: Context, today: string) => calendarOn(sql, ctx.partnership.id, today)

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

    /** The period asked for, checked as a report's is: refused with the reason when none can be reported. */
    async period(
      ctx: Context,
      asked: { period?: string | undefined; year?: string | undefined },
    ): Promise<ReportPeriod> {
      requireRole(ctx, 'admin', 'subgroup', 'executive', 'agency-lead')
      const today = londonDateOf(clock.now())
      const { startMonth, since } = await db.tenant(scopeOf(ctx), (sql) => calendarOf(sql, ctx, today))
      const found = periodAsked(asked, { today, since, startMonth })
      if (!found.ok) throw new ValidationError([{ field: found.field, text: found.message }])
      return found.period
    },

    async report(
      ctx: Context,
      asked: { period?: string | undefined; year?: string | undefined },
    ): Promise<Report> {
      requireRole(ctx, 'admin', 'subgroup', 'executive')
      const today = londonDateOf(clock.now())
      const { startMonth, since } = await db.tenant(scopeOf(ctx), (sql) => calendarOf(sql, ctx, today))
      const found = periodAsked(asked, { today, since, startMonth })
      if (!found.ok) throw new ValidationError([{ field: found.field, text: found.message }])
      const { period } = found
      const { previous, sameLastYear, bounds } = boundsOf(period, startMonth)
      // The impact view's own figures for the sessions held in each period, not a copy of them,
      // read on connections of their own while the other features' figures are read.
      const impactOf = (from: string, to: string) =>
        deps.impact.impact(ctx, scopeFrom({ from, to }), { scoresOnly: true })
      // Pathway compliance at each period's end is the costliest of the rest: it too has a
      // connection of its own.
      const [sections, impact, compliance] = await Promise.all([
        db.tenant(scopeOf(ctx), (sql) => featureSections(sql, bounds, true)),
        impactParts(impactOf, bounds),
        db.tenant(scopeOf(ctx), (sql) => complianceFigures(sql, bounds)),
      ])
      const withCompliance = sections.map((s) =>
        s.id === 'better-off'
          ? {
              ...s,
              figures: [...s.figures, ...compliance.figures],
              breakdowns: [...s.breakdowns, ...compliance.breakdowns],
            }
          : s,
      )
      return { period, previous, sameLastYear, sections: withImpact(withCompliance, impact) }
    },
  }
}

export type ReportService = ReturnType<typeof createReportService>
