import type { Action } from '#features/actions/index.ts'
import { isOpen } from '#features/actions/index.ts'
import { actionsMatching } from '#features/actions/list-queries.ts'
import type { Impact, ImpactService } from '#features/evaluation/impact.ts'
import { scopeFrom } from '#features/evaluation/impact.ts'
import { visibleActionsSql } from '#features/reviews/visibility.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { lastDayOf } from '../better-off.ts'
import type { Calendar } from '../calendar.ts'
import { calendarOn } from '../calendar.ts'
import type { Which } from '../figures.ts'
import type { ReportPeriod } from '../period.ts'
import { boundsOf, periodAsked, periodContaining, previousOf } from '../period.ts'
import type { StaffEvaluation } from './evaluation.ts'
import { staffEvaluation } from './evaluation.ts'
import type { AgencyFacts } from './facts.ts'
import { agencyFacts } from './facts.ts'
import type { DigestSection } from './figures.ts'
import type { DigestAgency } from './queries.ts'
import { digestAgency } from './queries.ts'

/** An action the agency owns that is still to be signed off, as the digest lists it. */
export type OwnedAction = Pick<Action, 'id' | 'description' | 'sourceText' | 'dueOn' | 'status' | 'overdue'>

/** An agency's quarter: each period figure beside the quarter before, and what stands today. */
export type Digest = {
  agency: DigestAgency
  period: ReportPeriod
  previous: ReportPeriod
  sameLastYear: ReportPeriod
  today: string
  sections: DigestSection[]
  compliance: AgencyFacts['compliance']
  returnsDue: AgencyFacts['returnsDue']
  actions: AgencyFacts['actions'] & { items: OwnedAction[] }
  evaluation: Omit<StaffEvaluation, 'figures'>
}

/** The quarters a digest may be asked for: this one and the seven before, none before records begin. */
export type DigestChoices = { agency: DigestAgency; current: ReportPeriod; quarters: ReportPeriod[] }

/**
 * Each agency's quarterly digest, for its leads and the partnership's admins: uptake against
 * its headcount, no-shows and their charges, its staff's compliance, the learning it has still
 * to answer, the actions it owns and its staff's evaluation results. A lead asking for another
 * agency, or another partnership's, is answered as if it did not exist.
 */
export function createDigestService(deps: { db: Database; clock: Clock; impact: ImpactService }) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())

  /** The pathways staff page's rule: a lead acts only for the agencies they lead, an admin for any. */
  function mayRead(ctx: Context, agencyId: string) {
    requireRole(ctx, 'admin', 'agency-lead')
    if (!isUuid(agencyId)) throw new NotFoundError('Agency')
    if (!ctx.actor.roles.includes('admin') && !ctx.actor.agencyIds.includes(agencyId))
      throw new NotFoundError('Agency')
  }

  async function agencyAndCalendar(ctx: Context, agencyId: string, on: string) {
    return db.tenant(scopeOf(ctx), async (sql) => {
      const agency = await digestAgency(sql, agencyId)
      if (!agency) throw new NotFoundError('Agency')
      return { agency, calendar: await calendarOn(sql, ctx.partnership.id, on) }
    })
  }

  function quartersOf(calendar: Calendar, on: string) {
    const current = periodContaining(on, 'quarter', calendar.startMonth)
    const quarters = [current]
    while (quarters.length < 8)
      quarters.push(previousOf(quarters[quarters.length - 1] as ReportPeriod, calendar.startMonth))
    return { current, quarters: quarters.filter((q) => q.end > calendar.since) }
  }

  return {
    /** The agency and the quarters its digest may be asked for, this one first. */
    async choices(ctx: Context, agencyId: string): Promise<DigestChoices> {
      mayRead(ctx, agencyId)
      const on = today()
      const { agency, calendar } = await agencyAndCalendar(ctx, agencyId, on)
      return { agency, ...quartersOf(calendar, on) }
    },

    /** A quarter's digest (this quarter so far when none is asked for); a quarter written wrongly or not begun is refused. */
    async digest(ctx: Context, agencyId: string, asked: { period?: string | undefined }): Promise<Digest> {
      mayRead(ctx, agencyId)
      const on = today()
      const found = await db.tenant(scopeOf(ctx), async (sql) => {
        const agency = await digestAgency(sql, agencyId)
        if (!agency) throw new NotFoundError('Agency')
        const calendar = await calendarOn(sql, ctx.partnership.id, on)
        const key = asked.period ?? periodContaining(on, 'quarter', calendar.startMonth).key
        const period = periodAsked(
          { period: key },
          { today: on, since: calendar.since, startMonth: calendar.startMonth },
        )
        if (!period.ok) throw new ValidationError([{ field: period.field, text: period.message }])
        const { previous, sameLastYear, bounds } = boundsOf(period.period, calendar.startMonth)
        const facts = await agencyFacts(sql, {
          partnershipId: ctx.partnership.id,
          agencyId,
          headcount: agency.headcount,
          bounds,
          today: on,
          calendar,
        })
        // Open actions only: the lead's list of what is still to do, soonest due first.
        const owned = await actionsMatching(sql, {
          filter: { agencyId },
          today: on,
          visible: (next) => visibleActionsSql(ctx, 'a', next),
        })
        const items = owned.items
          .filter((a) => isOpen(a.status))
          .map(({ id, description, sourceText, dueOn, status, overdue }) => ({
            id,
            description,
            sourceText,
            dueOn,
            status,
            overdue,
          }))
        return { agency, period: period.period, previous, sameLastYear, bounds, facts, items }
      })
      // The impact view of the agency's own staff's answers, for the sessions held in each period.
      const distinct = new Map<string, Promise<Impact>>()
      const impactOf = (w: Which) => {
        const [from, to] = found.bounds[w]
        const key = `${from}/${to}`
        if (!distinct.has(key))
          distinct.set(key, deps.impact.impact(ctx, scopeFrom({ agency: agencyId, from, to: lastDayOf(to) })))
        return distinct.get(key) as Promise<Impact>
      }
      const impacts = {
        current: await impactOf('current'),
        previous: await impactOf('previous'),
        lastYear: await impactOf('lastYear'),
      }
      const { figures, ...evaluation } = staffEvaluation(impacts)
      const { facts } = found
      return {
        agency: found.agency,
        period: found.period,
        previous: found.previous,
        sameLastYear: found.sameLastYear,
        today: on,
        sections: [
          ...facts.sections,
          { id: 'evaluation', title: 'Evaluation results of the agency’s staff', figures },
        ],
        compliance: facts.compliance,
        returnsDue: facts.returnsDue,
        actions: { ...facts.actions, items: found.items },
        evaluation,
      }
    },
  }
}

export type DigestService = ReturnType<typeof createDigestService>
