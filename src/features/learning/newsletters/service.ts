import type { Theme } from '#features/courses/queries.ts'
import { themesOf } from '#features/courses/queries.ts'
import type { ProductHeadline } from '#features/learning/index.ts'
import { productHeadlines, publishedProductHeadlines } from '#features/learning/index.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { enqueueEmail, enqueueEmails } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { confirmSubscription, newsletterEmail } from './emails.ts'
import type { NewsletterInput, SubscribeInput, ThemeChoice } from './forms.ts'
import {
  CONFIRM_LINK_DAYS,
  confirmLinkExpiry,
  confirmToken,
  readConfirmToken,
  readUnsubscribeToken,
} from './links.ts'
import type { LinkDeps } from './notify.ts'
import { BATCH, productItem, subscriberNotifier, unsubscribeUrl } from './notify.ts'
import type { Newsletter } from './queries.ts'
import {
  allNewsletters,
  deleteSubscription,
  insertNewsletter,
  markSent,
  newsletterById,
  newsletterRecipients,
  recordBatch,
  saveSubscription,
  sendingHeld,
  sentNewsletters,
  startSending,
  stillSending,
  subscriberCount,
  subscriptionById,
  subscriptionOf,
  updateDraft,
} from './queries.ts'

/** Who writes and sends newsletters. */
export const editors = ['admin', 'subgroup'] as const
/** Everyone confirmed in a partnership may subscribe from their account. */
export const readers = ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'] as const

const JOB_ACTOR = 'job:newsletters.send'

/** A product as a newsletter's page shows it: linked where the reader may follow. */
export type NewsletterProduct = ProductHeadline & { href: string | null; note: string | null }

/**
 * Newsletters and their subscribers: anyone subscribes by theme with an address they confirm;
 * an editor writes a newsletter from published products and free text and sends it once, in
 * batches through the outbox; the sent ones are a public archive.
 */
export function createNewsletterService(
  deps: LinkDeps & {
    db: Database
    clock: Clock
    partnerships: Partnerships
    mailQueued?: () => void
  },
) {
  const { db, clock } = deps
  const notifySubscribers = subscriberNotifier(deps)

  async function partnershipBySlug(slug: string): Promise<PartnershipRef> {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) throw new NotFoundError('Partnership')
    return partnership
  }

  const asPublic = (partnership: PartnershipRef, requestId?: string) => ({
    partnershipId: partnership.id,
    userId: null,
    requestId,
    actor: 'public',
  })

  /** Refuses themes that are not the partnership's own (or are archived). */
  function checkThemes(themes: readonly Theme[], themeIds: readonly string[], field = 'themes') {
    const known = new Set(themes.map((t) => t.id))
    if (themeIds.some((id) => !known.has(id)))
      throw new ValidationError([{ field, text: 'Select themes from the list' }])
  }

  const themeNames = (themes: readonly Theme[], choice: ThemeChoice): string[] | 'all' =>
    choice.allThemes ? 'all' : themes.filter((t) => choice.themeIds.includes(t.id)).map((t) => t.name)

  /** Products as a reader of the newsletter's page follows them; `signedIn` for the workforce's own pages. */
  function presented(
    partnership: PartnershipRef,
    products: readonly ProductHeadline[],
    signedIn: boolean,
  ): NewsletterProduct[] {
    return products.map((p) => {
      if (p.status !== 'published') return { ...p, href: null, note: 'No longer in the library' }
      if (signedIn) return { ...p, href: `/learning/${p.id}`, note: null }
      if (p.visibility === 'public')
        return { ...p, href: `/p/${partnership.slug}/learning/${p.id}`, note: null }
      return {
        ...p,
        href: `/sign-in?returnTo=${encodeURIComponent(`/learning/${p.id}`)}`,
        note: 'For the workforce: sign in to read it',
      }
    })
  }

  async function checkNewsletter(sql: Sql, input: NewsletterInput) {
    const published = new Set((await publishedProductHeadlines(sql)).map((p) => p.id))
    if (input.productIds.some((id) => !published.has(id)))
      throw new ValidationError([{ field: 'products', text: 'Select products from the published ones' }])
    checkThemes(await themesOf(sql), input.themeIds)
  }

  /**
   * Writes the newsletter to its subscribers a batch at a time, each batch in a transaction of
   * its own that holds the newsletter, reads where the last one ended, writes the emails and
   * moves the mark: a big list never holds one long transaction, and a send that stopped (the
   * process ended) goes on from its mark when asked again, never writing anyone twice.
   */
  async function writeBatches(ctx: Context, id: string): Promise<void> {
    const partnership = ctx.partnership
    const email = await db.tenant(scopeOf(ctx), async (sql) => {
      const newsletter = await newsletterById(sql, id)
      if (!newsletter) throw new NotFoundError('Newsletter')
      const products = (await productHeadlines(sql, newsletter.productIds)).filter(
        (p) => p.status === 'published',
      )
      return newsletterEmail({
        partnership: partnership.name,
        title: newsletter.title,
        introduction: newsletter.introduction,
        body: newsletter.body,
        products: products.map((p) => productItem(deps, partnership, p)),
        webUrl: `${deps.publicUrl}/p/${partnership.slug}/newsletters/${id}`,
      })
    })
    for (;;) {
      const done = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('newsletter.send')
        const sending = await sendingHeld(sql, id)
        if (!sending) return true
        const batch = await newsletterRecipients(sql, id, sending, BATCH)
        const last = batch.at(-1)
        if (!last) {
          await markSent(sql, id, clock.now())
          return true
        }
        await enqueueEmails(
          sql,
          partnership.id,
          batch.map((s) => email(s.email, unsubscribeUrl(deps, partnership, s.id))),
        )
        await recordBatch(sql, id, batch.length, last.id)
        return false
      })
      if (!done) deps.mailQueued?.()
      if (done) return
    }
  }

  return {
    notifySubscribers,

    /** The public subscription form: the partnership and its themes. */
    async subscribeForm(slug: string) {
      const partnership = await partnershipBySlug(slug)
      const themes = await db.tenant(asPublic(partnership), (sql) => themesOf(sql))
      return { partnership, themes }
    },

    /**
     * Emails a link to confirm a subscription. Nothing is stored, and the answer is the same
     * whether or not the address already subscribes; confirming one that does changes its themes.
     */
    async requestSubscription(slug: string, input: SubscribeInput, requestId?: string): Promise<void> {
      const partnership = await partnershipBySlug(slug)
      await db.tenant(asPublic(partnership, requestId), async (sql) => {
        const themes = await themesOf(sql)
        checkThemes(themes, input.themeIds)
        const token = confirmToken(deps.secret, partnership.id, {
          ...input,
          expires: confirmLinkExpiry(clock.now()),
        })
        const email = confirmSubscription({
          partnership: partnership.name,
          themes: themeNames(themes, input),
          confirmUrl: `${deps.publicUrl}/p/${partnership.slug}/subscribe/confirm?link=${token}`,
          days: CONFIRM_LINK_DAYS,
        })
        await enqueueEmail(sql, partnership.id, { ...email, to: input.email })
      })
      deps.mailQueued?.()
    },

    /** What a confirmation link asks for, to show before the button; undefined when it cannot be used. */
    async confirming(slug: string, token: string) {
      const partnership = await partnershipBySlug(slug)
      const read = readConfirmToken(deps.secret, partnership.id, token, clock.now())
      if (!read.ok) return { partnership, request: null, problem: read.problem }
      const themes = await db.tenant(asPublic(partnership), (sql) => themesOf(sql))
      return {
        partnership,
        request: { email: read.request.email, themes: themeNames(themes, read.request) },
        problem: null,
      }
    },

    /** Confirms a subscription from its emailed link: the address now subscribes, with these themes. */
    async confirm(slug: string, token: string, requestId?: string) {
      const partnership = await partnershipBySlug(slug)
      const read = readConfirmToken(deps.secret, partnership.id, token, clock.now())
      if (!read.ok) return { partnership, confirmed: false as const, problem: read.problem }
      const { request } = read
      await db.tenant(asPublic(partnership, requestId), async (sql) => {
        await sql.auditAs('newsletter.subscribe')
        // A theme archived since the link was sent is left out.
        const known = new Set((await themesOf(sql)).map((t) => t.id))
        await saveSubscription(sql, {
          partnershipId: partnership.id,
          email: request.email,
          userId: null,
          allThemes: request.allThemes,
          themeIds: request.themeIds.filter((id) => known.has(id)),
          now: clock.now(),
        })
      })
      return { partnership, confirmed: true as const, problem: null }
    },

    /** Whether an unsubscribe link is one this service made, and whether it still subscribes. */
    async unsubscribing(slug: string, token: string) {
      const partnership = await partnershipBySlug(slug)
      const id = readUnsubscribeToken(deps.secret, partnership.id, token)
      if (!id) return { partnership, valid: false, subscribed: false }
      const subscription = await db.tenant(asPublic(partnership), (sql) => subscriptionById(sql, id))
      return { partnership, valid: true, subscribed: Boolean(subscription) }
    },

    /** Ends a subscription from its signed link, with no sign-in; a second time changes nothing. */
    async unsubscribe(slug: string, token: string, requestId?: string) {
      const partnership = await partnershipBySlug(slug)
      const id = readUnsubscribeToken(deps.secret, partnership.id, token)
      if (!id) return { partnership, valid: false }
      await db.tenant(asPublic(partnership, requestId), async (sql) => {
        await sql.auditAs('newsletter.unsubscribe')
        await deleteSubscription(sql, id)
      })
      return { partnership, valid: true }
    },

    /** A signed-in user's subscription, by their account's address, with the themes to choose from. */
    async mySubscription(ctx: Context, email: string) {
      requireRole(ctx, ...readers)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        subscription: await subscriptionOf(sql, email),
        themes: await themesOf(sql),
      }))
    },

    /** Subscribes a signed-in user, or changes their themes: their account's address is confirmed already. */
    async subscribeMe(ctx: Context, email: string, choice: ThemeChoice): Promise<void> {
      requireRole(ctx, ...readers)
      await db.tenant(scopeOf(ctx), async (sql) => {
        checkThemes(await themesOf(sql), choice.themeIds)
        await sql.auditAs('newsletter.subscribe')
        await saveSubscription(sql, {
          ...choice,
          partnershipId: ctx.partnership.id,
          email,
          userId: ctx.actor.userId,
          now: clock.now(),
        })
      })
    },

    async unsubscribeMe(ctx: Context, email: string): Promise<void> {
      requireRole(ctx, ...readers)
      await db.tenant(scopeOf(ctx), async (sql) => {
        const subscription = await subscriptionOf(sql, email)
        if (!subscription) return
        await sql.auditAs('newsletter.unsubscribe')
        await deleteSubscription(sql, subscription.id)
      })
    },

    /** Every newsletter, and how many subscribe: the editors' list. */
    async list(ctx: Context): Promise<{ newsletters: Newsletter[]; subscribers: number }> {
      requireRole(ctx, ...editors)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        newsletters: await allNewsletters(sql),
        subscribers: await subscriberCount(sql),
      }))
    },

    /** What a newsletter is written from: the published products and the themes. */
    async composing(ctx: Context) {
      requireRole(ctx, ...editors)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        products: await publishedProductHeadlines(sql),
        themes: await themesOf(sql),
      }))
    },

    async create(ctx: Context, input: NewsletterInput): Promise<string> {
      requireRole(ctx, ...editors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        await checkNewsletter(sql, input)
        await sql.auditAs('newsletter.create')
        return insertNewsletter(sql, ctx.partnership.id, input, ctx.actor.userId)
      })
    },

    /** One newsletter as its editors preview it, with its products and themes. */
    async newsletter(ctx: Context, id: string) {
      requireRole(ctx, ...editors)
      if (!isUuid(id)) throw new NotFoundError('Newsletter')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const newsletter = await newsletterById(sql, id)
        if (!newsletter) throw new NotFoundError('Newsletter')
        const themes = await themesOf(sql, true)
        return {
          newsletter,
          products: presented(ctx.partnership, await productHeadlines(sql, newsletter.productIds), true),
          themes: themes.filter((t) => newsletter.themeIds.includes(t.id)),
          subscribers: await subscriberCount(sql),
        }
      })
    },

    /** Changes a draft; one that has started sending never changes. */
    async update(ctx: Context, id: string, input: NewsletterInput): Promise<void> {
      requireRole(ctx, ...editors)
      if (!isUuid(id)) throw new NotFoundError('Newsletter')
      await db.tenant(scopeOf(ctx), async (sql) => {
        const newsletter = await newsletterById(sql, id)
        if (!newsletter) throw new NotFoundError('Newsletter')
        if (newsletter.status !== 'draft')
          throw new ConflictError('This newsletter has been sent: it cannot be changed')
        await checkNewsletter(sql, input)
        await sql.auditAs('newsletter.update')
        if (!(await updateDraft(sql, ctx.partnership.id, id, input, clock.now())))
          throw new ConflictError('This newsletter has been sent: it cannot be changed')
      })
    },

    /**
     * Sends a newsletter to its subscribers, once: starting is one status change from draft, so
     * a second press (or two at once) is refused. Returns how many it was written to.
     */
    async send(ctx: Context, id: string): Promise<number> {
      requireRole(ctx, ...editors)
      if (!isUuid(id)) throw new NotFoundError('Newsletter')
      await db.tenant(scopeOf(ctx), async (sql) => {
        const newsletter = await newsletterById(sql, id)
        if (!newsletter) throw new NotFoundError('Newsletter')
        if (newsletter.status !== 'draft') throw new ConflictError('This newsletter has already been sent')
        const products = (await productHeadlines(sql, newsletter.productIds)).filter(
          (p) => p.status === 'published',
        )
        if (!products.length && !newsletter.body.trim())
          throw new ValidationError([
            { field: 'products', text: 'Choose products or write the text: a newsletter cannot be empty' },
          ])
        await sql.auditAs('newsletter.send')
        if (!(await startSending(sql, id, clock.now(), ctx.actor.userId)))
          throw new ConflictError('This newsletter has already been sent')
      })
      await writeBatches(ctx, id)
      return db.tenant(scopeOf(ctx), async (sql) => (await newsletterById(sql, id))?.recipients ?? 0)
    },

    /** Finishes every newsletter whose sending stopped part way, in every partnership: the job's work. */
    async finishSending(): Promise<number> {
      let finished = 0
      for (const partnership of await deps.partnerships.list()) {
        const ctx = systemContext(partnership, JOB_ACTOR)
        for (const id of await db.tenant(scopeOf(ctx), (sql) => stillSending(sql))) {
          await writeBatches(ctx, id)
          finished++
        }
      }
      return finished
    },

    /** The public archive: sent newsletters, newest first. */
    async archive(slug: string) {
      const partnership = await partnershipBySlug(slug)
      const newsletters = await db.tenant(asPublic(partnership), (sql) => sentNewsletters(sql))
      return { partnership, newsletters }
    },

    /** One sent newsletter, for anyone: a draft, or another partnership's, is not found. */
    async archived(slug: string, id: string) {
      const partnership = await partnershipBySlug(slug)
      if (!isUuid(id)) throw new NotFoundError('Newsletter')
      return db.tenant(asPublic(partnership), async (sql) => {
        const newsletter = await newsletterById(sql, id)
        if (newsletter?.status !== 'sent') throw new NotFoundError('Newsletter')
        return {
          partnership,
          newsletter,
          products: presented(partnership, await productHeadlines(sql, newsletter.productIds), false),
        }
      })
    },
  }
}

export type NewsletterService = ReturnType<typeof createNewsletterService>
