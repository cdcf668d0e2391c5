import type { SuccessBanner } from '#platform/http/done.ts'
import type { Registration } from './service.ts'

/** What deciding a registration can have finished, as named in `/registrations?done=`. */
export const registrationDone = ['confirmed', 'rejected'] as const
export type RegistrationDone = (typeof registrationDone)[number]

/**
 * The banner on the list of registrations after a decision, naming the person (the page is
 * for those who decide). The record must bear the decision out, so a changed address says nothing.
 */
export function registrationBanner(
  done: RegistrationDone | undefined,
  decided: Pick<Registration, 'firstName' | 'lastName' | 'agencyName' | 'status'> | undefined,
): SuccessBanner | undefined {
  if (!decided) return undefined
  const name = `${decided.firstName} ${decided.lastName}`
  switch (done) {
    case 'confirmed':
      if (decided.status !== 'active') return undefined
      return {
        heading: `You confirmed ${name}`,
        text: `They are now a practitioner of ${decided.agencyName}, and we have emailed them to say so.`,
      }
    case 'rejected':
      if (decided.status !== 'rejected') return undefined
      return {
        heading: `You did not confirm ${name}`,
        text: 'We have emailed them your reason.',
      }
    case undefined:
      return undefined
  }
}
