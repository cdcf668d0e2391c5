import type { PolicyRules } from '#features/policy/policy.ts'
import type { AgencyCategory } from './agency.ts'

/**
 * The fee for one place for someone from this agency, from the policy in force: never typed
 * per booking. (Norfolk 12d: funding partners free; private, independent or profit-making
 * £100; voluntary sector £40 for Safer Programme members, £50 otherwise.)
 */
export function placeFeePence(
  agency: { category: AgencyCategory; saferProgrammeMember: boolean },
  rules: Pick<PolicyRules, 'fees'>,
): number {
  switch (agency.category) {
    case 'funding_partner':
      return rules.fees.fundingPartnerPence
    case 'statutory':
      return rules.fees.statutoryPence
    case 'private':
      return rules.fees.privatePence
    case 'voluntary':
      return agency.saferProgrammeMember ? rules.fees.voluntarySaferProgrammePence : rules.fees.voluntaryPence
  }
}

/** Words of a search as a prefix query for the people search index: "jan smi" finds Jane Smith. */
export function searchQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8)
  return words.length ? words.map((word) => `${word}:*`).join(' & ') : null
}

/** A spreadsheet cell that starts like a formula is prefixed, so a CSV export can never run code. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}
