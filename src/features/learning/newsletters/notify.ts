import type { ProductHeadline } from '#features/learning/index.ts'
import { productHeadlines } from '#features/learning/index.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Context } from '#platform/context.ts'
import { requireRole } from '#platform/context.ts'
import type { Sql } from '#platform/db/database.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { ProductItem } from './emails.ts'
import { productNotice } from './emails.ts'
import { unsubscribeToken } from './links.ts'
import { subscribersOfThemes } from './queries.ts'

/** Subscriber emails are written this many to a statement. */
export const BATCH = 500

export type LinkDeps = { secret: string; publicUrl: string }

/** Emails confirmed subscribers of a product's themes about it; how many were written. */
export type SubscriberNotifier = (sql: Sql, ctx: Context, productId: string) => Promise<number>

/** A subscriber's own link to leave, which works without signing in. */
export function unsubscribeUrl(deps: LinkDeps, partnership: PartnershipRef, subscriberId: string): string {
  const token = unsubscribeToken(deps.secret, partnership.id, subscriberId)
  return `${deps.publicUrl}/p/${partnership.slug}/unsubscribe?token=${token}`
}

/** Where an email sends a reader: the public library, or the workforce's (which asks them to sign in). */
export function productItem(
  deps: LinkDeps,
  partnership: PartnershipRef,
  product: ProductHeadline,
): ProductItem {
  const workforceOnly = product.visibility !== 'public'
  return {
    title: product.title,
    summary: product.summary,
    workforceOnly,
    url: workforceOnly
      ? `${deps.publicUrl}/learning/${product.id}`
      : `${deps.publicUrl}/p/${partnership.slug}/learning/${product.id}`,
  }
}

/**
 * Emails the partnership's subscribers whose themes overlap a published product's (and those
 * who chose every theme) with its title, summary and link, each with their own unsubscribe
 * link and headers, in the caller's transaction: the dissemination's "also email subscribers"
 * sends them with the agencies' emails or not at all. The caller asks for mail to be sent after
 * it commits. A product not published tells no one.
 */
export function subscriberNotifier(deps: LinkDeps): SubscriberNotifier {
  return async (sql, ctx, productId) => {
    requireRole(ctx, 'admin', 'subgroup')
    const [product] = await productHeadlines(sql, [productId])
    if (product?.status !== 'published') return 0
    const email = productNotice({
      partnership: ctx.partnership.name,
      product: productItem(deps, ctx.partnership, product),
    })
    let written = 0
    let after: string | null = null
    for (;;) {
      const batch = await subscribersOfThemes(sql, product.themeIds, after, BATCH)
      await enqueueEmails(
        sql,
        ctx.partnership.id,
        batch.map((s) => email(s.email, unsubscribeUrl(deps, ctx.partnership, s.id))),
      )
      written += batch.length
      after = batch.at(-1)?.id ?? after
      if (batch.length < BATCH) return written
    }
  }
}
