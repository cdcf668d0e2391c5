import type { Sql } from '#platform/db/database.ts'

/** One set-based statement (or a few) of a synthetic load, named for its progress bar. */
export type Step = { name: string; run: (sql: Sql) => Promise<unknown> }

/**
 * SQL for a deterministic uuid (marked version 4, as the API's checks expect) and a number in
 * [0, 1) for a kind of row and its number (an SQL expression), from the partnership and the
 * seed: the same seed always builds the same rows.
 */
export function seeded(partnership: { slug: string }, seed: number) {
  const key = `${partnership.slug}:${seed}`
  return {
    id: (kind: string, n: string) =>
      `overlay(overlay(md5('${key}:${kind}:' || ${n}) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`,
    chance: (kind: string, n: string) =>
      `(('x' || substr(md5('${key}:${kind}:' || ${n}), 1, 8))::bit(32)::bigint / 4294967296.0)`,
  }
}
