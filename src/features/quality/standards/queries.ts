import type { Sql } from '#platform/db/database.ts'
import type { StandardInput } from './forms.ts'

export type Standard = {
  id: string
  position: number
  title: string
  guidance: string
  evidenceExpected: string
}
export type StandardsVersion = {
  id: string
  version: number
  note: string | null
  createdAt: Date
  createdByName: string | null
  standards: Standard[]
}

const versionColumns = `v.id, v.version, v.note, v.created_at AS "createdAt", u.display_name AS "createdByName",
  coalesce((SELECT json_agg(json_build_object('id', s.id, 'position', s.position, 'title', s.title,
      'guidance', s.guidance, 'evidenceExpected', s.evidence_expected) ORDER BY s.position)
    FROM qa_standards s WHERE s.version_id = v.id), '[]') AS standards`
const versionFrom = 'qa_standard_versions v LEFT JOIN users u ON u.id = v.created_by'

export function currentVersion(sql: Sql): Promise<StandardsVersion | undefined> {
  return sql.maybeOne<StandardsVersion>(
    `SELECT ${versionColumns} FROM ${versionFrom} ORDER BY v.version DESC LIMIT 1`,
  )
}

export function versionById(sql: Sql, id: string): Promise<StandardsVersion | undefined> {
  return sql.maybeOne<StandardsVersion>(`SELECT ${versionColumns} FROM ${versionFrom} WHERE v.id = $1`, [id])
}

/** Every version, newest first, without their standards: the history. */
export function versionHistory(
  sql: Sql,
): Promise<Pick<StandardsVersion, 'id' | 'version' | 'note' | 'createdAt' | 'createdByName'>[]> {
  return sql.query(
    `SELECT v.id, v.version, v.note, v.created_at AS "createdAt", u.display_name AS "createdByName"
       FROM ${versionFrom} ORDER BY v.version DESC`,
  )
}

/**
 * Saves a new version, numbered one after the latest. Two admins saving at once: the unique
 * (partnership, version) makes the second fail rather than both becoming the same number.
 */
export async function insertVersion(
  sql: Sql,
  partnershipId: string,
  input: { standards: readonly StandardInput[]; note: string | null; createdBy: string | null },
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO qa_standard_versions (partnership_id, version, note, created_by)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM qa_standard_versions RETURNING id`,
    [partnershipId, input.note, input.createdBy],
  )
  await sql.query(
    `INSERT INTO qa_standards (partnership_id, version_id, position, title, guidance, evidence_expected)
     SELECT $1, $2, s.position, s.title, s.guidance, s.evidence
       FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS s(title, guidance, evidence, position)`,
    [
      partnershipId,
      id,
      input.standards.map((s) => s.title),
      input.standards.map((s) => s.guidance),
      input.standards.map((s) => s.evidenceExpected),
    ],
  )
  return id
}
