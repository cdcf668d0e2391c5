import type { Role } from '#platform/auth/roles.ts'
import type { Context } from '#platform/context.ts'

/**
 * Who sees what of case-review learning. Unpublished reviews are need-to-know: the
 * partnership's admins, sub-group and executive see every review; an agency lead sees the
 * reviews their agency is involved in and the actions their agency owns; everyone else
 * signed in sees only published reviews' summaries and findings. The one place these rules
 * live: the reviews, actions and traceability features all read them from here.
 */

/** The roles that see every review, published or not, and every action. */
export const reviewOverseers = ['admin', 'subgroup', 'executive'] as const satisfies readonly Role[]

/** The roles that manage the register: record reviews, findings, recommendations and responses. */
export const reviewEditors = ['admin', 'subgroup'] as const satisfies readonly Role[]

/** Everyone confirmed in the partnership may read published learning. */
export const reviewReaders = [
  'admin',
  'subgroup',
  'executive',
  'agency-lead',
  'trainer',
  'practitioner',
] as const satisfies readonly Role[]

/** The statuses in which a review's report is public: its summary and findings may be read by all. */
export const publishedStatuses = ['published', 'actions_in_progress', 'closed'] as const

export const overseesReviews = (ctx: Context): boolean =>
  reviewOverseers.some((role) => ctx.actor.roles.includes(role))

export const leadsAgencies = (ctx: Context): boolean => ctx.actor.roles.includes('agency-lead')

/**
 * How much of one review the actor sees:
 * - `full`: everything, recommendations and every action;
 * - `involved`: an agency lead of an involved agency: everything but actions other agencies own;
 * - `published`: the summary and findings of a published review;
 * - `none`: nothing; the review is answered as not found.
 */
export type ReviewSight = 'full' | 'involved' | 'published' | 'none'

export function sightOf(ctx: Context, review: { status: string; agencyIds: readonly string[] }): ReviewSight {
  if (overseesReviews(ctx)) return 'full'
  if (leadsAgencies(ctx) && review.agencyIds.some((id) => ctx.actor.agencyIds.includes(id))) return 'involved'
  if (!reviewReaders.some((role) => ctx.actor.roles.includes(role))) return 'none'
  return (publishedStatuses as readonly string[]).includes(review.status) ? 'published' : 'none'
}

/**
 * The same rule as SQL over a review aliased `alias`: the condition and its values, numbered
 * from `next`. For lists, where filtering row by row in Node would page wrongly.
 */
export function visibleReviewsSql(
  ctx: Context,
  alias: string,
  next: number,
): { where: string; values: unknown[] } {
  if (overseesReviews(ctx)) return { where: 'true', values: [] }
  const published = `${alias}.status IN ('published', 'actions_in_progress', 'closed')`
  if (!leadsAgencies(ctx)) {
    return reviewReaders.some((role) => ctx.actor.roles.includes(role))
      ? { where: published, values: [] }
      : { where: 'false', values: [] }
  }
  return {
    where: `(${published} OR EXISTS (SELECT 1 FROM review_agencies ra
      WHERE ra.review_id = ${alias}.id AND ra.agency_id = ANY($${next}::uuid[])))`,
    values: [ctx.actor.agencyIds],
  }
}

/**
 * Which actions the actor sees, as SQL over an action aliased `alias`: overseers see all; an
 * agency lead sees the actions their agencies own; anyone sees the actions they own.
 */
export function visibleActionsSql(
  ctx: Context,
  alias: string,
  next: number,
): { where: string; values: unknown[] } {
  if (overseesReviews(ctx)) return { where: 'true', values: [] }
  if (leadsAgencies(ctx))
    return {
      where: `(${alias}.owner_user_id = $${next}::uuid OR ${alias}.owning_agency_id = ANY($${next + 1}::uuid[]))`,
      values: [ctx.actor.userId, ctx.actor.agencyIds],
    }
  return { where: `${alias}.owner_user_id = $${next}::uuid`, values: [ctx.actor.userId] }
}
