import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Theme } from '#features/courses/queries.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import { renderMarkdown } from '#platform/views/markdown.ts'
import type { Services } from '#src/services.ts'
import type { NewsletterInput } from './forms.ts'
import { listOf, newsletterForm, subscribeForm, themeChoiceForm } from './forms.ts'
import { CONFIRM_LINK_DAYS } from './links.ts'
import type { Newsletter } from './queries.ts'
import { editors, readers } from './service.ts'

const V = 'learning/newsletters/views'

const banners = {
  created: { heading: 'Newsletter saved as a draft', text: 'Check the preview, then send it.' },
  changed: { heading: 'Newsletter changed' },
} as const

const statusNames: Record<Newsletter['status'], string> = {
  draft: 'Draft',
  sending: 'Sending',
  sent: 'Sent',
}

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')

/** The form's fields as typed, to show again with errors. */
function typedValues(body: Record<string, unknown>) {
  return {
    title: textOf(body.title),
    introduction: textOf(body.introduction),
    body: textOf(body.body),
    products: listOf(body.products),
    audience: textOf(body.audience),
    themes: listOf(body.themes),
    email: textOf(body.email),
    scope: textOf(body.scope),
  }
}

const valuesOf = (n: Newsletter) => ({
  title: n.title,
  introduction: n.introduction,
  body: n.body,
  products: n.productIds,
  audience: n.allSubscribers ? 'all' : 'themes',
  themes: n.themeIds,
})

/** The theme choice's words: every theme, or those named. */
const themeWords = (themes: string[] | 'all') => (themes === 'all' ? 'every theme' : themes.join(', '))

const themeItems = (themes: readonly Theme[], chosen: readonly string[]) =>
  themes.map((t) => ({ value: t.id, text: t.name, checked: chosen.includes(t.id) }))

/**
 * Subscribing by theme, confirming and leaving, from the public pages and a signed-in
 * account; writing, previewing and sending newsletters; and the public archive.
 */
export default async function newsletterRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { newsletters } = services
  // Subscribing and confirming can end in an email or a change, so they are limited as registering is.
  const rateLimit = openToAnyoneLimit(services.config)

  // ---- Subscribing from the public pages ----

  async function subscribePage(
    reply: FastifyReply,
    slug: string,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
  ) {
    const { partnership, themes } = await newsletters.subscribeForm(slug)
    return reply.status(errors.length ? 400 : 200).view(`${V}/subscribe.njk`, {
      title: `Subscribe to ${partnership.name}’s learning newsletter`,
      partnership,
      values,
      themeItems: themeItems(themes, listOf(values.themes)),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: `/p/${partnership.slug}/newsletters`,
    })
  }

  app.get<{ Params: { slug: string } }>(
    '/p/:slug/subscribe',
    { config: { access: 'public' } },
    (request, reply) => subscribePage(reply, request.params.slug, { scope: 'all' }),
  )

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/p/:slug/subscribe',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = parseForm(subscribeForm, body)
      if (!form.ok) return subscribePage(reply, request.params.slug, typedValues(body), form.errors)
      try {
        await newsletters.requestSubscription(request.params.slug, form.data, request.id)
      } catch (error) {
        if (error instanceof ValidationError)
          return subscribePage(reply, request.params.slug, typedValues(body), error.errors)
        throw error
      }
      const { partnership } = await newsletters.subscribeForm(request.params.slug)
      // The same page whether or not the address already subscribes.
      return reply.view(`${V}/check-email.njk`, {
        title: 'Check your email',
        partnership,
        email: form.data.email,
        days: CONFIRM_LINK_DAYS,
      })
    },
  )

  function linkUnusable(
    reply: FastifyReply,
    partnership: { slug: string; name: string },
    problem: string | null,
  ) {
    return reply.status(400).view(`${V}/confirm-refused.njk`, {
      title: problem === 'expired' ? 'That link has expired' : 'That link is not right',
      partnership,
      problem,
      days: CONFIRM_LINK_DAYS,
    })
  }

  // The emailed link opens a page with a button, so a mail scanner following links subscribes
  // no one. The sealed link is long, so it goes in the query and the form.
  app.get<{ Params: { slug: string }; Querystring: { link?: string } }>(
    '/p/:slug/subscribe/confirm',
    { config: { access: 'public' } },
    async (request, reply) => {
      const token = String(request.query.link ?? '')
      const found = await newsletters.confirming(request.params.slug, token)
      if (!found.request) return linkUnusable(reply, found.partnership, found.problem)
      return reply.view(`${V}/confirm.njk`, {
        title: 'Confirm your subscription',
        partnership: found.partnership,
        email: found.request.email,
        themes: themeWords(found.request.themes),
        token,
      })
    },
  )

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/p/:slug/subscribe/confirm',
    { config: { access: 'public', rateLimit } },
    async (request, reply) => {
      const token = textOf(request.body?.link)
      const done = await newsletters.confirm(request.params.slug, token, request.id)
      if (!done.confirmed) return linkUnusable(reply, done.partnership, done.problem)
      return reply.view(`${V}/confirmed.njk`, {
        title: 'You have subscribed',
        partnership: done.partnership,
      })
    },
  )

  // ---- Leaving: a signed link in every subscriber email, with no sign-in ----

  function unsubscribeRefused(reply: FastifyReply, partnership: { slug: string; name: string }) {
    return reply.status(400).view(`${V}/unsubscribe-refused.njk`, {
      title: 'That unsubscribe link is not right',
      partnership,
    })
  }

  app.get<{ Params: { slug: string }; Querystring: { token?: string } }>(
    '/p/:slug/unsubscribe',
    { config: { access: 'public' } },
    async (request, reply) => {
      const token = String(request.query.token ?? '')
      const found = await newsletters.unsubscribing(request.params.slug, token)
      if (!found.valid) return unsubscribeRefused(reply, found.partnership)
      if (!found.subscribed)
        return reply.view(`${V}/unsubscribed.njk`, {
          title: 'You are not subscribed',
          partnership: found.partnership,
        })
      return reply.view(`${V}/unsubscribe.njk`, {
        title: 'Unsubscribe from the learning newsletter',
        partnership: found.partnership,
        action: `/p/${found.partnership.slug}/unsubscribe?token=${encodeURIComponent(token)}`,
      })
    },
  )

  // A mail client's unsubscribe button posts `List-Unsubscribe=One-Click` here with no form
  // token and no cookie (RFC 8058): the signed link is the credential, and the answer is short.
  app.post<{ Params: { slug: string }; Querystring: { token?: string }; Body: Record<string, unknown> }>(
    '/p/:slug/unsubscribe',
    { config: { access: 'public', csrf: false } },
    async (request, reply) => {
      const oneClick = request.body?.['List-Unsubscribe'] === 'One-Click'
      const done = await newsletters.unsubscribe(
        request.params.slug,
        String(request.query.token ?? ''),
        request.id,
      )
      if (oneClick)
        return reply
          .status(done.valid ? 200 : 400)
          .type('text/plain; charset=utf-8')
          .send(done.valid ? 'Unsubscribed' : 'That unsubscribe link is not right')
      if (!done.valid) return unsubscribeRefused(reply, done.partnership)
      return reply.view(`${V}/unsubscribed.njk`, {
        title: 'You have unsubscribed',
        partnership: done.partnership,
      })
    },
  )

  // ---- A signed-in user's own subscription ----

  async function subscriptionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: Record<string, unknown>; errors?: FieldError[]; done?: string } = {},
  ) {
    const ctx = contextOf(request)
    const email = request.auth?.user.email ?? ''
    const { subscription, themes } = await newsletters.mySubscription(ctx, email)
    const values = options.values ?? {
      scope: !subscription || subscription.allThemes ? 'all' : 'chosen',
      themes: subscription?.themeIds ?? [],
    }
    const errors = options.errors ?? []
    return reply.status(errors.length ? 400 : 200).view(`${V}/subscription.njk`, {
      title: 'Your learning newsletter',
      partnership: ctx.partnership,
      email,
      subscription,
      values,
      themeItems: themeItems(themes, listOf(values.themes)),
      banner:
        options.done === 'saved'
          ? { heading: 'Subscription saved' }
          : options.done === 'cancelled'
            ? { heading: 'You have unsubscribed' }
            : undefined,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/account',
    })
  }

  app.get<{ Querystring: { done?: string } }>(
    '/learning/subscription',
    { config: { access: [...readers] } },
    (request, reply) =>
      subscriptionPage(request, reply, { done: doneOf(request.query, ['saved', 'cancelled'] as const) }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/learning/subscription',
    { config: { access: [...readers] } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = parseForm(themeChoiceForm, body)
      if (!form.ok)
        return subscriptionPage(request, reply, { values: typedValues(body), errors: form.errors })
      try {
        await newsletters.subscribeMe(contextOf(request), request.auth?.user.email ?? '', form.data)
      } catch (error) {
        if (error instanceof ValidationError)
          return subscriptionPage(request, reply, { values: typedValues(body), errors: error.errors })
        throw error
      }
      return reply.redirect('/learning/subscription?done=saved', 303)
    },
  )

  app.post('/learning/subscription/cancel', { config: { access: [...readers] } }, async (request, reply) => {
    await newsletters.unsubscribeMe(contextOf(request), request.auth?.user.email ?? '')
    return reply.redirect('/learning/subscription?done=cancelled', 303)
  })

  // ---- Writing and sending ----

  app.get('/learning/newsletters', { config: { access: [...editors] } }, async (request, reply) => {
    const found = await newsletters.list(contextOf(request))
    return reply.view(`${V}/list.njk`, {
      title: 'Newsletters',
      ...found,
      statusNames,
      archivePath: `/p/${contextOf(request).partnership.slug}/newsletters`,
    })
  })

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      newsletter?: Newsletter
      values?: Record<string, unknown>
      errors?: FieldError[]
      status?: number
    },
  ) {
    const { products, themes } = await newsletters.composing(contextOf(request))
    const values = options.values ?? (options.newsletter ? valuesOf(options.newsletter) : { audience: 'all' })
    const errors = options.errors ?? []
    const chosenProducts = listOf(values.products)
    const n = options.newsletter
    return reply.status(options.status ?? (errors.length ? 400 : 200)).view(`${V}/form.njk`, {
      title: n ? `Change ${n.title}` : 'Write a newsletter',
      action: n ? `/learning/newsletters/${n.id}/edit` : '/learning/newsletters/new',
      values,
      productItems: products.map((p) => ({
        value: p.id,
        text: p.title,
        hint: {
          text: p.visibility === 'public' ? p.summary || 'Public' : `For the workforce only. ${p.summary}`,
        },
        checked: chosenProducts.includes(p.id),
      })),
      themeItems: themeItems(themes, listOf(values.themes)),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: n ? `/learning/newsletters/${n.id}` : '/learning/newsletters',
    })
  }

  const refused = (error: unknown): { errors: FieldError[]; status: number } | null => {
    if (error instanceof ValidationError) return { errors: [...error.errors], status: 400 }
    if (error instanceof ConflictError)
      return { errors: [{ field: 'form', text: error.message }], status: 409 }
    return null
  }

  app.get('/learning/newsletters/new', { config: { access: [...editors] } }, (request, reply) =>
    formPage(request, reply, {}),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/learning/newsletters/new',
    { config: { access: [...editors] } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = parseForm(newsletterForm, body)
      if (!form.ok) return formPage(request, reply, { values: typedValues(body), errors: form.errors })
      try {
        const id = await newsletters.create(contextOf(request), form.data satisfies NewsletterInput)
        return reply.redirect(`/learning/newsletters/${id}?done=created`, 303)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return formPage(request, reply, { values: typedValues(body), ...refusal })
      }
    },
  )

  async function newsletterPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    options: { errors?: FieldError[]; status?: number; done?: keyof typeof banners } = {},
  ) {
    const ctx = contextOf(request)
    const page = await newsletters.newsletter(ctx, request.params.id)
    const errors = options.errors ?? []
    return reply.status(options.status ?? 200).view(`${V}/newsletter.njk`, {
      ...page,
      title: page.newsletter.title,
      bodyHtml: renderMarkdown(page.newsletter.body),
      statusNames,
      archivePath: `/p/${ctx.partnership.slug}/newsletters/${page.newsletter.id}`,
      banner: options.done ? banners[options.done] : undefined,
      errors: errorSummary(errors),
      backLink: '/learning/newsletters',
    })
  }

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/learning/newsletters/:id',
    { config: { access: [...editors] } },
    (request, reply) =>
      newsletterPage(request, reply, {
        done: doneOf(request.query, Object.keys(banners) as (keyof typeof banners)[]),
      }),
  )

  app.get<{ Params: { id: string } }>(
    '/learning/newsletters/:id/edit',
    { config: { access: [...editors] } },
    async (request, reply) => {
      const { newsletter } = await newsletters.newsletter(contextOf(request), request.params.id)
      if (newsletter.status !== 'draft')
        return newsletterPage(request, reply, {
          errors: [{ field: 'form', text: 'This newsletter has been sent: it cannot be changed' }],
          status: 409,
        })
      return formPage(request, reply, { newsletter })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/learning/newsletters/:id/edit',
    { config: { access: [...editors] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { newsletter } = await newsletters.newsletter(ctx, request.params.id)
      const body = request.body ?? {}
      const form = parseForm(newsletterForm, body)
      if (!form.ok)
        return formPage(request, reply, { newsletter, values: typedValues(body), errors: form.errors })
      try {
        await newsletters.update(ctx, newsletter.id, form.data)
        return reply.redirect(`/learning/newsletters/${newsletter.id}?done=changed`, 303)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return formPage(request, reply, { newsletter, values: typedValues(body), ...refusal })
      }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/learning/newsletters/:id/send',
    { config: { access: [...editors] } },
    async (request, reply) => {
      try {
        await newsletters.send(contextOf(request), request.params.id)
      } catch (error) {
        const refusal = refused(error)
        if (!refusal) throw error
        return newsletterPage(request, reply, refusal)
      }
      return reply.redirect(`/learning/newsletters/${request.params.id}`, 303)
    },
  )

  // ---- The public archive ----

  app.get<{ Params: { slug: string } }>(
    '/p/:slug/newsletters',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView(`${V}/archive.njk`, async () => {
        const found = await newsletters.archive(request.params.slug)
        return {
          title: `Newsletters from ${found.partnership.name}`,
          ...found,
          backLink: `/p/${found.partnership.slug}/learning`,
        }
      }),
  )

  app.get<{ Params: { slug: string; id: string } }>(
    '/p/:slug/newsletters/:id',
    { config: { access: 'public', publicPage: true } },
    (request, reply) =>
      reply.publicView(`${V}/archived.njk`, async () => {
        const found = await newsletters.archived(request.params.slug, request.params.id)
        return {
          ...found,
          title: found.newsletter.title,
          bodyHtml: renderMarkdown(found.newsletter.body),
          backLink: `/p/${found.partnership.slug}/newsletters`,
        }
      }),
  )
}
