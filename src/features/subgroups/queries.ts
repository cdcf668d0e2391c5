import type { Sql } from '#platform/db/database.ts'

/** A partnership's sub-group: a recommendation may be addressed to one and an action owned by one. */
export type Subgroup = { id: string; name: string }

/** The partnership's sub-groups in use, by name. */
export function subgroupsOf(sql: Sql): Promise<Subgroup[]> {
  return sql.query<Subgroup>('SELECT id, name FROM subgroups WHERE NOT archived ORDER BY lower(name), id')
}

/** One sub-group of the partnership in scope, or nothing: another partnership's id finds nothing. */
export function subgroupById(sql: Sql, id: string): Promise<Subgroup | undefined> {
  return sql.maybeOne<Subgroup>('SELECT id, name FROM subgroups WHERE id = $1', [id])
}
