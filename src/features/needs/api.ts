import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { deliveryMethods } from '#features/courses/forms.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  decisionSchema,
  identificationSources,
  needFilterSchema,
  needSchema,
  needStatuses,
  proposalSchema,
} from './forms.ts'
import type { Need, NeedProposal, NeedTransition } from './queries.ts'
import { daysOf, rolesFor } from './rules.ts'
import { needRequesters } from './service.ts'

const proposalResponse = z.object({
  recommendedMethod: z.enum(deliveryMethods),
  estimatedDeliveryDays: z.number(),
  estimatedCostPence: z.number().int(),
  financialYear: z.number().int(),
  summary: z.string().nullable(),
})

const needResponse = z.object({
  id: z.uuid(),
  status: z.enum(needStatuses),
  identifiedBy: z.enum(identificationSources),
  identifiedOther: z.string().nullable(),
  practiceChange: z.string(),
  targetAudience: z.string(),
  effectivenessMeasure: z.string(),
  preferredMethods: z.array(z.enum(deliveryMethods)),
  themes: z.array(z.uuid()),
  findings: z.array(z.uuid()).describe('The case-review findings the request asks learning for'),
  requestedBy: z.object({ userId: z.uuid(), name: z.string() }).nullable(),
  proposal: proposalResponse.nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  courseId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const transitionResponse = z.object({
  from: z.enum(needStatuses).nullable(),
  to: z.enum(needStatuses),
  by: z.string().nullable(),
  reason: z.string().nullable(),
  proposal: proposalResponse.nullable(),
  at: z.string(),
})

const needWithHistory = needResponse.extend({ history: z.array(transitionResponse) })

const idParams = z.object({ id: z.string().describe('The need’s id') })

const presentProposal = (p: NeedProposal | null): z.infer<typeof proposalResponse> | null =>
  p && {
    recommendedMethod: p.recommendedMethod,
    estimatedDeliveryDays: daysOf(p.estimatedDeliveryHalfDays),
    estimatedCostPence: p.estimatedCostPence,
    financialYear: p.financialYear,
    summary: p.summary,
  }

const present = (n: Need): z.infer<typeof needResponse> => ({
  id: n.id,
  status: n.status,
  identifiedBy: n.identifiedBy,
  identifiedOther: n.identifiedOther,
  practiceChange: n.practiceChange,
  targetAudience: n.targetAudience,
  effectivenessMeasure: n.effectivenessMeasure,
  preferredMethods: n.preferredMethods,
  themes: n.themes,
  findings: n.findings,
  requestedBy: n.requestedBy ? { userId: n.requestedBy, name: n.requesterName ?? '' } : null,
  proposal: presentProposal(n.proposal),
  decisionReason: n.decisionReason,
  decidedAt: n.decidedAt?.toISOString() ?? null,
  courseId: n.courseId,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
})

const presentTransition = (t: NeedTransition): z.infer<typeof transitionResponse> => ({
  from: t.from,
  to: t.to,
  by: t.by,
  reason: t.reason,
  proposal: presentProposal(t.proposal),
  at: new Date(t.at).toISOString(),
})

/**
 * The needs analysis API: requests for learning, the sub-group's proposals and the
 * executive's decisions, scoped to the token's partnership. Planners see every need; anyone
 * else sees only their own.
 */
export default async function needsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { needs } = services
  const common = { security: [{ bearer: [] }], tags: ['programme'] }

  api.get(
    '/api/v1/needs',
    {
      config: { access: needRequesters, api: true },
      schema: {
        ...common,
        summary: 'List training needs analysis requests, newest first (planners see all, others their own)',
        querystring: needFilterSchema,
        response: {
          200: z.object({
            items: z.array(needResponse),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, total } = await needs.list(contextOf(request), request.query)
      return { items: items.map(present), total, page: request.query.page, pageSize: request.query.pageSize }
    },
  )

  api.post(
    '/api/v1/needs',
    {
      config: { access: needRequesters, api: true },
      schema: {
        ...common,
        summary:
          'Request learning: a training needs analysis request (the requester is emailed at each step)',
        body: needSchema,
        response: { 201: needResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await needs.submit(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/needs/:id',
    {
      config: { access: needRequesters, api: true },
      schema: {
        ...common,
        summary: 'One need, with the history of every step it has taken',
        params: idParams,
        response: { 200: needWithHistory, ...problemResponses },
      },
    },
    async (request) => {
      const { need, history } = await needs.needWithHistory(contextOf(request), request.params.id)
      return { ...present(need), history: history.map(presentTransition) }
    },
  )

  api.post(
    '/api/v1/needs/:id/proposal',
    {
      config: { access: rolesFor('propose'), api: true },
      schema: {
        ...common,
        summary: 'Propose how to meet a requested need, or change the proposal until the executive decides',
        params: idParams,
        body: proposalSchema,
        response: { 200: needResponse, ...problemResponses },
      },
    },
    async (request) => present(await needs.propose(contextOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/needs/:id/decision',
    {
      // Endorsing and declining are made by the same roles.
      config: { access: rolesFor('endorse'), api: true },
      schema: {
        ...common,
        summary: 'Endorse or decline a proposal (declining needs a reason); the decision is final',
        params: idParams,
        body: decisionSchema,
        response: { 200: needResponse, ...problemResponses },
      },
    },
    async (request) => present(await needs.decide(contextOf(request), request.params.id, request.body)),
  )
}
