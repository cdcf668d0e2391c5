import type { PolicyVersion } from './policy.ts'

/**
 * The version in force on a calendar date: the latest that took effect on or before it.
 * A rule applied to an event uses the event's date, so a later change never rewrites history.
 */
export function policyInForce<V extends Pick<PolicyVersion, 'effectiveFrom'>>(
  versions: readonly V[],
  date: string,
): V | undefined {
  let best: V | undefined
  for (const version of versions) {
    if (version.effectiveFrom <= date && (!best || version.effectiveFrom > best.effectiveFrom)) best = version
  }
  return best
}
