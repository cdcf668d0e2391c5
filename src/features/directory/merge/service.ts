import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Person } from '../queries.ts'
import { personByEmail, personById } from '../queries.ts'
import { agencyScopeOf } from '../service.ts'

/**
 * Moves everything that hangs off the duplicate onto the record kept. Each table that comes
 * to refer to people (applications, bookings, certificates…) adds its move here, so a merge
 * keeps all of a person's history.
 */
async function moveHistory(
  sql: Sql,
  keep: Person,
  duplicate: Person & { agencySince: string; userId: string | null },
  today: string,
) {
  await sql.query('UPDATE agency_spells SET person_id = $1 WHERE person_id = $2', [keep.id, duplicate.id])
  // The duplicate's time at its agency becomes a past spell of the person kept.
  await sql.query(
    `INSERT INTO agency_spells (partnership_id, person_id, agency_id, started_on, ended_on)
     SELECT partnership_id, $1, agency_id, agency_since, greatest(agency_since, $3::date) FROM people
      WHERE id = $2 AND agency_id <> $4`,
    [keep.id, duplicate.id, today, keep.agencyId],
  )
  // Whoever the duplicate managed is now managed by the person kept.
  await sql.query(
    `UPDATE people SET manager_email = $1, manager_name = NULL
      WHERE manager_email_key = lower($2) AND merged_into IS NULL AND id <> $3`,
    [keep.email, duplicate.email, keep.id],
  )
  if (duplicate.userId)
    await sql.query('UPDATE people SET user_id = coalesce(user_id, $2) WHERE id = $1', [
      keep.id,
      duplicate.userId,
    ])
}

/** Merging two records of the same person into one. */
export function createMergeService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  async function visible(ctx: Context, sql: Sql, id: string) {
    const scope = agencyScopeOf(ctx)
    const person = isUuid(id) ? await personById(sql, id) : undefined
    if (!person || (scope && !scope.includes(person.agencyId))) throw new NotFoundError('Person')
    return person
  }

  async function pair(ctx: Context, sql: Sql, keepId: string, duplicateEmail: string) {
    const keep = await visible(ctx, sql, keepId)
    const found = await personByEmail(sql, duplicateEmail)
    const problem = (text: string) => new ValidationError([{ field: 'duplicateEmail', text }])
    if (!found) throw problem('Nobody in the directory has this email address')
    if (found.id === keep.id) throw problem('Enter the email of the other record, not this one')
    const scope = agencyScopeOf(ctx)
    const duplicate = await personById(sql, found.id)
    if (!duplicate || (scope && !scope.includes(duplicate.agencyId)))
      throw problem('Nobody in your agencies has this email address')
    return { keep, duplicate }
  }

  return {
    /** The two records a merge would join, for the person to check first. */
    async check(ctx: Context, keepId: string, duplicateEmail: string) {
      return db.tenant(scopeOf(ctx), (sql) => pair(ctx, sql, keepId, duplicateEmail))
    },

    /** Merges the duplicate into the record kept: the duplicate leaves every list, its history stays. */
    async merge(ctx: Context, keepId: string, duplicateEmail: string): Promise<void> {
      const today = londonDateOf(clock.now())
      await db.tenant(scopeOf(ctx), async (sql) => {
        const { keep, duplicate } = await pair(ctx, sql, keepId, duplicateEmail)
        const extra = await sql.one<{ agencySince: string; userId: string | null }>(
          'SELECT agency_since::text AS "agencySince", user_id AS "userId" FROM people WHERE id = $1',
          [duplicate.id],
        )
        await sql.auditAs('person.merge')
        await moveHistory(sql, keep, { ...duplicate, ...extra }, today)
        await sql.query('UPDATE people SET merged_into = $1, updated_at = $3 WHERE id = $2', [
          keep.id,
          duplicate.id,
          clock.now(),
        ])
      })
    },

    /** The records merged into this one, shown on it. */
    async mergedInto(
      ctx: Context,
      id: string,
    ): Promise<{ email: string; firstName: string; lastName: string }[]> {
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query(
          'SELECT email, first_name AS "firstName", last_name AS "lastName" FROM people WHERE merged_into = $1 ORDER BY email',
          [id],
        ),
      )
    },
  }
}

export type MergeService = ReturnType<typeof createMergeService>
