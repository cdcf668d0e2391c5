import type { Jurisdiction } from '#features/policy/policy.ts'
import type { Statement } from './queries.ts'

/** What the privacy notice needs and the partnership has not given, in the words a reader sees. */
export function missingFromPrivacyNotice(
  s: Pick<Statement, 'controllerName' | 'controllerAddress' | 'dpoContact'>,
) {
  const missing: string[] = []
  if (!s.controllerName) missing.push('the data controller’s name')
  if (!s.controllerAddress) missing.push('the data controller’s address')
  if (!s.dpoContact) missing.push('how to contact the data protection officer')
  return missing
}

/** What the 2018 regulations' statement needs and the partnership has not given. */
export function missingFromAccessibilityStatement(
  s: Pick<Statement, 'complianceStatus' | 'knownIssues' | 'reportContact' | 'preparedOn' | 'reviewedOn'>,
) {
  const missing: string[] = []
  if (!s.complianceStatus) missing.push('how far the service meets the accessibility standard')
  if (s.complianceStatus && s.complianceStatus !== 'full' && !s.knownIssues)
    missing.push('the content that is not accessible')
  if (!s.reportContact) missing.push('how to report an accessibility problem')
  if (!s.preparedOn) missing.push('the date the statement was prepared')
  if (!s.reviewedOn) missing.push('the date the statement was last reviewed')
  return missing
}

export type Regulator = { name: string; url: string; phone: string }

/**
 * Where a person complains about how their data is handled: the Information Commissioner in the
 * United Kingdom; the Crown Dependencies have their own.
 */
export function dataRegulatorFor(jurisdiction: Jurisdiction): Regulator {
  switch (jurisdiction) {
    case 'jersey':
      return {
        name: 'Jersey Office of the Information Commissioner',
        url: 'https://jerseyoic.org',
        phone: '01534 716530',
      }
    case 'guernsey':
      return {
        name: 'Office of the Data Protection Authority (Guernsey)',
        url: 'https://www.odpa.gg',
        phone: '01481 742074',
      }
    case 'isle-of-man':
      return {
        name: 'Isle of Man Information Commissioner',
        url: 'https://www.inforights.im',
        phone: '01624 693260',
      }
    case 'england-and-wales':
    case 'scotland':
    case 'northern-ireland':
      return {
        name: 'Information Commissioner’s Office (ICO)',
        url: 'https://ico.org.uk/make-a-complaint/',
        phone: '0303 123 1113',
      }
  }
}

/**
 * The enforcement procedure of the 2018 regulations: the Equality and Human Rights Commission
 * enforces them, and complaints go to the Equality Advisory and Support Service; in Northern
 * Ireland, to the Equality Commission for Northern Ireland.
 */
export function enforcementFor(jurisdiction: Jurisdiction): { body: string; url: string } {
  return jurisdiction === 'northern-ireland'
    ? { body: 'Equality Commission for Northern Ireland (ECNI)', url: 'https://www.equalityni.org/Home' }
    : {
        body: 'Equality Advisory and Support Service (EASS)',
        url: 'https://www.equalityadvisoryservice.com/',
      }
}
