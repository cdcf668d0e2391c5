import { drawSample } from '#features/evaluation/sample.ts'

/**
 * Who a knowledge audit asks, decided in order:
 * 1. the agencies in the audience of the learning: those a chosen product is for (its sectors
 *    and workforce against the agency's), and those involved in a chosen review (every agency
 *    when the chosen reviews name none);
 * 2. the practitioners of those agencies in the directory (active, not merged, with an email),
 *    leaving out anyone invited to a knowledge audit in the last 12 months: no one twice;
 * 3. a random draw of the sample size from the rest, from a recorded seed, by the same draw
 *    the telephone sample uses, so the same seed and the same people give the same sample;
 *    a sample larger than the people eligible takes them all, and says so.
 */

export type AudienceAgency = { id: string; name: string; sector: string; workforce: string }
export type ProductAudience = {
  title: string
  audience: { workforce?: string | null; sectors?: string[] }
}
export type ReviewInvolvement = { reference: string; agencyIds: readonly string[] }

/** Whether an agency is among those a product is for: no sectors or workforce named means everyone. */
export function inAudience(
  agency: Pick<AudienceAgency, 'sector' | 'workforce'>,
  product: ProductAudience,
): boolean {
  const sectors = product.audience.sectors ?? []
  const workforce = product.audience.workforce ?? null
  const sectorFits = sectors.length === 0 || sectors.includes(agency.sector)
  const workforceFits =
    workforce === null ||
    workforce === 'both' ||
    agency.workforce === 'both' ||
    agency.workforce === workforce
  return sectorFits && workforceFits
}

/** The agencies an audit asks, with why, in the words its page shows. */
export function audienceOf(
  agencies: readonly AudienceAgency[],
  products: readonly ProductAudience[],
  reviews: readonly ReviewInvolvement[],
): { agencyIds: string[]; reason: string } {
  const chosen = new Set<string>()
  const reasons: string[] = []
  for (const product of products) {
    for (const agency of agencies) if (inAudience(agency, product)) chosen.add(agency.id)
    reasons.push(`the agencies in the audience of “${product.title}”`)
  }
  if (reviews.length) {
    const involved = new Set(reviews.flatMap((r) => r.agencyIds))
    const known = agencies.filter((a) => involved.has(a.id))
    if (known.length) {
      for (const agency of known) chosen.add(agency.id)
      reasons.push(`the agencies involved in ${reviews.map((r) => r.reference).join(', ')}`)
    } else {
      for (const agency of agencies) chosen.add(agency.id)
      reasons.push(`every agency, as ${reviews.map((r) => r.reference).join(', ')} name no agency involved`)
    }
  }
  const agencyIds = agencies.filter((a) => chosen.has(a.id)).map((a) => a.id)
  const reason = reasons.length ? `Practitioners of ${reasons.join(' and of ')}.` : 'No learning chosen.'
  return { agencyIds, reason }
}

/** A calendar date `months` later (earlier when negative), on the last day of a shorter month. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const index = year * 12 + (month - 1) + months
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`
}

/** How long someone invited to a knowledge audit is left out of the next. */
export const REST_MONTHS = 12

export type Candidate = {
  personId: string
  agencyId: string
  /** The London date they were last invited to any knowledge audit, if ever. */
  lastInvitedOn: string | null
}

/** The candidates who may be drawn today, and those left out as invited in the last 12 months. */
export function eligibleOn(
  candidates: readonly Candidate[],
  today: string,
): { eligible: Candidate[]; excluded: Candidate[] } {
  const since = addMonths(today, -REST_MONTHS)
  const eligible: Candidate[] = []
  const excluded: Candidate[] = []
  for (const c of candidates)
    (c.lastInvitedOn !== null && c.lastInvitedOn > since ? excluded : eligible).push(c)
  return { eligible, excluded }
}

export type Draw = {
  chosen: Candidate[]
  /** True when fewer were eligible than the sample asked for, so all of them were taken. */
  tookAll: boolean
  message: string
}

/** The draw itself: the sample from the eligible, by the seed; all of them when there are too few. */
export function drawFrom(seed: string, eligible: readonly Candidate[], size: number): Draw {
  const byId = new Map(eligible.map((c) => [c.personId, c]))
  const chosen = drawSample(seed, [...byId.keys()], size).map((id) => byId.get(id) as Candidate)
  const tookAll = byId.size < size
  const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`
  const message = tookAll
    ? `The sample asked for ${people(size)}, but only ${people(byId.size)} ${byId.size === 1 ? 'was' : 'were'} eligible: all of them were invited.`
    : `${people(chosen.length)} drawn at random from ${people(byId.size)} eligible.`
  return { chosen, tookAll, message }
}
