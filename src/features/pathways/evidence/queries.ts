import type { Sql } from '#platform/db/database.ts'
import type { EvidenceKind, EvidenceStatus } from './forms.ts'

export type Evidence = {
  id: string
  personId: string
  personName: string
  agencyId: string
  kind: EvidenceKind
  title: string
  provider: string
  completedOn: string
  minutes: number
  requirementId: string | null
  requirementTitle: string | null
  status: EvidenceStatus
  rejectedReason: string | null
  decidedAt: Date | null
  certificateCode: string | null
  issuedBy: string | null
  fileName: string | null
  recordedByUserId: string | null
  createdAt: Date
}

const columns = `e.id, e.person_id AS "personId", p.first_name || ' ' || p.last_name AS "personName",
  p.agency_id AS "agencyId", e.kind, e.title, e.provider, to_char(e.completed_on, 'YYYY-MM-DD') AS "completedOn",
  e.minutes, e.requirement_id AS "requirementId", r.title AS "requirementTitle", e.status,
  e.rejected_reason AS "rejectedReason", e.decided_at AS "decidedAt", e.certificate_code AS "certificateCode",
  e.issued_by AS "issuedBy", e.file_name AS "fileName", e.recorded_by AS "recordedByUserId", e.created_at AS "createdAt"`
const from = `learning_evidence e JOIN people p ON p.id = e.person_id
  LEFT JOIN pathway_requirements r ON r.id = e.requirement_id`

export function evidenceOfPerson(sql: Sql, personId: string): Promise<Evidence[]> {
  return sql.query<Evidence>(
    `SELECT ${columns} FROM ${from} WHERE e.person_id = $1 ORDER BY e.completed_on DESC, e.id`,
    [personId],
  )
}

export function evidenceById(sql: Sql, id: string): Promise<Evidence | undefined> {
  return sql.maybeOne<Evidence>(`SELECT ${columns} FROM ${from} WHERE e.id = $1`, [id])
}

/** Evidence waiting for a lead, oldest first: for the agencies given, or all (null). */
export function awaitingEvidence(sql: Sql, agencyIds: readonly string[] | null): Promise<Evidence[]> {
  return sql.query<Evidence>(
    `SELECT ${columns} FROM ${from}
      WHERE e.status = 'awaiting' AND ($1::uuid[] IS NULL OR p.agency_id = ANY($1))
      ORDER BY e.created_at, e.id LIMIT 500`,
    [agencyIds],
  )
}

export type EvidenceRow = {
  personId: string
  kind: EvidenceKind
  title: string
  provider: string
  completedOn: string
  minutes: number
  requirementId: string | null
  status: EvidenceStatus
  decidedByLabel: string | null
  certificateCode: string | null
  issuedBy: string | null
  file: { name: string; type: string; bytes: Buffer } | null
  recordedBy: string | null
}

export function insertEvidence(sql: Sql, partnershipId: string, row: EvidenceRow): Promise<{ id: string }> {
  return sql.one(
    `INSERT INTO learning_evidence (partnership_id, person_id, kind, title, provider, completed_on, minutes, requirement_id,
        status, decided_at, decided_by_label, certificate_code, issued_by, file_name, file_type, file_bytes, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 <> 'awaiting' THEN cascade_now() END, $10, $11, $12,
             $13, $14, $15, $16)
     RETURNING id`,
    [
      partnershipId,
      row.personId,
      row.kind,
      row.title,
      row.provider,
      row.completedOn,
      row.minutes,
      row.requirementId,
      row.status,
      row.decidedByLabel,
      row.certificateCode,
      row.issuedBy,
      row.file?.name ?? null,
      row.file?.type ?? null,
      row.file?.bytes ?? null,
      row.recordedBy,
    ],
  )
}

/** Decides evidence still waiting, once: verified, or rejected with the reason. */
export function decideEvidence(
  sql: Sql,
  id: string,
  decision: { status: 'verified' | 'rejected'; reason: string | null; by: string | null },
): Promise<{ id: string } | undefined> {
  return sql.maybeOne(
    `UPDATE learning_evidence SET status = $2, rejected_reason = $3, decided_by = $4, decided_at = cascade_now()
      WHERE id = $1 AND status = 'awaiting' RETURNING id`,
    [id, decision.status, decision.reason, decision.by],
  )
}

export function evidenceFile(
  sql: Sql,
  id: string,
): Promise<{ personId: string; name: string; type: string; bytes: Buffer } | undefined> {
  return sql.maybeOne(
    `SELECT person_id AS "personId", file_name AS name, file_type AS type, file_bytes AS bytes
       FROM learning_evidence WHERE id = $1 AND file_bytes IS NOT NULL`,
    [id],
  )
}

/** Whether a requirement is one of the partnership's. */
export function requirementExists(sql: Sql, id: string): Promise<boolean> {
  return sql.maybeOne('SELECT 1 FROM pathway_requirements WHERE id = $1', [id]).then(Boolean)
}

export type CertificateFacts = {
  code: string
  partnershipId: string
  partnership: string
  person: string
  courseId: string
  course: string
  deliveredOn: string
  durationMinutes: number | null
}

/** A certificate's public facts by its code, from any partnership on this deployment. */
export function certificateFacts(sql: Sql, code: string): Promise<CertificateFacts | undefined> {
  return sql.maybeOne<CertificateFacts>(
    `SELECT code, partnership_id AS "partnershipId", partnership, person, course_id AS "courseId", course,
            to_char(delivered_on, 'YYYY-MM-DD') AS "deliveredOn", duration_minutes AS "durationMinutes"
       FROM certificate_facts($1)`,
    [code],
  )
}

/** The requirements of this partnership that recognise another partnership's course. */
export function recognisingRequirements(
  sql: Sql,
  partnershipId: string,
  courseId: string,
): Promise<{ requirementId: string }[]> {
  return sql.query(
    `SELECT requirement_id AS "requirementId" FROM recognitions
      WHERE recognised_partnership_id = $1 AND recognised_course_id = $2`,
    [partnershipId, courseId],
  )
}
