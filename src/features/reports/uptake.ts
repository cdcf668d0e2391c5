import { headcountSql } from '#features/directory/headcount.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import type { Sql } from '#platform/db/database.ts'
import { eachPeriodOnce, heldSessionFacts } from './delivery.ts'
import type { Bounds, Breakdown, Figure, Which } from './figures.ts'
import { boundsValues, breakdownOf, figureOf, perPeriod, rateBreakdownOf, rateOf } from './figures.ts'

type AgencyUptake = {
  which: Which
  agencyId: string
  agencyName: string
  sector: string
  headcount: number
  attendees: number
}

/**
 * Uptake against the workforce: for each agency in the directory (not archived), in each
 * period, those who came from it against its headcount
 * (directory/headcount.ts: the one it declared, or its active people), and the agencies that
 * sent nobody. Attendees are counted as everywhere in the report, from the sessions' kept facts:
 * someone who came to two sessions counts twice. The headcount is today's; the directory keeps
 * no earlier one.
 */
export async function uptakeFigures(
  sql: Sql,
  bounds: Bounds,
): Promise<{ figures: Figure[]; breakdowns: Breakdown[] }> {
  const rows = await eachPeriodOnce(bounds, (once) =>
    sql.query<AgencyUptake>(
      `WITH ${heldSessionFacts},
     came AS (SELECT pd.which, pd.agency_id, sum(pd.attendees) AS attendees FROM pd GROUP BY pd.which, pd.agency_id),
     -- Each agency's headcount worked out once, not once for each period.
     agency AS MATERIALIZED (
       SELECT ag.id, ag.name, ag.sector, ${headcountSql('ag')} AS headcount
         FROM agencies ag WHERE NOT ag.archived)
     SELECT p.which, ag.id AS "agencyId", ag.name AS "agencyName", ag.sector, ag.headcount,
            coalesce(c.attendees, 0)::int AS attendees
       FROM bounded p CROSS JOIN agency ag
       LEFT JOIN came c ON c.which = p.which AND c.agency_id = ag.id`,
      boundsValues(once),
    ),
  )
  const totals = (['current', 'previous', 'lastYear'] as const).map((which) => {
    const of = rows.filter((r) => r.which === which)
    return {
      which,
      attendees: of.reduce((n, r) => n + r.attendees, 0),
      headcount: of.reduce((n, r) => n + r.headcount, 0),
      nobody: of.filter((r) => r.attendees === 0).length,
    }
  })
  const nobodyNow = new Set(
    rows.filter((r) => r.which === 'current' && r.attendees === 0).map((r) => r.agencyId),
  )
  const sectorOf = (sector: string) => sectorNames[sector as keyof typeof sectorNames] ?? sector
  return {
    figures: [
      rateOf(
        'uptake-of-workforce',
        'Attendees, as a percentage of the agencies’ headcount',
        perPeriod(totals, 'attendees'),
        perPeriod(totals, 'headcount'),
      ),
      figureOf('agencies-sending-nobody', 'Agencies that sent nobody', perPeriod(totals, 'nobody')),
    ],
    breakdowns: [
      rateBreakdownOf(
        'uptake-by-agency',
        'Attendees as a percentage of the agency’s headcount',
        // An agency with no headcount has nothing to be a share of.
        rows
          .filter((r) => r.headcount > 0)
          .map((r) => ({
            which: r.which,
            key: r.agencyId,
            label: r.agencyName,
            part: r.attendees,
            whole: r.headcount,
          })),
      ),
      // By name, beside how many came from each in the periods compared.
      breakdownOf(
        'agencies-sending-nobody',
        'Agencies that sent nobody this period, and those who came from them before',
        rows
          .filter((r) => nobodyNow.has(r.agencyId))
          .map((r) => ({ which: r.which, key: r.agencyId, label: r.agencyName, n: r.attendees })),
      ),
      breakdownOf(
        'agencies-sending-nobody-by-sector',
        'Agencies that sent nobody, by sector',
        rows
          .filter((r) => r.attendees === 0)
          .map((r) => ({ which: r.which, key: r.sector, label: sectorOf(r.sector), n: 1 })),
        false,
      ),
    ],
  }
}
