import type { Clock } from '#platform/clock.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUniqueViolation, isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Person } from '../queries.ts'
import { personByEmail, personById } from '../queries.ts'
import { agencyScopeOf } from '../service.ts'

type Pair = {
  keep: Person
  duplicate: Person & { agencySince: string; userId: string | null }
}

/** A column that refers to a person, and what merging two records does with it. */
export type PersonReference = {
  table: string
  column: string
  /** Why the merge cannot go ahead, in words an admin can act on: checked before anything moves. */
  refusals?: (sql: Sql, pair: Pair) => Promise<string[]>
  /** Carries the duplicate's rows to the record kept. */
  move: (sql: Sql, pair: Pair, today: string) => Promise<void>
}

/** Hands every row of the table from the duplicate to the record kept. */
const reassign =
  (table: string) =>
  async (sql: Sql, { keep, duplicate }: Pair): Promise<void> => {
    await sql.query(`UPDATE ${table} SET person_id = $1 WHERE person_id = $2`, [keep.id, duplicate.id])
  }

const live = `status NOT IN ('cancelled', 'withdrawn')`

/**
 * Every column in the database that refers to a person, each with what a merge does with it,
 * so a merge keeps all of a person's history on the record kept. A test compares this list with
 * the database's foreign keys to `people`: a feature that adds one must say here what a merge
 * does with it.
 */
export const personReferences: readonly PersonReference[] = [
  {
    // Records merged into the duplicate earlier now point at the record kept, so none points
    // at a record that is itself merged away.
    table: 'people',
    column: 'merged_into',
    move: async (sql, { keep, duplicate }) => {
      await sql.query('UPDATE people SET merged_into = $1 WHERE merged_into = $2', [keep.id, duplicate.id])
    },
  },
  {
    table: 'agency_spells',
    column: 'person_id',
    move: async (sql, pair, today) => {
      await reassign('agency_spells')(sql, pair)
      // The duplicate's time at its agency becomes a past spell of the person kept.
      await sql.query(
        `INSERT INTO agency_spells (partnership_id, person_id, agency_id, started_on, ended_on)
         SELECT partnership_id, $1, agency_id, agency_since, greatest(agency_since, $3::date) FROM people
          WHERE id = $2 AND agency_id <> $4`,
        [pair.keep.id, pair.duplicate.id, today, pair.keep.agencyId],
      )
    },
  },
  {
    // Applications, and with them places, register marks, evaluation answers and completions,
    // which hang off the application. Each keeps the agency it was made from. One person has
    // one live application per session, so two live ones for a session are for an admin to
    // settle first: which of the two is the place is not the merge's to guess.
    table: 'applications',
    column: 'person_id',
    refusals: async (sql, { keep, duplicate }) => {
      const both = await sql.query<{ title: string; startsAt: Date }>(
        `SELECT c.title, s.starts_at AS "startsAt"
           FROM applications k JOIN applications d ON d.session_id = k.session_id AND d.person_id = $2 AND d.${live}
           JOIN sessions s ON s.id = k.session_id JOIN courses c ON c.id = s.course_id
          WHERE k.person_id = $1 AND k.${live}
          ORDER BY s.starts_at, s.id`,
        [keep.id, duplicate.id],
      )
      return both.map(
        (b) =>
          `Both records have applied for ${b.title} on ${londonDateText(b.startsAt)}: withdraw or cancel one of the two applications first`,
      )
    },
    move: reassign('applications'),
  },
  // The triggers on certificates keep both records' latest training up to date as they move.
  { table: 'certificates', column: 'person_id', move: reassign('certificates') },
  { table: 'charges', column: 'person_id', move: reassign('charges') },
  { table: 'conduct_concerns', column: 'person_id', move: reassign('conduct_concerns') },
  { table: 'needs', column: 'person_id', move: reassign('needs') },
  { table: 'course_interests', column: 'person_id', move: reassign('course_interests') },
  {
    // One approval per course: where both records hold one, the stronger is kept (a live one
    // before a withdrawn one, then the one with the later training or CPD), the other goes.
    table: 'trainer_approvals',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM trainer_approvals WHERE id IN (
           SELECT CASE WHEN (d.withdrawn_at IS NULL, greatest(d.trained_on, d.cpd_completed_on))
                          > (k.withdrawn_at IS NULL, greatest(k.trained_on, k.cpd_completed_on))
                       THEN k.id ELSE d.id END
             FROM trainer_approvals k JOIN trainer_approvals d ON d.course_id = k.course_id AND d.person_id = $2
            WHERE k.person_id = $1)`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('trainer_approvals')(sql, pair)
    },
  },
  {
    // A confirmation is once per product, person and kind: where both records confirmed the same, one stays.
    table: 'learning_confirmations',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM learning_confirmations d USING learning_confirmations k
          WHERE d.person_id = $2 AND k.person_id = $1 AND k.product_id = d.product_id AND k.kind = d.kind`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('learning_confirmations')(sql, pair)
    },
  },
  // A trainer's CPD questionnaires are their history; the emails asking for one are claimed once per
  // lapse date and stage, so where both records were asked the same, one claim stays.
  { table: 'trainer_cpd_returns', column: 'person_id', move: reassign('trainer_cpd_returns') },
  {
    table: 'trainer_cpd_chasers',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM trainer_cpd_chasers d USING trainer_cpd_chasers k
          WHERE d.person_id = $2 AND k.person_id = $1 AND k.lapses_on = d.lapses_on AND k.stage = d.stage`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('trainer_cpd_chasers')(sql, pair)
    },
  },
  // Invitations move with their answers, so the twelve months without another audit count for the one person.
  {
    table: 'knowledge_audit_invitations',
    column: 'person_id',
    move: reassign('knowledge_audit_invitations'),
  },
  {
    // Learning from elsewhere is the person's history. A certificate from another partnership
    // that both records added counts once, on the record kept.
    table: 'learning_evidence',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM learning_evidence d USING learning_evidence k
          WHERE d.person_id = $2 AND k.person_id = $1 AND d.certificate_code = k.certificate_code
            AND d.requirement_id IS NOT DISTINCT FROM k.requirement_id`,
        [pair.keep.id, pair.duplicate.id],
      )
      // The record kept takes the duplicate's pathway when it has none, before the evidence
      // moves, so the triggers keep its standing against that pathway.
      await sql.query(
        `UPDATE people k SET pathway_id = d.pathway_id FROM people d
          WHERE k.id = $1 AND d.id = $2 AND k.pathway_id IS NULL AND d.pathway_id IS NOT NULL`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('learning_evidence')(sql, pair)
    },
  },
  {
    // Standing is kept from the evidence and rebuilt for the record kept as that moves; the
    // duplicate's goes with it.
    table: 'requirement_standings',
    column: 'person_id',
    move: async (sql, { duplicate }) => {
      await sql.query('DELETE FROM requirement_standings WHERE person_id = $1', [duplicate.id])
    },
  },
  {
    // Reminders are claimed once per requirement, lapse date and stage: where both records were
    // reminded of the same, one claim stays.
    table: 'pathway_reminders',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM pathway_reminders d USING pathway_reminders k
          WHERE d.person_id = $2 AND k.person_id = $1 AND k.requirement_id = d.requirement_id
            AND k.due_on = d.due_on AND k.ahead = d.ahead`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('pathway_reminders')(sql, pair)
    },
  },
  {
    // A session on which both records train keeps the one trainer.
    table: 'session_trainers',
    column: 'person_id',
    move: async (sql, pair) => {
      await sql.query(
        `DELETE FROM session_trainers d USING session_trainers k
          WHERE d.person_id = $2 AND k.person_id = $1 AND k.session_id = d.session_id`,
        [pair.keep.id, pair.duplicate.id],
      )
      await reassign('session_trainers')(sql, pair)
    },
  },
  // Subject access and erasure requests about the duplicate are the person's record of them.
  { table: 'data_requests', column: 'person_id', move: reassign('data_requests') },
]

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
    const scope = agencyScopeOf(ctx)
    const keep = await visible(ctx, sql, keepId)
    const found = await personByEmail(sql, duplicateEmail)
    const problem = (text: string) => new ValidationError([{ field: 'duplicateEmail', text }])
    if (found?.id === keep.id) throw problem('Enter the email of the other record, not this one')
    const duplicate = found && (await personById(sql, found.id))
    // An agency lead hears only about their own agencies: an email that is someone's elsewhere
    // gets the same answer as one nobody has, so the form cannot tell who has a record.
    if (!duplicate || (scope && !scope.includes(duplicate.agencyId)))
      throw problem(
        scope
          ? 'Nobody in your agencies has this email address'
          : 'Nobody in the directory has this email address',
      )
    return { keep, duplicate }
  }

  return {
    /** The two records a merge would join, for the person to check first. */
    async check(ctx: Context, keepId: string, duplicateEmail: string) {
      return db.tenant(scopeOf(ctx), (sql) => pair(ctx, sql, keepId, duplicateEmail))
    },

    /**
     * Merges the duplicate into the record kept, in one transaction: everything that refers to
     * the duplicate moves to the record kept (see personReferences), and the duplicate leaves
     * every list and answers nowhere. Refused, changing nothing, when the two cannot be joined.
     */
    async merge(ctx: Context, keepId: string, duplicateEmail: string): Promise<void> {
      const scope = agencyScopeOf(ctx)
      const today = londonDateOf(clock.now())
      try {
        await db.tenant(scopeOf(ctx), async (sql) => {
          const { keep, duplicate } = await pair(ctx, sql, keepId, duplicateEmail)
          // Both records are held until the merge commits, and only while the actor manages both.
          const held = await sql.query<{ id: string; agencySince: string; userId: string | null }>(
            `SELECT id, agency_since::text AS "agencySince", user_id AS "userId" FROM people
              WHERE id = ANY($1::uuid[]) AND merged_into IS NULL AND ($2::boolean OR agency_id = ANY($3::uuid[]))
              ORDER BY id FOR UPDATE`,
            [[keep.id, duplicate.id], scope === null, scope ?? []],
          )
          const extra = held.find((h) => h.id === duplicate.id)
          if (held.length !== 2 || !extra) throw new NotFoundError('Person')
          const both: Pair = { keep, duplicate: { ...duplicate, ...extra } }
          const refusals = (
            await Promise.all(personReferences.map((r) => r.refusals?.(sql, both) ?? []))
          ).flat()
          if (refusals.length)
            throw new ValidationError(refusals.map((text) => ({ field: 'duplicateEmail', text })))
          await sql.auditAs('person.merge')
          for (const reference of personReferences) await reference.move(sql, both, today)
          // Whoever the duplicate managed is now managed by the person kept: in the agencies the
          // actor manages, as every change to a person is.
          await sql.query(
            `UPDATE people SET manager_email = $1, manager_name = NULL
              WHERE manager_email_key = lower($2) AND merged_into IS NULL AND id <> $3
                AND ($4::boolean OR agency_id = ANY($5::uuid[]))`,
            [keep.email, duplicate.email, keep.id, scope === null, scope ?? []],
          )
          if (extra.userId)
            await sql.query('UPDATE people SET user_id = coalesce(user_id, $2) WHERE id = $1', [
              keep.id,
              extra.userId,
            ])
          await sql.query('UPDATE people SET merged_into = $1, updated_at = $3 WHERE id = $2', [
            keep.id,
            duplicate.id,
            clock.now(),
          ])
        })
      } catch (error) {
        // Applied for the same session while the merge was being checked.
        if (isUniqueViolation(error))
          throw new ValidationError([
            {
              field: 'duplicateEmail',
              text: 'Both records have applied for the same session: withdraw or cancel one of the two applications first',
            },
          ])
        throw error
      }
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
