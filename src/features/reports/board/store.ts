import type { Sql } from '#platform/db/database.ts'

/** What the partnership's admins wrote about a period's figures. */
export type Narrative = {
  executiveSummary: string
  /** Each section's narrative, by the section's id. */
  sections: Record<string, string>
}

/** A report's standing: being drafted, signed off, or signed off and being corrected. */
export type BoardReportState = {
  narrative: Narrative
  signedVersions: number
  correctionReason: string | null
}

export type SignedVersion = {
  version: number
  reason: string | null
  signedOffByName: string
  signedOffAs: 'subgroup' | 'executive'
  signedOffAt: Date
}

const emptyNarrative: Narrative = { executiveSummary: '', sections: {} }

/** The report's row for a period; none until someone writes about it or signs it off. */
export async function stateOf(sql: Sql, periodKey: string): Promise<BoardReportState> {
  const row = await sql.maybeOne<{
    executive_summary: string
    narratives: Record<string, string>
    signed_versions: number
    correction_reason: string | null
  }>(
    `SELECT executive_summary, narratives, signed_versions, correction_reason
       FROM board_reports WHERE period_key = $1`,
    [periodKey],
  )
  if (!row) return { narrative: emptyNarrative, signedVersions: 0, correctionReason: null }
  return {
    narrative: { executiveSummary: row.executive_summary, sections: row.narratives },
    signedVersions: row.signed_versions,
    correctionReason: row.correction_reason,
  }
}

/**
 * Saves the narrative while the report may be written: before it is first signed off, or while a
 * correction is being made. One statement, so a sign-off at the same moment cannot be written
 * over; false when the report is signed off.
 */
export async function saveNarrative(
  sql: Sql,
  on: { partnershipId: string; periodKey: string; userId: string | null },
  narrative: Narrative,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO board_reports (partnership_id, period_key, executive_summary, narratives, updated_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (partnership_id, period_key) DO UPDATE
        SET executive_summary = excluded.executive_summary, narratives = excluded.narratives,
            updated_by = excluded.updated_by, updated_at = cascade_now()
      WHERE board_reports.signed_versions = 0 OR board_reports.correction_reason IS NOT NULL
     RETURNING id`,
    [
      on.partnershipId,
      on.periodKey,
      narrative.executiveSummary,
      JSON.stringify(narrative.sections),
      on.userId,
    ],
  )
  return rows.length > 0
}

/**
 * Claims the next version for signing off, in one statement: the first, or the one a correction
 * opened. The row stays locked until the transaction ends, so a second sign-off waits and then
 * finds nothing to claim. Undefined when the report is already signed off.
 */
export async function claimSignOff(
  sql: Sql,
  on: { partnershipId: string; periodKey: string; userId: string | null },
): Promise<{ reportId: string; version: number; reason: string | null; narrative: Narrative } | undefined> {
  const row = await sql.maybeOne<{
    id: string
    version: number
    reason: string | null
    executive_summary: string
    narratives: Record<string, string>
  }>(
    `WITH claimed AS (
       INSERT INTO board_reports (partnership_id, period_key, signed_versions, updated_by)
       VALUES ($1, $2, 1, $3)
       ON CONFLICT (partnership_id, period_key) DO UPDATE
          SET signed_versions = board_reports.signed_versions + 1, correction_reason = NULL,
              updated_by = excluded.updated_by, updated_at = cascade_now()
        WHERE board_reports.signed_versions = 0 OR board_reports.correction_reason IS NOT NULL
       RETURNING id, signed_versions, executive_summary, narratives)
     SELECT c.id, c.signed_versions AS version, c.executive_summary, c.narratives,
            -- The reason the correction was opened with, as it stood before the claim cleared it.
            (SELECT b.correction_reason FROM board_reports b WHERE b.id = c.id) AS reason
       FROM claimed c`,
    [on.partnershipId, on.periodKey, on.userId],
  )
  if (!row) return undefined
  return {
    reportId: row.id,
    version: row.version,
    reason: row.version === 1 ? null : row.reason,
    narrative: { executiveSummary: row.executive_summary, sections: row.narratives },
  }
}

export async function insertVersion(
  sql: Sql,
  version: {
    partnershipId: string
    reportId: string
    version: number
    reason: string | null
    signedOffBy: string
    signedOffByName: string
    signedOffAs: 'subgroup' | 'executive'
    snapshot: unknown
    pdf: Buffer
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO board_report_versions (partnership_id, report_id, version, reason, signed_off_by,
       signed_off_by_name, signed_off_as, snapshot, pdf)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      version.partnershipId,
      version.reportId,
      version.version,
      version.reason,
      version.signedOffBy,
      version.signedOffByName,
      version.signedOffAs,
      JSON.stringify(version.snapshot),
      version.pdf,
    ],
  )
}

/**
 * Opens a correction of a signed-off report, with its reason, in one statement; false when the
 * report is not signed off or a correction is already open.
 */
export async function openCorrection(
  sql: Sql,
  on: { periodKey: string; userId: string | null },
  reason: string,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE board_reports SET correction_reason = $2, updated_by = $3, updated_at = cascade_now()
      WHERE period_key = $1 AND signed_versions > 0 AND correction_reason IS NULL RETURNING id`,
    [on.periodKey, reason, on.userId],
  )
  return rows.length > 0
}

const versionColumns = `v.version, v.reason, v.signed_off_by_name AS "signedOffByName",
  v.signed_off_as AS "signedOffAs", v.signed_off_at AS "signedOffAt"`

/** Every signed-off version of a period's report, the latest first. */
export function versionsOf(sql: Sql, periodKey: string): Promise<SignedVersion[]> {
  return sql.query<SignedVersion>(
    `SELECT ${versionColumns} FROM board_report_versions v JOIN board_reports b ON b.id = v.report_id
      WHERE b.period_key = $1 ORDER BY v.version DESC`,
    [periodKey],
  )
}

/** A signed-off version's snapshot; the latest without a number. */
export function snapshotOf<S>(
  sql: Sql,
  periodKey: string,
  version?: number,
): Promise<(SignedVersion & { snapshot: S }) | undefined> {
  return sql.maybeOne<SignedVersion & { snapshot: S }>(
    `SELECT ${versionColumns}, v.snapshot FROM board_report_versions v JOIN board_reports b ON b.id = v.report_id
      WHERE b.period_key = $1 AND ($2::int IS NULL OR v.version = $2) ORDER BY v.version DESC LIMIT 1`,
    [periodKey, version ?? null],
  )
}

/** A signed-off version's PDF, as it was made when it was signed off. */
export async function pdfOf(sql: Sql, periodKey: string, version: number): Promise<Buffer | undefined> {
  const row = await sql.maybeOne<{ pdf: Buffer }>(
    `SELECT v.pdf FROM board_report_versions v JOIN board_reports b ON b.id = v.report_id
      WHERE b.period_key = $1 AND v.version = $2`,
    [periodKey, version],
  )
  return row ? Buffer.from(row.pdf) : undefined
}
