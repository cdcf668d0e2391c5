import type { Sql } from '#platform/db/database.ts'
import type { Scale, TemplateKind } from '../words.ts'
import type { SectionInput } from './forms.ts'

export type AuditStandard = {
  id: string
  ref: string
  title: string
  question: string
  guidance: string
  evidenceExpected: string
  position: number
}
export type AuditSection = { id: string; title: string; position: number; standards: AuditStandard[] }

/** One saved version of a template, whole: what a cycle answers. */
export type AuditTemplateVersion = {
  id: string
  templateId: string
  title: string
  kind: TemplateKind
  version: number
  scale: Scale
  note: string | null
  createdAt: Date
  createdByName: string | null
  sections: AuditSection[]
}

/** A template with its current (latest) version's number and size, for the list. */
export type AuditTemplateSummary = {
  id: string
  title: string
  kind: TemplateKind
  currentVersionId: string
  version: number
  scale: Scale
  sections: number
  standards: number
  cycles: number
}

export type VersionHistoryRow = Pick<
  AuditTemplateVersion,
  'id' | 'version' | 'scale' | 'note' | 'createdAt' | 'createdByName'
> & {
  standards: number
  cycles: number
}

const versionColumns = `v.id, v.template_id AS "templateId", t.title, t.kind, v.version, v.scale, v.note,
  v.created_at AS "createdAt", u.display_name AS "createdByName",
  coalesce((SELECT json_agg(json_build_object('id', s.id, 'title', s.title, 'position', s.position,
      'standards', coalesce((SELECT json_agg(json_build_object('id', d.id, 'ref', d.ref, 'title', d.title,
          'question', d.question, 'guidance', d.guidance, 'evidenceExpected', d.evidence_expected,
          'position', d.position) ORDER BY d.position) FROM audit_standards d WHERE d.section_id = s.id), '[]'))
      ORDER BY s.position) FROM audit_sections s WHERE s.version_id = v.id), '[]') AS sections`
const versionFrom = `audit_template_versions v JOIN audit_templates t ON t.id = v.template_id
  LEFT JOIN users u ON u.id = v.created_by`

export function versionById(sql: Sql, id: string): Promise<AuditTemplateVersion | undefined> {
  return sql.maybeOne<AuditTemplateVersion>(`SELECT ${versionColumns} FROM ${versionFrom} WHERE v.id = $1`, [
    id,
  ])
}

/** A template's latest version: the one new cycles use. */
export function currentVersionOf(sql: Sql, templateId: string): Promise<AuditTemplateVersion | undefined> {
  return sql.maybeOne<AuditTemplateVersion>(
    `SELECT ${versionColumns} FROM ${versionFrom} WHERE v.template_id = $1 ORDER BY v.version DESC LIMIT 1`,
    [templateId],
  )
}

/** Every template's current version, whole, by title: the API's list. */
export function currentVersions(sql: Sql): Promise<AuditTemplateVersion[]> {
  return sql.query<AuditTemplateVersion>(
    `SELECT ${versionColumns} FROM ${versionFrom}
      WHERE v.version = (SELECT max(x.version) FROM audit_template_versions x WHERE x.template_id = v.template_id)
      ORDER BY lower(t.title), t.id`,
  )
}

export function templateSummaries(sql: Sql): Promise<AuditTemplateSummary[]> {
  return sql.query<AuditTemplateSummary>(
    `SELECT t.id, t.title, t.kind, v.id AS "currentVersionId", v.version, v.scale,
            (SELECT count(*)::int FROM audit_sections s WHERE s.version_id = v.id) AS sections,
            (SELECT count(*)::int FROM audit_standards d WHERE d.version_id = v.id) AS standards,
            (SELECT count(*)::int FROM audit_cycles c JOIN audit_template_versions x ON x.id = c.version_id
              WHERE x.template_id = t.id) AS cycles
       FROM audit_templates t
       JOIN LATERAL (SELECT * FROM audit_template_versions x WHERE x.template_id = t.id
                      ORDER BY x.version DESC LIMIT 1) v ON true
      ORDER BY lower(t.title), t.id`,
  )
}

export function versionHistory(sql: Sql, templateId: string): Promise<VersionHistoryRow[]> {
  return sql.query<VersionHistoryRow>(
    `SELECT v.id, v.version, v.scale, v.note, v.created_at AS "createdAt", u.display_name AS "createdByName",
            (SELECT count(*)::int FROM audit_standards d WHERE d.version_id = v.id) AS standards,
            (SELECT count(*)::int FROM audit_cycles c WHERE c.version_id = v.id) AS cycles
       FROM audit_template_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.template_id = $1 ORDER BY v.version DESC`,
    [templateId],
  )
}

export function templateById(
  sql: Sql,
  id: string,
  forUpdate = false,
): Promise<{ id: string; title: string; kind: TemplateKind } | undefined> {
  return sql.maybeOne(
    `SELECT id, title, kind FROM audit_templates WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
}

export function titleTaken(sql: Sql, title: string, exceptId: string | null): Promise<unknown> {
  return sql.maybeOne(
    'SELECT 1 FROM audit_templates WHERE lower(title) = lower($1) AND id IS DISTINCT FROM $2',
    [title, exceptId],
  )
}

export function insertTemplate(
  sql: Sql,
  partnershipId: string,
  template: { kind: TemplateKind; title: string },
): Promise<{ id: string }> {
  return sql.one<{ id: string }>(
    'INSERT INTO audit_templates (partnership_id, kind, title) VALUES ($1, $2, $3) RETURNING id',
    [partnershipId, template.kind, template.title],
  )
}

/**
 * Saves a version, numbered one after the template's latest, with its sections and standards
 * in the order given. Two saves at once: the unique (template, version) refuses the second.
 */
export async function insertVersion(
  sql: Sql,
  partnershipId: string,
  templateId: string,
  input: { scale: Scale; note: string | null; createdBy: string | null; sections: readonly SectionInput[] },
): Promise<{ id: string; version: number }> {
  const version = await sql.one<{ id: string; version: number }>(
    `INSERT INTO audit_template_versions (partnership_id, template_id, version, scale, note, created_by)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5 FROM audit_template_versions WHERE template_id = $2
     RETURNING id, version`,
    [partnershipId, templateId, input.scale, input.note, input.createdBy],
  )
  const sections = await sql.query<{ id: string; position: number }>(
    `INSERT INTO audit_sections (partnership_id, version_id, position, title)
     SELECT $1, $2, s.position, s.title FROM unnest($3::text[]) WITH ORDINALITY AS s(title, position)
     RETURNING id, position`,
    [partnershipId, version.id, input.sections.map((s) => s.title)],
  )
  const sectionIds = new Map(sections.map((s) => [Number(s.position), s.id]))
  const rows = input.sections.flatMap((s, i) =>
    s.standards.map((d) => ({ ...d, sectionId: sectionIds.get(i + 1) as string })),
  )
  await sql.query(
    `INSERT INTO audit_standards (partnership_id, version_id, section_id, position, ref, title, question, guidance,
       evidence_expected)
     SELECT $1, $2, d.section_id, d.position, d.ref, d.title, d.question, d.guidance, d.evidence
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS d(section_id, ref, title, question, guidance, evidence, position)`,
    [
      partnershipId,
      version.id,
      rows.map((r) => r.sectionId),
      rows.map((r) => r.ref),
      rows.map((r) => r.title),
      rows.map((r) => r.question),
      rows.map((r) => r.guidance),
      rows.map((r) => r.evidenceExpected),
    ],
  )
  return version
}
