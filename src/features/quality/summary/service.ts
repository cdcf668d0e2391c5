import { stringify } from 'csv-stringify/sync'
import { neutraliseFormula } from '#features/directory/rules.ts'
import type { PolicyService } from '#features/policy/service.ts'
import type { FinancialYear } from '#features/programme/rules.ts'
import { financialYearOf, financialYearStarting } from '#features/programme/rules.ts'
import { approvalsMatching } from '#features/trainers/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { outcomeNames, outcomes, qaReaders } from '../words.ts'
import type { RoundChoice, Scope } from './queries.ts'
import { gradeTallies, returnsIn, roundChoices, standardTallies } from './queries.ts'
import type { TrainerStanding } from './rules.ts'
import {
  completionByAgency,
  gradeCounts,
  mostOftenNotMet,
  totalsOf,
  trainerStandingNames,
  trainerStandings,
} from './rules.ts'

/** Which summary: one round by id, or a financial year by the calendar year it starts in. */
export type SummaryChoice = { roundId?: string; year?: number }

/**
 * The quality assurance summary, for a round or a financial year: self-assessment completion
 * by agency, outcomes, the standards most often not met, observation grades, and the pool
 * trainers' standing today. The same figures as a CSV.
 */
export function createQaSummaryService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
}) {
  const { db, clock } = deps

  async function summary(ctx: Context, choice: SummaryChoice) {
    requireRole(ctx, ...qaReaders)
    const today = londonDateOf(clock.now())
    const { financialYearStartMonth: startMonth } = await deps.policy.rulesOn(ctx, today)
    return db.tenant(scopeOf(ctx), async (sql) => {
      const rounds = await roundChoices(sql)
      const thisYear = financialYearOf(today, startMonth)
      const firstYear = Number(
        financialYearOf(rounds.at(-1)?.openedOn ?? today, startMonth).start.slice(0, 4),
      )
      const years: FinancialYear[] = []
      for (let y = Number(thisYear.start.slice(0, 4)); y >= firstYear; y--)
        years.push(financialYearStarting(y, startMonth))

      let scope: Scope
      let round: RoundChoice | undefined
      let year: FinancialYear | undefined
      if (choice.roundId !== undefined) {
        round = isUuid(choice.roundId) ? rounds.find((r) => r.id === choice.roundId) : undefined
        if (!round) throw new NotFoundError('Round')
        scope = { roundId: round.id }
      } else {
        year = choice.year ? financialYearStarting(choice.year, startMonth) : thisYear
        scope = { from: year.start, to: year.end }
      }
      const agencies = completionByAgency(await returnsIn(sql, scope))
      return {
        round,
        year,
        label: round ? round.title : `Financial year ${year?.label}`,
        rounds,
        years,
        agencies,
        totals: totalsOf(agencies),
        standards: mostOftenNotMet(await standardTallies(sql, scope)),
        grades: gradeCounts(await gradeTallies(sql, scope)),
        trainers: trainerStandings(await approvalsMatching(sql, {}), today),
        today,
      }
    })
  }

  return {
    summary,

    /** The summary as rows of section, item, measure and value, cells safe from spreadsheet formulas. */
    async csv(ctx: Context, choice: SummaryChoice): Promise<{ filename: string; body: string }> {
      const s = await summary(ctx, choice)
      const rows: (string | number)[][] = []
      const add = (section: string, item: string, measure: string, value: number | string) =>
        rows.push([section, item, measure, value])
      for (const a of s.agencies) {
        add('Self-assessment', a.agencyName, 'Asked', a.asked)
        add('Self-assessment', a.agencyName, 'Submitted', a.submitted)
        add('Self-assessment', a.agencyName, 'Submitted by the due date', a.onTime)
        add('Self-assessment', a.agencyName, 'Reviewed', a.reviewed)
        for (const o of outcomes) add('Self-assessment', a.agencyName, outcomeNames[o], a.outcomes[o])
      }
      for (const o of outcomes) add('Outcomes', 'All agencies', outcomeNames[o], s.totals.outcomes[o])
      for (const t of s.standards) {
        add('Standards not met', t.title, 'Not met', t.notMet)
        add('Standards not met', t.title, 'Partly met', t.partlyMet)
        add('Standards not met', t.title, 'Courses rated', t.rated)
      }
      for (const g of s.grades) {
        add('Observation grades', g.name, 'Multi-agency sessions', g.sessions)
        add('Observation grades', g.name, 'Single-agency courses', g.courses)
      }
      for (const k of Object.keys(s.trainers) as TrainerStanding[])
        add('Trainers', trainerStandingNames[k], `On ${s.today}`, s.trainers[k])
      const body = stringify(
        rows.map((r) => r.map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell))),
        { header: true, columns: ['Section', 'Item', 'Measure', 'Value'] },
      )
      const slug = s.round ? `round-${s.round.openedOn}` : `year-${s.year?.start.slice(0, 4)}`
      return { filename: `quality-assurance-${slug}.csv`, body }
    },
  }
}

export type QaSummaryService = ReturnType<typeof createQaSummaryService>
