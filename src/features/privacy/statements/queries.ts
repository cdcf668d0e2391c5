import type { Sql } from '#platform/db/database.ts'
import type { ComplianceStatus, StatementInput } from './forms.ts'

export type Statement = StatementInput & { updatedAt: Date | null }

const columns = `controller_name AS "controllerName", controller_address AS "controllerAddress",
  dpo_name AS "dpoName", dpo_contact AS "dpoContact", purposes, lawful_basis AS "lawfulBasis",
  compliance_status AS "complianceStatus", known_issues AS "knownIssues",
  report_contact AS "reportContact", prepared_on::text AS "preparedOn", reviewed_on::text AS "reviewedOn",
  updated_at AS "updatedAt"`

/** What a partnership that has filled in nothing has: every detail missing. */
export const emptyStatement: Statement = {
  controllerName: '',
  controllerAddress: '',
  dpoName: '',
  dpoContact: '',
  purposes: '',
  lawfulBasis: '',
  complianceStatus: null as ComplianceStatus | null,
  knownIssues: '',
  reportContact: '',
  preparedOn: null,
  reviewedOn: null,
  updatedAt: null,
}

/** The partnership's statement details, or the empty ones. */
export async function statementOf(sql: Sql): Promise<Statement> {
  return (await sql.maybeOne<Statement>(`SELECT ${columns} FROM privacy_statements`)) ?? emptyStatement
}

export async function saveStatement(
  sql: Sql,
  partnershipId: string,
  userId: string | null,
  input: StatementInput,
): Promise<void> {
  await sql.query(
    `INSERT INTO privacy_statements (partnership_id, controller_name, controller_address, dpo_name,
       dpo_contact, purposes, lawful_basis, compliance_status, known_issues, report_contact,
       prepared_on, reviewed_on, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (partnership_id) DO UPDATE SET
       controller_name = EXCLUDED.controller_name, controller_address = EXCLUDED.controller_address,
       dpo_name = EXCLUDED.dpo_name, dpo_contact = EXCLUDED.dpo_contact, purposes = EXCLUDED.purposes,
       lawful_basis = EXCLUDED.lawful_basis, compliance_status = EXCLUDED.compliance_status,
       known_issues = EXCLUDED.known_issues, report_contact = EXCLUDED.report_contact,
       prepared_on = EXCLUDED.prepared_on, reviewed_on = EXCLUDED.reviewed_on,
       updated_by = EXCLUDED.updated_by, updated_at = cascade_now()`,
    [
      partnershipId,
      input.controllerName,
      input.controllerAddress,
      input.dpoName,
      input.dpoContact,
      input.purposes,
      input.lawfulBasis,
      input.complianceStatus,
      input.knownIssues,
      input.reportContact,
      input.preparedOn,
      input.reviewedOn,
      userId,
    ],
  )
}
