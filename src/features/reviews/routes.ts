import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { productStatusNames, productTypeNames } from '#features/learning/index.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { ReviewFilter } from './forms.ts'
import { reviewFilterSchema } from './forms.ts'
import { pageErrors, reviewChangeFromForm, reviewFromForm, reviewValuesOf } from './page-forms.ts'
import type { Sent } from './page-words.ts'
import { sendForm, shown, stepNames, words } from './page-words.ts'
import { nextStatuses } from './rules.ts'
import { leadsAgencies, overseesReviews, reviewEditors, reviewReaders } from './visibility.ts'
import type { ReviewStatus } from './words.ts'
import { actedOn, reviewStatusNames } from './words.ts'

/** What the review's page confirms after a change redirects to it. */
const reviewDone = ['recorded', 'changed', 'moved', 'finding', 'recommendation', 'response'] as const

function bannerOf(done: (typeof reviewDone)[number] | undefined, status: ReviewStatus): SuccessBanner | null {
  switch (done) {
    case undefined:
      return null
    case 'recorded':
      return { heading: 'The review was recorded' }
    case 'changed':
      return { heading: 'The review’s details were changed' }
    case 'moved':
      return { heading: `The review is now ${reviewStatusNames[status].toLowerCase()}` }
    case 'finding':
      return { heading: 'The finding was added' }
    case 'recommendation':
      return { heading: 'The recommendation was added' }
    case 'response':
      return { heading: 'The board’s response was saved' }
  }
}

const isEditor = (ctx: Context) => reviewEditors.some((role) => ctx.actor.roles.includes(role))

/** A filter from the register's GET form: each field kept only when it is valid, so one bad box does not clear the rest. */
function filterOf(query: Record<string, unknown>): ReviewFilter {
  const kept: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(reviewFilterSchema.shape)) {
    const value = query[key]
    if (value === undefined || value === '') continue
    const parsed = field.safeParse(value)
    if (parsed.success) kept[key] = parsed.data
  }
  return reviewFilterSchema.parse(kept)
}

/**
 * The review register's pages: the register and theme view for every reader, a review's page
 * as far as its reader may see it, and the forms the register's editors use.
 */
/** A review's errors from the service, its date moved to the first box. */
const onPage = (errors: FieldError[]) => pageErrors(errors, ['notifiedOn'], [])

export default async function reviewRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { reviews } = services

  async function reviewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    review: Awaited<ReturnType<typeof reviews.review>> | null,
    sent: Sent = {},
    status = 200,
  ) {
    const ctx = contextOf(request)
    const choices = await reviews.choices(ctx)
    return reply.status(status).view('reviews/views/review-form.njk', {
      ...words,
      ...choices,
      title: review ? `Change ${review.reference}` : 'Record a review',
      review,
      action: review ? `/reviews/${review.id}/edit` : '/reviews/new',
      values: reviewValuesOf(sent.body, review ?? undefined),
      ...shown(sent.errors ?? []),
      backLink: review ? `/reviews/${review.id}` : '/reviews',
    })
  }

  app.get<{ Querystring: Record<string, string> }>(
    '/reviews',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const filter = filterOf(request.query)
      const [{ items, total }, choices] = await Promise.all([reviews.list(ctx, filter), reviews.choices(ctx)])
      const pages = Math.max(1, Math.ceil(total / filter.pageSize))
      const kept = Object.fromEntries(
        Object.entries(filter)
          .filter(([key, value]) => value !== undefined && key !== 'page' && key !== 'pageSize')
          .map(([key, value]) => [key, String(value)]),
      )
      const link = (page: number) => `/reviews?${new URLSearchParams({ ...kept, page: String(page) })}`
      return reply.view('reviews/views/reviews.njk', {
        ...words,
        ...choices,
        title: 'Case reviews',
        columns: 'full',
        reviews: items,
        total,
        filter,
        editor: isEditor(ctx),
        previous: filter.page > 1 ? link(filter.page - 1) : null,
        next: filter.page < pages ? link(filter.page + 1) : null,
      })
    },
  )

  app.get('/reviews/themes', { config: { access: reviewReaders } }, async (request, reply) => {
    const { years, themes } = await reviews.themeView(contextOf(request))
    return reply.view('reviews/views/themes.njk', {
      title: 'Themes in case reviews',
      columns: 'full',
      years,
      themes,
      backLink: '/reviews',
    })
  })

  app.get('/reviews/new', { config: { access: reviewEditors } }, async (request, reply) =>
    reviewForm(request, reply, null),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/reviews/new',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      return sendForm(
        reply,
        reviewFromForm(body),
        (errors, status) => reviewForm(request, reply, null, { body, errors: onPage(errors) }, status),
        async (data) => `/reviews/${(await reviews.create(contextOf(request), data)).id}?done=recorded`,
      )
    },
  )

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(
    '/reviews/:id',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const detail = await reviews.detail(ctx, request.params.id)
      const choices = await reviews.choices(ctx)
      const themeName = Object.fromEntries(choices.themes.map((t) => [t.id, t.name]))
      const agencyName = Object.fromEntries(choices.agencies.map((a) => [a.id, a.name]))
      const editor = isEditor(ctx)
      return reply.view('reviews/views/review.njk', {
        ...words,
        title: `${detail.review.reference}: ${detail.review.title}`,
        ...detail,
        history: [...detail.history].reverse(),
        themeNames: detail.review.themes.map((id) => themeName[id]).filter(Boolean),
        agencyNames: detail.review.agencyIds.map((id) => agencyName[id] ?? 'An archived agency'),
        themeName,
        actedOn,
        editor,
        // The dissemination matrix: overseers see every agency, an agency lead their own.
        seesDissemination: overseesReviews(ctx) || leadsAgencies(ctx),
        steps: editor ? nextStatuses(detail.review).map((to) => ({ to, text: stepNames[to] })) : [],
        banner: bannerOf(doneOf(request.query, reviewDone), detail.review.status),
        products: await services.learning.ofReview(ctx, detail.review.id),
        productTypeNames,
        productStatusNames,
        backLink: '/reviews',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/reviews/:id/edit',
    { config: { access: reviewEditors } },
    async (request, reply) =>
      reviewForm(request, reply, await reviews.review(contextOf(request), request.params.id)),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/reviews/:id/edit',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The review first: one the user cannot see is not found, whatever was sent.
      const review = await reviews.review(ctx, request.params.id)
      const body = request.body ?? {}
      return sendForm(
        reply,
        reviewChangeFromForm(body),
        (errors, status) => reviewForm(request, reply, review, { body, errors: onPage(errors) }, status),
        async (data) => {
          await reviews.change(ctx, review.id, data)
          return `/reviews/${review.id}?done=changed`
        },
      )
    },
  )
}
