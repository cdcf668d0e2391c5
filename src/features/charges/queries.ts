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

/** Records a charge once per booking and reason; a charge of nothing is not recorded. */
export async function recordCharge(
  sql: Sql,
  charge: ChargeFacts & { reason: ChargeReason; amountPence: number },
): Promise<void> {
  if (charge.amountPence <= 0) return
  await sql.query(
    `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (application_id, reason) DO NOTHING`,
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

/**
 * Makes a booking's attendance charge what the register now says: at most one of a place
 * or a no-show, at its amount. A charge already invoiced is left alone (an invoice is
 * corrected by a credit note); so is a waived one.
 */
export async function settleAttendanceCharge(
  sql: Sql,
  facts: ChargeFacts,
  wanted: { reason: 'place' | 'no_show'; amountPence: number } | null,
): Promise<void> {
  await sql.query(
    `DELETE FROM charges WHERE application_id = $1 AND reason IN ('place', 'no_show')
        AND invoice_id IS NULL AND NOT waived AND ($2::text IS NULL OR reason <> $2 OR $3 = 0)`,
    [facts.applicationId, wanted?.reason ?? null, wanted?.amountPence ?? 0],
  )
  if (!wanted || wanted.amountPence <= 0) return
  await sql.query(
    `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence, charged_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (application_id, reason) DO UPDATE SET amount_pence = excluded.amount_pence, charged_on = excluded.charged_on
       WHERE charges.invoice_id IS NULL AND NOT charges.waived`,
    [
      facts.partnershipId,
      facts.agencyId,
      facts.personId,
      facts.sessionId,
      facts.applicationId,
      wanted.reason,
      wanted.amountPence,
      facts.chargedOn,
    ],
  )
}
