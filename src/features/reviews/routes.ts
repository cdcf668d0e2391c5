import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actionStatusNames, actionStatusTags } from '#features/actions/words.ts'
import type { Context } from '#platform/context.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import type { SuccessBanner } from '#platform/http/done.ts'
import { doneOf } from '#platform/http/done.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { ReviewFilter } from './forms.ts'
import { reviewFilterSchema } from './forms.ts'
import {
  findingFromForm,
  pageErrors,
  recommendationFromForm,
  recommendationValuesOf,
  responseFromForm,
  responseValuesOf,
  reviewChangeFromForm,
  reviewFromForm,
  reviewValuesOf,
  transitionErrors,
  transitionFromForm,
  transitionValuesOf,
} from './page-forms.ts'
import { nextStatuses } from './rules.ts'
import { reviewEditors, reviewReaders } from './visibility.ts'
import type { ReviewStatus } from './words.ts'
import {
  actedOn,
  addresseeNames,
  addressees,
  responseNames,
  responses,
  responseTags,
  reviewDecisionNames,
  reviewDecisions,
  reviewStatuses,
  reviewStatusNames,
  reviewStatusTags,
  reviewTypeNames,
  reviewTypes,
} from './words.ts'

const words = {
  reviewTypes,
  reviewTypeNames,
  reviewStatuses,
  reviewStatusNames,
  reviewStatusTags,
  reviewDecisions,
  reviewDecisionNames,
  addressees,
  addresseeNames,
  responses,
  responseNames,
  responseTags,
  actionStatusNames,
  actionStatusTags,
}

/** What each step's button and page are called. */
const stepNames: Record<ReviewStatus, string> = {
  notified: 'Notified',
  decision_made: 'Record the decision',
  in_progress: 'Mark as in progress',
  published: 'Record publication',
  actions_in_progress: 'Mark actions as in progress',
  closed: 'Close the review',
}

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

type Sent = { body?: Record<string, unknown>; errors?: FieldError[] }

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

/** Errors for the summary and the fields; one about the whole form links nowhere. */
const shown = (errors: FieldError[]) => ({
  errors: errors.map((e) =>
    e.field === 'form' ? { text: e.text } : { text: e.text, href: errorSummary([e])[0]?.href },
  ),
  fieldErrors: errorFor(errors),
})

/**
 * The review register's pages: the register and theme view for every reader, a review's page
 * as far as its reader may see it, and the forms the register's editors use.
 */
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
      const form = reviewFromForm(body)
      if (!form.ok) return reviewForm(request, reply, null, { body, errors: form.errors }, 400)
      try {
        const review = await reviews.create(contextOf(request), form.data)
        return reply.redirect(`/reviews/${review.id}?done=recorded`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return reviewForm(
            request,
            reply,
            null,
            { body, errors: pageErrors(error.errors, ['notifiedOn'], []) },
            400,
          )
        throw error
      }
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
        steps: editor ? nextStatuses(detail.review).map((to) => ({ to, text: stepNames[to] })) : [],
        banner: bannerOf(doneOf(request.query, reviewDone), detail.review.status),
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
      const form = reviewChangeFromForm(body)
      if (!form.ok) return reviewForm(request, reply, review, { body, errors: form.errors }, 400)
      try {
        await reviews.change(ctx, review.id, form.data)
        return reply.redirect(`/reviews/${review.id}?done=changed`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return reviewForm(
            request,
            reply,
            review,
            { body, errors: pageErrors(error.errors, ['notifiedOn'], []) },
            400,
          )
        throw error
      }
    },
  )

  /** A step's form: the fields that step needs, and for closing, a reason box for each open action. */
  async function statusForm(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    to: string,
    sent: Sent = {},
    status = 200,
  ) {
    const ctx = contextOf(request)
    const review = await reviews.review(ctx, id)
    const step = nextStatuses(review).find((s) => s === to)
    // A step not open from here is offered as the steps that are.
    if (!step && !sent.errors) return reply.redirect(`/reviews/${review.id}`, 303)
    const openActions = to === 'closed' ? await reviews.openActions(ctx, review.id) : []
    return reply.status(status).view('reviews/views/status-form.njk', {
      ...words,
      title: `${stepNames[(step ?? to) as ReviewStatus] ?? 'Move the review'}: ${review.reference}`,
      heading: stepNames[(step ?? to) as ReviewStatus],
      review,
      to,
      openActions,
      admin: ctx.actor.roles.includes('admin'),
      values: transitionValuesOf(sent.body),
      ...shown(sent.errors ?? []),
      backLink: `/reviews/${review.id}`,
    })
  }

  app.get<{ Params: { id: string }; Querystring: { to?: string } }>(
    '/reviews/:id/status',
    { config: { access: reviewEditors } },
    async (request, reply) => statusForm(request, reply, request.params.id, String(request.query.to ?? '')),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/reviews/:id/status',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const review = await reviews.review(ctx, request.params.id)
      const body = request.body ?? {}
      const to = typeof body.to === 'string' ? body.to : ''
      const form = transitionFromForm(body)
      if (!form.ok) return statusForm(request, reply, review.id, to, { body, errors: form.errors }, 400)
      try {
        await reviews.change(ctx, review.id, form.data)
        return reply.redirect(`/reviews/${review.id}?done=moved`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return statusForm(
            request,
            reply,
            review.id,
            to,
            { body, errors: transitionErrors(error.errors) },
            400,
          )
        if (error instanceof ConflictError)
          return statusForm(
            request,
            reply,
            review.id,
            to,
            { body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  async function findingForm(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent: Sent = {},
    status = 200,
  ) {
    const ctx = contextOf(request)
    const review = await reviews.review(ctx, id)
    const { themes } = await reviews.choices(ctx)
    const body = sent.body ?? {}
    return reply.status(status).view('reviews/views/finding-form.njk', {
      title: `Add a finding: ${review.reference}`,
      review,
      themes,
      values: { text: typeof body.text === 'string' ? body.text : '', themes: [body.themes ?? []].flat() },
      ...shown(sent.errors ?? []),
      backLink: `/reviews/${review.id}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/reviews/:id/findings/new',
    { config: { access: reviewEditors } },
    async (request, reply) => findingForm(request, reply, request.params.id),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/reviews/:id/findings/new',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const review = await reviews.review(ctx, request.params.id)
      const body = request.body ?? {}
      const form = findingFromForm(body)
      if (!form.ok) return findingForm(request, reply, review.id, { body, errors: form.errors }, 400)
      try {
        await reviews.addFinding(ctx, review.id, form.data)
        return reply.redirect(`/reviews/${review.id}?done=finding#findings`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return findingForm(request, reply, review.id, { body, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return findingForm(
            request,
            reply,
            review.id,
            { body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  async function recommendationForm(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent: Sent = {},
    status = 200,
  ) {
    const ctx = contextOf(request)
    const review = await reviews.review(ctx, id)
    const choices = await reviews.choices(ctx)
    return reply.status(status).view('reviews/views/recommendation-form.njk', {
      ...words,
      ...choices,
      title: `Add a recommendation: ${review.reference}`,
      review,
      values: recommendationValuesOf(sent.body),
      ...shown(sent.errors ?? []),
      backLink: `/reviews/${review.id}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/reviews/:id/recommendations/new',
    { config: { access: reviewEditors } },
    async (request, reply) => recommendationForm(request, reply, request.params.id),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/reviews/:id/recommendations/new',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const review = await reviews.review(ctx, request.params.id)
      const body = request.body ?? {}
      const form = recommendationFromForm(body)
      if (!form.ok) return recommendationForm(request, reply, review.id, { body, errors: form.errors }, 400)
      try {
        await reviews.addRecommendation(ctx, review.id, form.data)
        return reply.redirect(`/reviews/${review.id}?done=recommendation#recommendations`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return recommendationForm(request, reply, review.id, { body, errors: error.errors }, 400)
        if (error instanceof ConflictError)
          return recommendationForm(
            request,
            reply,
            review.id,
            { body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  async function responseForm(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent: Sent = {},
    status = 200,
  ) {
    const { recommendation, review } = await reviews.recommendation(contextOf(request), id)
    return reply.status(status).view('reviews/views/response-form.njk', {
      ...words,
      title: `The board’s response: ${review.reference}`,
      recommendation,
      review,
      values: responseValuesOf(sent.body, recommendation),
      ...shown(sent.errors ?? []),
      backLink: `/reviews/${review.id}#recommendations`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/recommendations/:id/response',
    { config: { access: reviewEditors } },
    async (request, reply) => responseForm(request, reply, request.params.id),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/recommendations/:id/response',
    { config: { access: reviewEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { recommendation } = await reviews.recommendation(ctx, request.params.id)
      const body = request.body ?? {}
      const form = responseFromForm(body)
      if (!form.ok) return responseForm(request, reply, recommendation.id, { body, errors: form.errors }, 400)
      try {
        await reviews.respond(ctx, recommendation.id, form.data)
        return reply.redirect(`/reviews/${recommendation.reviewId}?done=response#recommendations`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return responseForm(request, reply, recommendation.id, { body, errors: error.errors }, 400)
        throw error
      }
    },
  )
}
