import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  findingFromForm,
  recommendationFromForm,
  recommendationValuesOf,
  responseFromForm,
  responseValuesOf,
} from './page-forms.ts'
import type { Sent } from './page-words.ts'
import { sendForm, shown, words } from './page-words.ts'
import { reviewEditors } from './visibility.ts'

/** What a review learned: the forms for its findings, its recommendations and the board's responses. */
export default async function reviewLearningRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { reviews } = services

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
      return sendForm(
        reply,
        findingFromForm(body),
        (errors, status) => findingForm(request, reply, review.id, { body, errors }, status),
        async (data) => {
          await reviews.addFinding(ctx, review.id, data)
          return `/reviews/${review.id}?done=finding#findings`
        },
      )
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
      return sendForm(
        reply,
        recommendationFromForm(body),
        (errors, status) => recommendationForm(request, reply, review.id, { body, errors }, status),
        async (data) => {
          await reviews.addRecommendation(ctx, review.id, data)
          return `/reviews/${review.id}?done=recommendation#recommendations`
        },
      )
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
      return sendForm(
        reply,
        responseFromForm(body),
        (errors, status) => responseForm(request, reply, recommendation.id, { body, errors }, status),
        async (data) => {
          await reviews.respond(ctx, recommendation.id, data)
          return `/reviews/${recommendation.reviewId}?done=response#recommendations`
        },
      )
    },
  )
}
