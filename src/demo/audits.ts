import { defaultTemplates, section11 } from '#features/audits/templates/default-sets.ts'
import { insertTemplate, insertVersion } from '#features/audits/templates/queries.ts'
import type { AuditRating } from '#features/audits/words.ts'
import type { Database, Sql } from '#platform/db/database.ts'

/**
 * Agency audits' demo: the suggested section 11 and section 175 templates for every
 * partnership; for the first, a concluded section 11 cycle last year and an open one this year
 * for three agencies, so the results can show change since the last cycle.
 */
export async function seedDemoAudits(
  db: Database,
  partnershipId: string,
  withCycles: boolean,
): Promise<void> {
  await db.tenant({ partnershipId, userId: null, actor: 'demo-seed' }, async (sql) => {
    await sql.auditAs('demo.seed')
    if (await sql.maybeOne('SELECT 1 FROM audit_templates')) return
    const versions: Record<string, string> = {}
    for (const template of defaultTemplates) {
      const { id } = await insertTemplate(sql, partnershipId, template)
      versions[template.kind] = (
        await insertVersion(sql, partnershipId, id, {
          scale: template.scale,
          note: 'The suggested standards, as the partnership starts',
          createdBy: null,
          sections: template.sections,
        })
      ).id
    }
    if (withCycles && versions.section_11) await seedDemoCycles(sql, partnershipId, versions.section_11)
  })
}

/** Last year's ratings, standard by standard, for the demo's three agencies: each a little different. */
const lastYear: readonly (readonly AuditRating[])[] = [
  [
    'good',
    'requires_improvement',
    'good',
    'good',
    'inadequate',
    'good',
    'outstanding',
    'requires_improvement',
  ],
  ['requires_improvement', 'good', 'good', 'requires_improvement', 'good', 'good', 'good', 'inadequate'],
  ['good', 'good', 'outstanding', 'good', 'requires_improvement', 'good', 'requires_improvement', 'good'],
]

async function seedDemoCycles(sql: Sql, partnershipId: string, versionId: string): Promise<void> {
  const people = await sql.one<{ admin: string; lead: string; subgroup: string; led: string[] }>(
    `SELECT (SELECT user_id FROM memberships WHERE role = 'admin' ORDER BY user_id LIMIT 1) AS admin,
            (SELECT user_id FROM memberships WHERE role = 'agency-lead' ORDER BY user_id LIMIT 1) AS lead,
            (SELECT user_id FROM memberships WHERE role = 'subgroup' ORDER BY user_id LIMIT 1) AS subgroup,
            (SELECT agency_ids FROM memberships WHERE role = 'agency-lead' ORDER BY user_id LIMIT 1)::text[] AS led`,
  )
  // The demo lead's agencies, and the council's children's services beside them.
  const agencies = await sql.query<{ id: string; led: boolean }>(
    `(SELECT id, true AS led FROM agencies WHERE id = ANY($1::uuid[]) ORDER BY lower(name) LIMIT 2)
     UNION ALL
     (SELECT id, false FROM agencies WHERE NOT id = ANY($1::uuid[]) AND sector = 'children_services' ORDER BY lower(name) LIMIT 1)`,
    [people.led ?? []],
  )
  const standards = await sql.query<{ id: string }>(
    'SELECT id FROM audit_standards WHERE version_id = $1 ORDER BY position',
    [versionId],
  )
  const cycle = (title: string, opened: string, due: string, closed: boolean) =>
    sql.one<{ id: string }>(
      `INSERT INTO audit_cycles (partnership_id, title, version_id, opened_on, due_on, opened_by, closed_at, closed_by)
       VALUES ($1, $2, $3, (cascade_now() + $4::interval)::date, (cascade_now() + $5::interval)::date, $6,
               CASE WHEN $7 THEN cascade_now() - interval '6 months' END, CASE WHEN $7 THEN $6::uuid END)
       RETURNING id`,
      [partnershipId, title, versionId, opened, due, people.admin, closed],
    )
  const last = await cycle(`${section11.title} 2025-26`, '-13 months', '-10 months', true)
  const current = await cycle(`${section11.title} 2026-27`, '-3 weeks', '9 weeks', false)
  for (const [k, agency] of agencies.entries()) {
    const seniorLead = agency.led ? people.lead : null
    const previous = await sql.one<{ id: string }>(
      `INSERT INTO audit_returns (partnership_id, cycle_id, agency_id, senior_lead_user_id, reviewer_user_id, status,
         signed_off_by, signed_off_by_label, submitted_at, concluded_at, updated_at)
       VALUES ($1, $2, $3, $4::uuid, $5, 'concluded', coalesce($4::uuid, $6::uuid),
               CASE WHEN $4::uuid IS NULL THEN 'On behalf of the agency' END,
               cascade_now() - interval '10 months', cascade_now() - interval '8 months',
               cascade_now() - interval '8 months') RETURNING id`,
      [partnershipId, last.id, agency.id, seniorLead, people.subgroup, people.admin],
    )
    const ratings = lastYear[k] ?? []
    await sql.query(
      `INSERT INTO audit_answers (partnership_id, return_id, standard_id, rating, narrative, updated_by, updated_at,
         review, reviewed_by, reviewed_at)
       SELECT $1, $2, s.id, s.rating, 'How the agency met the standard last year, with its evidence.', $4,
              cascade_now() - interval '11 months', 'agreed', $5, cascade_now() - interval '9 months'
         FROM unnest($3::uuid[], $6::text[]) AS s(id, rating)`,
      [
        partnershipId,
        previous.id,
        standards.map((s) => s.id),
        seniorLead ?? people.admin,
        people.subgroup,
        standards.map((_, i) => ratings[i % ratings.length] ?? 'good'),
      ],
    )
    // This year: the first agency is part way through, from the ratings it gave last year.
    const now = await sql.one<{ id: string }>(
      `INSERT INTO audit_returns (partnership_id, cycle_id, agency_id, senior_lead_user_id, reviewer_user_id, status)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        partnershipId,
        current.id,
        agency.id,
        seniorLead,
        people.subgroup,
        k === 0 ? 'in_progress' : 'not_started',
      ],
    )
    if (k === 0)
      await sql.query(
        `INSERT INTO audit_answers (partnership_id, return_id, standard_id, rating, narrative, updated_by)
         SELECT $1, $2, s.id, 'good', 'Improved since last year: the new policy is in place and staff know it.', $4
           FROM unnest($3::uuid[]) AS s(id)`,
        [partnershipId, now.id, standards.slice(0, 6).map((s) => s.id), seniorLead],
      )
  }
}
