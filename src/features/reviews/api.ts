import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  findingSchema,
  recommendationSchema,
  responseSchema,
  reviewChangeSchema,
  reviewFilterSchema,
  reviewSchema,
} from './forms.ts'
import type { Finding, Recommendation, ReviewTransition } from './queries.ts'
import type { ReviewView } from './service.ts'
import { reviewEditors, reviewReaders } from './visibility.ts'
import { addressees, responses, reviewDecisions, reviewStatuses, reviewTypes } from './words.ts'

const isoDate = z.string().describe('YYYY-MM-DD')

const reviewResponse = z.object({
  id: z.uuid(),
  type: z.enum(reviewTypes),
  reference: z.string(),
  title: z.string(),
  status: z.enum(reviewStatuses),
  notifiedOn: isoDate,
  decisionOn: isoDate.nullable(),
  commissionedOn: isoDate.nullable(),
  publishedOn: isoDate.nullable(),
  closedOn: isoDate.nullable(),
  decision: z.enum(reviewDecisions).nullable(),
  decisionReason: z.string().nullable(),
  leadReviewer: z.string().nullable(),
  agencyIds: z.array(z.uuid()),
  themes: z.array(z.uuid()),
  summary: z.string().nullable(),
  reportUrl: z.string().nullable(),
  dueOn: isoDate
    .nullable()
    .describe('The statutory date the decision is due by; null when the type has none'),
  dueMissed: z
    .boolean()
    .describe('The statutory date has passed and the review still waits for its decision'),
})

const transitionResponse = z.object({
  from: z.enum(reviewStatuses).nullable(),
  to: z.enum(reviewStatuses),
  by: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
})

const findingResponse = z.object({
  id: z.uuid(),
  reviewId: z.uuid(),
  text: z.string(),
  themes: z.array(z.uuid()),
  createdAt: z.string(),
})

const recommendationResponse = z.object({
  id: z.uuid(),
  reviewId: z.uuid(),
  text: z.string(),
  addressedTo: z.enum(addressees),
  subgroupId: z.uuid().nullable(),
  agencyIds: z.array(z.uuid()),
  nationalBody: z.string().nullable(),
  response: z.enum(responses).nullable(),
  responseReason: z.string().nullable(),
  respondedAt: z.string().nullable(),
})

const reviewDetail = reviewResponse.extend({
  history: z.array(transitionResponse),
  findings: z.array(findingResponse),
  recommendations: z
    .array(recommendationResponse)
    .nullable()
    .describe('Null for those who may read only the published summary and findings'),
})

const idParams = z.object({ id: z.string().describe('The review’s id') })

const present = (r: ReviewView): z.infer<typeof reviewResponse> => ({
  id: r.id,
  type: r.type,
  reference: r.reference,
  title: r.title,
  status: r.status,
  notifiedOn: r.notifiedOn,
  decisionOn: r.decisionOn,
  commissionedOn: r.commissionedOn,
  publishedOn: r.publishedOn,
  closedOn: r.closedOn,
  decision: r.decision,
  decisionReason: r.decisionReason,
  leadReviewer: r.leadReviewer,
  agencyIds: r.agencyIds,
  themes: r.themes,
  summary: r.summary,
  reportUrl: r.reportUrl,
  dueOn: r.dueOn,
  dueMissed: r.dueMissed,
})

const presentTransition = (t: ReviewTransition): z.infer<typeof transitionResponse> => ({
  from: t.from,
  to: t.to,
  by: t.by,
  reason: t.reason,
  at: new Date(t.at).toISOString(),
})

const presentFinding = (f: Finding): z.infer<typeof findingResponse> => ({
  id: f.id,
  reviewId: f.reviewId,
  text: f.text,
  themes: f.themes,
  createdAt: new Date(f.createdAt).toISOString(),
})

const presentRecommendation = (m: Recommendation): z.infer<typeof recommendationResponse> => ({
  id: m.id,
  reviewId: m.reviewId,
  text: m.text,
  addressedTo: m.addressedTo,
  subgroupId: m.subgroupId,
  agencyIds: m.agencyIds,
  nationalBody: m.nationalBody,
  response: m.response,
  responseReason: m.responseReason,
  respondedAt: m.respondedAt ? new Date(m.respondedAt).toISOString() : null,
})

/**
 * The review register's API: reviews from notification to closing, findings, recommendations
 * and the board's responses, scoped to the token's partnership and to what its holder may see.
 */
export default async function reviewsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { reviews } = services
  const common = { security: [{ bearer: [] }], tags: ['reviews'] }

  api.get(
    '/api/v1/reviews',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        ...common,
        summary: 'The review register, newest notification first, as far as the token’s holder may see it',
        querystring: reviewFilterSchema,
        response: {
          200: z.object({
            items: z.array(reviewResponse),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, total } = await reviews.list(contextOf(request), request.query)
      return { items: items.map(present), total, page: request.query.page, pageSize: request.query.pageSize }
    },
  )

  api.post(
    '/api/v1/reviews',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Record a notified review; the title is anonymised, never a real name',
        body: reviewSchema,
        response: { 201: reviewResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await reviews.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/reviews/:id',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        ...common,
        summary: 'One review with its history, findings and, where the holder may see them, recommendations',
        params: idParams,
        response: { 200: reviewDetail, ...problemResponses },
      },
    },
    async (request) => {
      const detail = await reviews.detail(contextOf(request), request.params.id)
      return {
        ...present(detail.review),
        history: detail.history.map(presentTransition),
        findings: detail.findings.map(presentFinding),
        recommendations: detail.recommendations?.map(presentRecommendation) ?? null,
      }
    },
  )

  api.patch(
    '/api/v1/reviews/:id',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary:
          'Change a review; with `status`, move it to that status with the fields the move needs (409 when the move is out of order)',
        params: idParams,
        body: reviewChangeSchema,
        response: { 200: reviewResponse, ...problemResponses },
      },
    },
    async (request) => present(await reviews.change(contextOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/reviews/:id/findings',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Add a finding to a review',
        params: idParams,
        body: findingSchema,
        response: { 201: findingResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentFinding(await reviews.addFinding(contextOf(request), request.params.id, request.body))),
  )

  api.post(
    '/api/v1/reviews/:id/recommendations',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Add a recommendation to a review, with the board’s response if it has been given',
        params: idParams,
        body: recommendationSchema,
        response: { 201: recommendationResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentRecommendation(
            await reviews.addRecommendation(contextOf(request), request.params.id, request.body),
          ),
        ),
  )

  api.patch(
    '/api/v1/recommendations/:id',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Give or change the board’s response to a recommendation (a reason unless accepted)',
        params: z.object({ id: z.string().describe('The recommendation’s id') }),
        body: responseSchema,
        response: { 200: recommendationResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentRecommendation(await reviews.respond(contextOf(request), request.params.id, request.body)),
  )
}
