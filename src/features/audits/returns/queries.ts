import type { Sql } from '#platform/db/database.ts'
import type { ReturnAccessFacts } from '../access.ts'
import type { AnswerReview, AuditRating, AuditReturnStatus, Resolution, Scale } from '../words.ts'

/** One agency's return in a cycle, as its pages read it. */
export type AuditReturn = ReturnAccessFacts & {
  id: string
  cycleId: string
  cycleTitle: string
  dueOn: string
  closed: boolean
  templateId: string
  versionId: string
  scale: Scale
  agencyName: string
  status: AuditReturnStatus
  seniorLeadName: string | null
  reviewerName: string | null
  reviewerEmail: string | null
  carriedFrom: string | null
  surveyId: string | null
  signedOffByName: string | null
  submittedAt: Date | null
  contributors: { userId: string; name: string; email: string }[]
}

export type AuditStandard = {
  id: string
  sectionId: string
  position: number
  ref: string
  title: string
  question: string
  guidance: string
  evidenceExpected: string
}

export type AuditSection = { id: string; position: number; title: string; standards: AuditStandard[] }

export type EvidenceFileSummary = { id: string; filename: string; sizeBytes: number; uploadedAt: Date }

/** An answer as saved, with who last changed it, in words. */
export type SavedAnswer = {
  standardId: string
  rating: AuditRating | null
  narrative: string | null
  version: number
  updatedBy: string | null
  updatedByName: string | null
  updatedAt: Date
  files: EvidenceFileSummary[]
  /** The reviewer's view and, for a challenged answer, how the challenge event settled it. */
  review: AnswerReview | null
  reviewNote: string | null
  resolution: Resolution | null
  revisedRating: AuditRating | null
  resolutionNote: string | null
}

const returnColumns = `r.id, r.cycle_id AS "cycleId", c.title AS "cycleTitle", to_char(c.due_on, 'YYYY-MM-DD') AS "dueOn",
  c.closed_at IS NOT NULL AS closed, v.template_id AS "templateId", c.version_id AS "versionId", v.scale,
  r.agency_id AS "agencyId", a.name AS "agencyName", r.status,
  r.senior_lead_user_id AS "seniorLeadUserId", sl.display_name AS "seniorLeadName",
  r.reviewer_user_id AS "reviewerUserId", rv.display_name AS "reviewerName", rv.email AS "reviewerEmail",
  r.carried_from AS "carriedFrom", r.survey_id AS "surveyId",
  coalesce(so.display_name, r.signed_off_by_label) AS "signedOffByName", r.submitted_at AS "submittedAt",
  coalesce((SELECT json_agg(json_build_object('userId', u.id, 'name', u.display_name, 'email', u.email)
                            ORDER BY lower(u.display_name), u.id)
              FROM audit_return_contributors arc JOIN users u ON u.id = arc.user_id
             WHERE arc.return_id = r.id), '[]'::json) AS contributors`

const returnFrom = `audit_returns r
  JOIN audit_cycles c ON c.id = r.cycle_id
  JOIN audit_template_versions v ON v.id = c.version_id
  JOIN agencies a ON a.id = r.agency_id
  LEFT JOIN users sl ON sl.id = r.senior_lead_user_id
  LEFT JOIN users rv ON rv.id = r.reviewer_user_id
  LEFT JOIN users so ON so.id = r.signed_off_by`

/**
 * A return, perhaps locked. `FOR KEY SHARE` (a save) lets other saves run beside it but waits
 * for a submit, which takes `FOR UPDATE`; so a save never lands on a return just submitted.
 */
export async function returnById(
  sql: Sql,
  id: string,
  lock: 'none' | 'save' | 'submit' = 'none',
): Promise<AuditReturn | undefined> {
  if (lock !== 'none')
    await sql.query(
      `SELECT 1 FROM audit_returns WHERE id = $1 ${lock === 'save' ? 'FOR KEY SHARE' : 'FOR UPDATE'}`,
      [id],
    )
  const row = await sql.maybeOne<AuditReturn & { contributors: AuditReturn['contributors'] }>(
    `SELECT ${returnColumns} FROM ${returnFrom} WHERE r.id = $1`,
    [id],
  )
  return row ? { ...row, contributorUserIds: row.contributors.map((c) => c.userId) } : undefined
}

/** The returns the actor answers: their agencies' (as a lead) and those they are named on. */
export async function returnsAnsweredBy(
  sql: Sql,
  userId: string | null,
  leadOf: readonly string[],
): Promise<AuditReturn[]> {
  const rows = await sql.query<AuditReturn>(
    `SELECT ${returnColumns} FROM ${returnFrom}
      WHERE r.agency_id = ANY($2::uuid[])
         OR EXISTS (SELECT 1 FROM audit_return_contributors arc WHERE arc.return_id = r.id AND arc.user_id = $1::uuid)
      ORDER BY (r.status IN ('not_started', 'in_progress')) DESC, c.due_on, lower(a.name), r.id`,
    [userId, leadOf],
  )
  return rows.map((row) => ({ ...row, contributorUserIds: row.contributors.map((c) => c.userId) }))
}

/** A template version's sections with their standards, in order. */
export async function sectionsOf(sql: Sql, versionId: string): Promise<AuditSection[]> {
  const sections = await sql.query<Omit<AuditSection, 'standards'>>(
    'SELECT id, position, title FROM audit_sections WHERE version_id = $1 ORDER BY position',
    [versionId],
  )
  const standards = await sql.query<AuditStandard>(
    `SELECT id, section_id AS "sectionId", position, ref, title, question, guidance,
            evidence_expected AS "evidenceExpected"
       FROM audit_standards WHERE version_id = $1 ORDER BY position`,
    [versionId],
  )
  return sections.map((s) => ({ ...s, standards: standards.filter((t) => t.sectionId === s.id) }))
}

const answerColumns = `x.standard_id AS "standardId", x.rating, x.narrative, x.version, x.updated_by AS "updatedBy",
  coalesce(u.display_name, x.updated_by_label) AS "updatedByName", x.updated_at AS "updatedAt",
  x.review, x.review_note AS "reviewNote", x.resolution, x.revised_rating AS "revisedRating",
  x.resolution_note AS "resolutionNote",
  coalesce((SELECT json_agg(json_build_object('id', f.id, 'filename', f.filename, 'sizeBytes', f.size_bytes,
                                              'uploadedAt', f.uploaded_at) ORDER BY f.uploaded_at, f.id)
              FROM audit_evidence_files f WHERE f.return_id = x.return_id AND f.standard_id = x.standard_id),
           '[]'::json) AS files`

/** Every answer a return holds. */
export function answersOf(sql: Sql, returnId: string): Promise<SavedAnswer[]> {
  return sql.query<SavedAnswer>(
    `SELECT ${answerColumns} FROM audit_answers x LEFT JOIN users u ON u.id = x.updated_by WHERE x.return_id = $1`,
    [returnId],
  )
}

export function answerOf(sql: Sql, returnId: string, standardId: string): Promise<SavedAnswer | undefined> {
  return sql.maybeOne<SavedAnswer>(
    `SELECT ${answerColumns} FROM audit_answers x LEFT JOIN users u ON u.id = x.updated_by
      WHERE x.return_id = $1 AND x.standard_id = $2`,
    [returnId, standardId],
  )
}

type Change = {
  partnershipId: string
  returnId: string
  standardId: string
  rating: AuditRating | null
  narrative: string | null
  by: string | null
  label: string | null
  at: Date
}

/**
 * The first save of an answer, in one statement: written only if no one has saved it yet.
 * A row holding nothing but evidence files (an upload makes one) counts as unsaved. Nothing
 * back means a colleague got there first.
 */
export async function insertAnswer(sql: Sql, c: Change): Promise<boolean> {
  const row = await sql.maybeOne(
    `INSERT INTO audit_answers AS x (partnership_id, return_id, standard_id, rating, narrative, version, updated_by,
       updated_by_label, updated_at)
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8)
     ON CONFLICT (return_id, standard_id) DO UPDATE SET rating = excluded.rating, narrative = excluded.narrative,
       version = x.version + 1, updated_by = excluded.updated_by, updated_by_label = excluded.updated_by_label,
       updated_at = excluded.updated_at
       WHERE x.rating IS NULL AND x.narrative IS NULL AND x.version = 1
     RETURNING 1`,
    [c.partnershipId, c.returnId, c.standardId, c.rating, c.narrative, c.by, c.label, c.at],
  )
  return row !== undefined
}

/** An empty answer for evidence files to hang on, when the standard has none yet; its version is left alone. */
export function ensureAnswer(sql: Sql, c: Omit<Change, 'rating' | 'narrative'>): Promise<unknown> {
  return sql.query(
    `INSERT INTO audit_answers (partnership_id, return_id, standard_id, version, updated_by, updated_by_label, updated_at)
     VALUES ($1, $2, $3, 1, $4, $5, $6) ON CONFLICT (return_id, standard_id) DO NOTHING`,
    [c.partnershipId, c.returnId, c.standardId, c.by, c.label, c.at],
  )
}

/**
 * A later save, in one statement: written only if the answer is still at the version the
 * saver read. A concurrent save of the same version waits for the first to commit, then finds
 * the version moved on and writes nothing.
 */
export async function updateAnswer(sql: Sql, c: Change, version: number): Promise<boolean> {
  const row = await sql.maybeOne(
    `UPDATE audit_answers SET rating = $3, narrative = $4, version = version + 1, updated_by = $5,
       updated_by_label = $6, updated_at = $7
     WHERE return_id = $1 AND standard_id = $2 AND version = $8 RETURNING 1`,
    [c.returnId, c.standardId, c.rating, c.narrative, c.by, c.label, c.at, version],
  )
  return row !== undefined
}

/** A return being worked on: from not started to in progress on its first change. */
export function markStarted(sql: Sql, returnId: string, at: Date): Promise<unknown> {
  return sql.query(
    `UPDATE audit_returns SET status = 'in_progress', updated_at = $2 WHERE id = $1 AND status = 'not_started'`,
    [returnId, at],
  )
}

export function evidenceFileOf(sql: Sql, returnId: string, fileId: string) {
  return sql.maybeOne<{
    id: string
    standardId: string
    filename: string
    contentType: string
    bytes: Buffer
  }>(
    `SELECT id, standard_id AS "standardId", filename, content_type AS "contentType", bytes
       FROM audit_evidence_files WHERE return_id = $1 AND id = $2`,
    [returnId, fileId],
  )
}

/** The agency's latest return in an earlier cycle of the same template (any version) that has answers. */
export function previousReturnOf(sql: Sql, ret: { id: string; agencyId: string; templateId: string }) {
  return sql.maybeOne<{ id: string; cycleTitle: string }>(
    `SELECT r.id, c.title AS "cycleTitle"
       FROM audit_returns r JOIN audit_cycles c ON c.id = r.cycle_id
       JOIN audit_template_versions v ON v.id = c.version_id
      WHERE r.agency_id = $2 AND v.template_id = $3 AND r.id <> $1
        AND (c.opened_on, c.created_at) < (SELECT c2.opened_on, c2.created_at FROM audit_returns r2
                                             JOIN audit_cycles c2 ON c2.id = r2.cycle_id WHERE r2.id = $1)
        AND EXISTS (SELECT 1 FROM audit_answers x WHERE x.return_id = r.id)
      ORDER BY c.opened_on DESC, c.created_at DESC LIMIT 1`,
    [ret.id, ret.agencyId, ret.templateId],
  )
}

/**
 * Copies the earlier return's ratings and narratives onto this one's standards of the same
 * ref. Evidence files stay with the return they were given for.
 */
export async function copyAnswers(
  sql: Sql,
  c: {
    partnershipId: string
    returnId: string
    versionId: string
    fromId: string
    by: string | null
    label: string | null
    at: Date
  },
): Promise<number> {
  const rows = await sql.query(
    `INSERT INTO audit_answers (partnership_id, return_id, standard_id, rating, narrative, version, updated_by,
       updated_by_label, updated_at)
     SELECT $1, $2, s.id, x.rating, x.narrative, 1, $5, $6, $7
       FROM audit_answers x
       JOIN audit_standards old ON old.id = x.standard_id
       JOIN audit_standards s ON s.version_id = $3 AND s.ref = old.ref
      WHERE x.return_id = $4
     ON CONFLICT (return_id, standard_id) DO NOTHING RETURNING 1`,
    [c.partnershipId, c.returnId, c.versionId, c.fromId, c.by, c.label, c.at],
  )
  await sql.query('UPDATE audit_returns SET carried_from = $2, updated_at = $3 WHERE id = $1', [
    c.returnId,
    c.fromId,
    c.at,
  ])
  return rows.length
}

/** A user of the partnership from the agency, found by email: a colleague who may be named on its return. */
export function colleagueByEmail(sql: Sql, email: string, agencyId: string) {
  return sql.maybeOne<{ id: string; name: string }>(
    `SELECT u.id, u.display_name AS name FROM users u
      WHERE lower(u.email) = lower($1) AND NOT u.disabled
        AND (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND $2::uuid = ANY(m.agency_ids))
             OR EXISTS (SELECT 1 FROM people p WHERE p.user_id = u.id AND p.agency_id = $2 AND p.merged_into IS NULL))
        AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`,
    [email, agencyId],
  )
}
