import type { AgencyCategory } from '#features/directory/agency.ts'
import { placeFeePence } from '#features/directory/rules.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import type { Sql } from '#platform/db/database.ts'

export type ChargeReason = 'place' | 'late_cancellation' | 'no_show'

type ChargedAgency = { category: AgencyCategory; saferProgrammeMember: boolean }

/**
 * What a place cancelled without enough notice costs the agency, from the policy in force on
 * the day the cancellation was received: the agency's fee for a place, a fixed sum, or
 * nothing. A fixed sum reaches funding partners only where the policy says so (North
 * Somerset charges them too).
 */
export function lateCancellationPence(
  agency: ChargedAgency,
  rules: Pick<PolicyRules, 'fees' | 'noShowCharge' | 'noShowFixedPence' | 'chargeFundingPartnersForNoShow'>,
): number {
  switch (rules.noShowCharge) {
    case 'none':
      return 0
    case 'full_fee':
      return placeFeePence(agency, rules)
    case 'fixed':
      return agency.category === 'funding_partner' && !rules.chargeFundingPartnersForNoShow
        ? 0
        : rules.noShowFixedPence
  }
}

/** Records a charge once per booking and reason; a charge of nothing is not recorded. */
export async function recordCharge(
  sql: Sql,
  charge: {
    partnershipId: string
    agencyId: string
    personId: string
    sessionId: string
    applicationId: string
    reason: ChargeReason
    amountPence: number
  },
): Promise<void> {
  if (charge.amountPence <= 0) return
  await sql.query(
    `INSERT INTO charges (partnership_id, agency_id, person_id, session_id, application_id, reason, amount_pence)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id, reason) DO NOTHING`,
    [
      charge.partnershipId,
      charge.agencyId,
      charge.personId,
      charge.sessionId,
      charge.applicationId,
      charge.reason,
      charge.amountPence,
    ],
  )
}
