import type { Database } from '#platform/db/database.ts'
import type { AuditRating, AuditReturnStatus, Scale } from './words.ts'

let made = 0

const scope = (partnershipId: string) => ({ partnershipId, userId: null, actor: 'test' })

/**
 * An audit template written straight to the tables, for the tests of the parts that follow it
 * (cycles, returns, challenge, results) without going through its forms: `sections` sections
 * of `standardsPerSection` standards each, numbered "1.1", "1.2"…, as version 1.
 */
export async function anAuditTemplate(
  db: Database,
  partnershipId: string,
  options: { title?: string; scale?: Scale; sections?: number; standardsPerSection?: number } = {},
): Promise<{ templateId: string; versionId: string; standardIds: string[]; refs: string[] }> {
  made += 1
  return db.tenant(scope(partnershipId), async (sql) => {
    await sql.auditAs('test')
    const template = await sql.one<{ id: string }>(
      `INSERT INTO audit_templates (partnership_id, kind, title) VALUES ($1, 'section_11', $2) RETURNING id`,
      [partnershipId, options.title ?? `Section 11 audit ${made}`],
    )
    const version = await sql.one<{ id: string }>(
      `INSERT INTO audit_template_versions (partnership_id, template_id, version, scale)
       VALUES ($1, $2, 1, $3) RETURNING id`,
      [partnershipId, template.id, options.scale ?? 'four_point'],
    )
    const standardIds: string[] = []
    const refs: string[] = []
    let position = 0
    for (let s = 1; s <= (options.sections ?? 2); s += 1) {
      const section = await sql.one<{ id: string }>(
        `INSERT INTO audit_sections (partnership_id, version_id, position, title) VALUES ($1, $2, $3, $4) RETURNING id`,
        [partnershipId, version.id, s, `Section ${s}`],
      )
      for (let n = 1; n <= (options.standardsPerSection ?? 2); n += 1) {
        position += 1
        const ref = `${s}.${n}`
        const standard = await sql.one<{ id: string }>(
          `INSERT INTO audit_standards (partnership_id, version_id, section_id, position, ref, title, question,
             guidance, evidence_expected)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'What good looks like.', 'Policies and minutes.') RETURNING id`,
          [
            partnershipId,
            version.id,
            section.id,
            position,
            ref,
            `Standard ${ref}`,
            `How does the agency meet ${ref}?`,
          ],
        )
        standardIds.push(standard.id)
        refs.push(ref)
      }
    }
    return { templateId: template.id, versionId: version.id, standardIds, refs }
  })
}

/**
 * A cycle written straight to the tables. Each return named is answered on every standard with
 * the rating given (or `good`) and left at the status given (default `submitted`, signed off by
 * its senior lead when one is named).
 */
export async function anAuditCycle(
  db: Database,
  partnershipId: string,
  options: {
    versionId: string
    title?: string
    dueOn?: string
    openedOn?: string
    returns: {
      agencyId: string
      status?: AuditReturnStatus
      rating?: AuditRating
      /** Ratings by standard id, over `rating`. */
      ratings?: Record<string, AuditRating>
      /** Standards left without an answer. */
      unanswered?: readonly string[]
      seniorLeadUserId?: string | null
      reviewerUserId?: string | null
    }[]
  },
): Promise<{ id: string; returns: { id: string; agencyId: string }[] }> {
  made += 1
  return db.tenant(scope(partnershipId), async (sql) => {
    await sql.auditAs('test')
    const cycle = await sql.one<{ id: string }>(
      `INSERT INTO audit_cycles (partnership_id, title, version_id, due_on, opened_on)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        partnershipId,
        options.title ?? `Section 11 cycle ${made}`,
        options.versionId,
        options.dueOn ?? '2027-01-29',
        options.openedOn ?? '2026-11-02',
      ],
    )
    const standards = await sql.query<{ id: string }>(
      'SELECT id FROM audit_standards WHERE version_id = $1 ORDER BY position',
      [options.versionId],
    )
    const returns: { id: string; agencyId: string }[] = []
    for (const r of options.returns) {
      const status = r.status ?? 'submitted'
      const submitted = status === 'submitted' || status === 'challenge' || status === 'concluded'
      const signer = submitted
        ? (r.seniorLeadUserId ??
          (
            await sql.one<{ id: string }>(
              // The agency's lead where it has one, else anyone in the partnership.
              `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id AND m.partnership_id = $1
                ORDER BY (m.role = 'agency-lead' AND $2::uuid = ANY(m.agency_ids)) DESC, u.email LIMIT 1`,
              [partnershipId, r.agencyId],
            )
          ).id)
        : null
      const row = await sql.one<{ id: string }>(
        `INSERT INTO audit_returns (partnership_id, cycle_id, agency_id, senior_lead_user_id, reviewer_user_id, status,
           signed_off_by, submitted_at, concluded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN cascade_now() END,
                 CASE WHEN $6 = 'concluded' THEN cascade_now() END) RETURNING id`,
        [
          partnershipId,
          cycle.id,
          r.agencyId,
          r.seniorLeadUserId ?? signer,
          r.reviewerUserId ?? null,
          status,
          signer,
          submitted,
        ],
      )
      if (status !== 'not_started') {
        for (const standard of standards) {
          if (r.unanswered?.includes(standard.id)) continue
          await sql.query(
            `INSERT INTO audit_answers (partnership_id, return_id, standard_id, rating, narrative)
             VALUES ($1, $2, $3, $4, 'How the agency meets the standard, with its evidence.')`,
            [partnershipId, row.id, standard.id, r.ratings?.[standard.id] ?? r.rating ?? 'good'],
          )
        }
      }
      returns.push({ id: row.id, agencyId: r.agencyId })
    }
    return { id: cycle.id, returns }
  })
}
