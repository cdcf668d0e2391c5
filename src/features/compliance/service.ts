import { stringify } from 'csv-stringify/sync'
import { neutraliseFormula } from '#features/directory/rules.ts'
import { agencyScopeOf } from '#features/directory/service.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid, readOf } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { staffByTrainingDate, staffTraining, staffTrainingPage } from './queries.ts'
import type { Compliance, ComplianceStatus } from './rules.ts'
import { complianceOn, countByStatus, standingOn, statusNames } from './rules.ts'

export type AgencyCompliance = {
  agency: { id: string; name: string }
  today: string
  refresherYears: number
  staff: Compliance[]
  counts: Record<ComplianceStatus, number>
}

/** One page of an agency's staff compliance: its figures count everyone, `staff` is the page. */
export type AgencyCompliancePage = AgencyCompliance & {
  total: number
  listed: number
  page: number
  pages: number
}

const agencyById = (sql: Sql, id: string) =>
  sql.maybeOne<{ id: string; name: string }>('SELECT id, name FROM agencies WHERE id = $1', [id])

/** An agency's staff compliance: basic training evidenced, and refreshed at the partnership's interval. */
export function createComplianceService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  function refuseOtherAgencies(ctx: Context, agencyId: string) {
    const scope = agencyScopeOf(ctx)
    // A lead asking for another agency learns no more than that there is none to show.
    if (!isUuid(agencyId) || (scope && !scope.includes(agencyId))) throw new NotFoundError('Agency')
  }

  async function ofAgency(ctx: Context, agencyId: string): Promise<AgencyCompliance> {
    refuseOtherAgencies(ctx, agencyId)
    const today = londonDateOf(clock.now())
    // The agency, the rules and the staff are read together, in one write to the database and
    // one round trip; with none of the agency, the staff read finds no one.
    return db.read(scopeOf(ctx), async (sql) => {
      const [agencyRead, rulesRead, staffRead] = await Promise.allSettled([
        agencyById(sql, agencyId),
        rulesInForceOn(sql, today),
        staffTraining(sql, agencyId),
      ])
      const agency = readOf(agencyRead)
      if (!agency) throw new NotFoundError('Agency')
      const { refresherIntervalYears: refresherYears } = readOf(rulesRead)
      const staff = readOf(staffRead).map(complianceOn(today, refresherYears))
      return { agency, today, refresherYears, staff, counts: countByStatus(staff) }
    })
  }

  return {
    ofAgency,

    /**
     * One page of the list, with the figures for everyone: the figures are counted by
     * training date and only the page's people are read, as the largest agencies have
     * thousands of staff and a page shows a hundred.
     */
    async pageOf(
      ctx: Context,
      agencyId: string,
      shown: { status: ComplianceStatus | null; page: number; pageSize: number },
    ): Promise<AgencyCompliancePage> {
      refuseOtherAgencies(ctx, agencyId)
      const today = londonDateOf(clock.now())
      return db.tenant(scopeOf(ctx), async (sql) => {
        const [agencyRead, rulesRead, datesRead] = await Promise.allSettled([
          agencyById(sql, agencyId),
          rulesInForceOn(sql, today),
          staffByTrainingDate(sql, agencyId),
        ])
        const agency = readOf(agencyRead)
        if (!agency) throw new NotFoundError('Agency')
        const { refresherIntervalYears: refresherYears } = readOf(rulesRead)
        const standing = standingOn(today, refresherYears)
        const counts: Record<ComplianceStatus, number> = {
          overdue: 0,
          none: 0,
          'due-soon': 0,
          'up-to-date': 0,
        }
        // The training dates whose status is the one asked for.
        const dates: string[] = []
        for (const { trainedOn, staff } of readOf(datesRead)) {
          const { status } = standing(trainedOn)
          counts[status] += staff
          if (trainedOn && status === shown.status) dates.push(trainedOn)
        }
        const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
        const listed = shown.status ? counts[shown.status] : total
        const pages = Math.max(1, Math.ceil(listed / shown.pageSize))
        const page = Math.min(Math.max(1, shown.page), pages)
        const staff = await staffTrainingPage(
          sql,
          agencyId,
          shown.status ? { on: dates, orNone: shown.status === 'none' } : null,
          { size: shown.pageSize, from: (page - 1) * shown.pageSize },
        )
        return {
          agency,
          today,
          refresherYears,
          staff: staff.map(complianceOn(today, refresherYears)),
          counts,
          total,
          listed,
          page,
          pages,
        }
      })
    },

    /** The same list as a spreadsheet, each cell safe to open. */
    async csv(ctx: Context, agencyId: string): Promise<string> {
      const { staff } = await ofAgency(ctx, agencyId)
      const rows = staff.map((p) =>
        [
          p.name,
          p.email,
          p.role ?? '',
          p.tier ?? '',
          statusNames[p.status],
          p.trainedOn ?? '',
          p.courseTitle ?? '',
          p.dueOn ?? '',
        ].map(neutraliseFormula),
      )
      return stringify(rows, {
        header: true,
        columns: ['Name', 'Email', 'Role', 'Tier', 'Status', 'Trained on', 'Course', 'Refresher due by'],
      })
    },
  }
}

export type ComplianceService = ReturnType<typeof createComplianceService>
