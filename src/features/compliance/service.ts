import { stringify } from 'csv-stringify/sync'
import { neutraliseFormula } from '#features/directory/rules.ts'
import { agencyScopeOf } from '#features/directory/service.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError } from '#platform/errors.ts'
import { staffTraining } from './queries.ts'
import type { Compliance, ComplianceStatus } from './rules.ts'
import { complianceOn, countByStatus, statusNames } from './rules.ts'

export type AgencyCompliance = {
  agency: { id: string; name: string }
  today: string
  refresherYears: number
  staff: Compliance[]
  counts: Record<ComplianceStatus, number>
}

/** An agency's staff compliance: basic training evidenced, and refreshed at the partnership's interval. */
export function createComplianceService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  async function ofAgency(ctx: Context, agencyId: string): Promise<AgencyCompliance> {
    const scope = agencyScopeOf(ctx)
    // A lead asking for another agency learns no more than that there is none to show.
    if (!isUuid(agencyId) || (scope && !scope.includes(agencyId))) throw new NotFoundError('Agency')
    const today = londonDateOf(clock.now())
    return db.tenant(scopeOf(ctx), async (sql) => {
      const agency = await sql.maybeOne<{ id: string; name: string }>(
        'SELECT id, name FROM agencies WHERE id = $1',
        [agencyId],
      )
      if (!agency) throw new NotFoundError('Agency')
      const { refresherIntervalYears: refresherYears } = await rulesInForceOn(sql, today)
      const staff = (await staffTraining(sql, agency.id)).map(complianceOn(today, refresherYears))
      return { agency, today, refresherYears, staff, counts: countByStatus(staff) }
    })
  }

  return {
    ofAgency,

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
