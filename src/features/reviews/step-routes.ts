import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { transitionErrors, transitionFromForm, transitionValuesOf } from './page-forms.ts'
import type { Sent } from './page-words.ts'
import { sendForm, shown, stepNames, words } from './page-words.ts'
import { nextStatuses } from './rules.ts'
import { reviewEditors } from './visibility.ts'
import type { ReviewStatus } from './words.ts'

/**
 * A form for each step of a review's life: the fields that step needs and, for closing, a
 * reason box for each open action an admin closes it over.
 */
export default async function reviewStepRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { reviews } = services

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
      return sendForm(
        reply,
        transitionFromForm(body),
        (errors, status) =>
          statusForm(
            request,
            reply,
            review.id,
            to,
            { body, errors: status === 400 ? transitionErrors(errors) : errors },
            status,
          ),
        async (data) => {
          await reviews.change(ctx, review.id, data)
          return `/reviews/${review.id}?done=moved`
        },
      )
    },
  )
}
