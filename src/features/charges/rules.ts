import type { AgencyCategory } from '#features/directory/agency.ts'
import { placeFeePence } from '#features/directory/rules.ts'
import type { PolicyRules } from '#features/policy/policy.ts'
import type { Part } from '#features/sessions/rules.ts'

export const chargeReasons = ['place', 'late_cancellation', 'no_show'] as const
export type ChargeReason = (typeof chargeReasons)[number]

export type ChargedAgency = { category: AgencyCategory; saferProgrammeMember: boolean }

type ChargeRules = Pick<
  PolicyRules,
  'fees' | 'chargeBasis' | 'dayFeePence' | 'halfDayFeePence' | 'fixedFeePence' | 'cancellationCharges'
>

const HOUR = 3_600_000

/** A course's days and half days at the policy's fees: a part of up to four hours is half a day. */
function byTheDay(parts: readonly Part[], rules: ChargeRules): number {
  let total = 0
  for (const part of parts) {
    const hours = (part.endsAt.getTime() - part.startsAt.getTime()) / HOUR
    total += hours <= 4 ? rules.halfDayFeePence : rules.dayFeePence * Math.max(1, Math.ceil(hours / 24))
  }
  return total
}

/**
 * What a place costs the agency, from the policy in force on the session's date. Agencies
 * whose category pays nothing (funding partners, where the policy says so) pay nothing
 * whatever the basis; the others pay their category's fee, by the day, or a fixed sum.
 */
export function placeChargePence(agency: ChargedAgency, parts: readonly Part[], rules: ChargeRules): number {
  const categoryFee = placeFeePence(agency, rules)
  if (categoryFee === 0) return 0
  switch (rules.chargeBasis) {
    case 'per_place':
      return categoryFee
    case 'per_day':
      return byTheDay(parts, rules)
    case 'fixed':
      return rules.fixedFeePence
  }
}

/**
 * What cancelling without enough notice, or not coming, costs the agency: the cancellation
 * charge for its category, in place of the fee for the place. Norfolk 12d: "a cancellation
 * charge will be payable" for either, funding partners included; North Somerset: "All pay the
 * cancellation fee if they fail to attend."
 */
export function cancellationChargePence(
  agency: ChargedAgency,
  rules: Pick<PolicyRules, 'cancellationCharges'>,
): number {
  return placeFeePence(agency, { fees: rules.cancellationCharges })
}
