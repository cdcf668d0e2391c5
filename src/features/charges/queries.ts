import type { Sql } from '#platform/db/database.ts'
import type { ChargeReason } from './rules.ts'

export type ChargeFacts = {
  partnershipId: string
  agencyId: string
  personId: string
  sessionId: string
  applicationId: string
  /** The date whose policy set the amount (Europe/London). */
  chargedOn: string
}

/** Records a booking's charge unless it already has one; a charge of nothing is not recorded. */
export async function recordCharge(
  sql: Sql,
  charge: ChargeFacts & { reason: ChargeReason; amountPence: number },
): Promise<void> {
  if (charge.amountPence <= 0) return
  await sql.query(
    `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [
      charge.partnershipId,
      charge.agencyId,
      charge.personId,
      charge.sessionId,
      charge.applicationId,
      charge.reason,
      charge.amountPence,
      charge.chargedOn,
    ],
  )
}

/** A charge as an admin reviews it: whose, for what, and whether invoiced or waived. */
export type Charge = {
  id: string
  agencyId: string
  agencyName: string
  personId: string
  personName: string
  sessionId: string
  courseTitle: string
  sessionDate: string
  reason: ChargeReason
  amountPence: number
  chargedOn: string
  waived: boolean
  waivedReason: string | null
  invoiceId: string | null
}

const chargeColumns = `c.id, c.agency_id AS "agencyId", g.name AS "agencyName", c.person_id AS "personId",
  p.first_name || ' ' || p.last_name AS "personName", c.session_id AS "sessionId", co.title AS "courseTitle",
  to_char((s.starts_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS "sessionDate", c.reason,
  c.amount_pence AS "amountPence", to_char(c.charged_on, 'YYYY-MM-DD') AS "chargedOn", c.waived,
  c.waived_reason AS "waivedReason", c.invoice_id AS "invoiceId"`
const chargeFrom = `charges c JOIN agencies g ON g.id = c.agency_id JOIN people p ON p.id = c.person_id
  JOIN sessions s ON s.id = c.session_id JOIN courses co ON co.id = s.course_id`

/** Charges by agency and the dates they were charged on, oldest first. */
export function chargesMatching(
  sql: Sql,
  filter: { agencyIds: readonly string[] | null; from: string | null; to: string | null },
): Promise<Charge[]> {
  return sql.query<Charge>(
    `SELECT ${chargeColumns} FROM ${chargeFrom}
      WHERE ($1::uuid[] IS NULL OR c.agency_id = ANY($1)) AND ($2::date IS NULL OR c.charged_on >= $2)
        AND ($3::date IS NULL OR c.charged_on <= $3)
      ORDER BY c.charged_on, g.name, p.last_name, c.id LIMIT 5000`,
    [filter.agencyIds, filter.from, filter.to],
  )
}

export function chargeById(sql: Sql, id: string): Promise<Charge | undefined> {
  return sql.maybeOne<Charge>(`SELECT ${chargeColumns} FROM ${chargeFrom} WHERE c.id = $1 FOR UPDATE OF c`, [
    id,
  ])
}

/** Charges of an agency in a period not yet invoiced nor waived, locked for invoicing. */
export function chargesToInvoice(sql: Sql, agencyId: string, from: string, to: string): Promise<Charge[]> {
  return sql.query<Charge>(
    `SELECT ${chargeColumns} FROM ${chargeFrom}
      WHERE c.agency_id = $1 AND c.charged_on BETWEEN $2 AND $3 AND c.invoice_id IS NULL AND NOT c.waived
      ORDER BY c.charged_on, p.last_name, c.id FOR UPDATE OF c`,
    [agencyId, from, to],
  )
}

export async function waiveCharge(sql: Sql, id: string, reason: string, by: string | null, now: Date) {
  await sql.query(
    'UPDATE charges SET waived = true, waived_reason = $2, waived_by = $3, waived_at = $4 WHERE id = $1',
    [id, reason, by, now],
  )
}
