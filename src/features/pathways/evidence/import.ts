import { readCsv } from '#features/directory/import/read.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { evidenceRows } from './import-rows.ts'

/** The most problems listed: a file with more has something wrong with all of it. */
const MOST_PROBLEMS = 200

/**
 * Learning evidence for an agency's staff from a spreadsheet, as a lead keeps it: every row is
 * checked (the file with the staff import's care, each person as one of this agency's current
 * staff, each requirement as one of their pathway's), and the file is imported whole or not at
 * all. Imported by the lead, it is verified by them; a row already recorded is left as it is.
 */
export function createEvidenceImport(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  return async function importEvidence(
    ctx: Context,
    agencyId: string,
    bytes: Buffer,
  ): Promise<{ imported: number; alreadyRecorded: number }> {
    const { roles, agencyIds, userId } = ctx.actor
    const leads = roles.includes('admin') || (roles.includes('agency-lead') && agencyIds.includes(agencyId))
    if (!isUuid(agencyId) || !leads) throw new NotFoundError('Agency')
    const read = readCsv(bytes)
    if (!read.ok) throw new ValidationError([{ field: 'file', text: read.reason }])
    const { rows, problems } = evidenceRows(read.table, londonDateOf(clock.now()))
    return db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs('pathways.evidence-import')
      const agency = await sql.maybeOne<{ name: string }>('SELECT name FROM agencies WHERE id = $1', [
        agencyId,
      ])
      if (!agency) throw new NotFoundError('Agency')
      const staff = await sql.query<{
        id: string
        email: string
        userId: string | null
        pathwayId: string | null
      }>(
        `SELECT id, lower(email) AS email, user_id AS "userId", pathway_id AS "pathwayId" FROM people
          WHERE agency_id = $1 AND status = 'active' AND merged_into IS NULL AND lower(email) = ANY($2::text[])`,
        [agencyId, [...new Set(rows.map((r) => r.email))]],
      )
      const byEmail = new Map(staff.map((p) => [p.email, p]))
      const requirements = await sql.query<{ id: string; pathwayId: string; title: string }>(
        'SELECT id, pathway_id AS "pathwayId", lower(title) AS title FROM pathway_requirements',
      )
      const found: FieldError[] = [...problems]
      const ready: { personId: string; requirementId: string | null; row: (typeof rows)[number] }[] = []
      for (const row of rows) {
        const person = byEmail.get(row.email)
        const wrong = (text: string) => found.push({ field: 'file', text: `Row ${row.row}: ${text}` })
        // Only the agency's own staff: an email of someone elsewhere changes nothing of theirs.
        if (!person) {
          wrong(`no one with that email is on ${agency.name}’s current staff`)
          continue
        }
        if (person.userId && person.userId === userId) {
          wrong('your own evidence is verified by another lead or an admin')
          continue
        }
        const requirement = row.requirement
          ? requirements.find(
              (r) => r.pathwayId === person.pathwayId && r.title === row.requirement?.toLowerCase(),
            )
          : undefined
        if (row.requirement && !requirement) {
          wrong(`“${row.requirement}” is not a requirement of their pathway`)
          continue
        }
        ready.push({ personId: person.id, requirementId: requirement?.id ?? null, row })
      }
      if (found.length) {
        const more = found.length - MOST_PROBLEMS
        throw new ValidationError([
          ...found.slice(0, MOST_PROBLEMS),
          ...(more > 0 ? [{ field: 'file', text: `And ${more} more problems` }] : []),
        ])
      }
      const inserted = await sql.query<{ id: string }>(
        `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes,
                                        requirement_id, status, decided_by, decided_at, recorded_by)
         SELECT DISTINCT ON (r.person_id, lower(r.title), r.completed_on) $1, r.person_id, r.kind, r.title, r.provider,
                r.completed_on, r.minutes, r.requirement_id, 'verified', $2::uuid, cascade_now(), $2::uuid
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::date[], $8::int[], $9::uuid[])
                AS r(person_id, kind, title, provider, completed_on, minutes, requirement_id)
          WHERE NOT EXISTS (SELECT 1 FROM learning_evidence e WHERE e.person_id = r.person_id
                              AND lower(e.title) = lower(r.title) AND e.completed_on = r.completed_on)
         RETURNING id`,
        [
          ctx.partnership.id,
          userId,
          ready.map((r) => r.personId),
          ready.map((r) => r.row.kind),
          ready.map((r) => r.row.title),
          ready.map((r) => r.row.provider),
          ready.map((r) => r.row.completedOn),
          ready.map((r) => r.row.minutes),
          ready.map((r) => r.requirementId),
        ],
      )
      return { imported: inserted.length, alreadyRecorded: ready.length - inserted.length }
    })
  }
}

export type EvidenceImport = ReturnType<typeof createEvidenceImport>
