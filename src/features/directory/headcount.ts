import type { Sql } from '#platform/db/database.ts'

/**
 * An agency's headcount, the workforce that reach is a share of: the number the agency
 * declared, or, when it declared none, its active people in the directory (not merged). The one
 * place the rule lives: dissemination, knowledge audits and reports read it from here.
 *
 * As SQL over an agency aliased `alias`.
 */
export function headcountSql(alias: string): string {
  return `coalesce(${alias}.headcount, (SELECT count(*)::int FROM people hp
    WHERE hp.agency_id = ${alias}.id AND hp.status = 'active' AND hp.merged_into IS NULL))`
}

/** Whether the agency's headcount is its declared one, as SQL over an agency aliased `alias`. */
export function headcountDeclaredSql(alias: string): string {
  return `(${alias}.headcount IS NOT NULL)`
}

export type AgencyHeadcount = { agencyId: string; headcount: number; declared: boolean }

/** The headcount of these agencies (every agency when none are named), by the rule above. */
export function agencyHeadcounts(sql: Sql, agencyIds?: readonly string[]): Promise<AgencyHeadcount[]> {
  return sql.query<AgencyHeadcount>(
    `SELECT a.id AS "agencyId", ${headcountSql('a')} AS headcount, ${headcountDeclaredSql('a')} AS declared
       FROM agencies a WHERE $1::uuid[] IS NULL OR a.id = ANY($1::uuid[]) ORDER BY lower(a.name)`,
    [agencyIds ?? null],
  )
}
