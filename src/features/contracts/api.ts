import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { londonDateOf } from '#platform/clock.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { contractPatchSchema, contractSchema, contractStatuses, deliveryFormats, payers } from './forms.ts'
import type { Contract } from './queries.ts'
import { isDueForReview } from './rules.ts'

const contractResponse = z.object({
  id: z.uuid(),
  providerName: z.string(),
  providerContactName: z.string().nullable(),
  providerContactEmail: z.string().nullable(),
  providerContactPhone: z.string().nullable(),
  courseId: z.uuid().nullable(),
  trainingType: z.string(),
  expectedOutcomes: z.string(),
  impactMeasures: z.string(),
  materials: z.string(),
  materialsOwnership: z.string(),
  deliveryFormat: z.enum(deliveryFormats),
  relevantPolicies: z.string(),
  venuePaidBy: z.enum(payers),
  venueCostPence: z.number().int().describe('Whole pence'),
  trainerPaidBy: z.enum(payers),
  trainerCostPence: z.number().int().describe('Whole pence'),
  otherCosts: z.string(),
  startsOn: z.string().describe('YYYY-MM-DD'),
  reviewOn: z.string().describe('YYYY-MM-DD'),
  status: z.enum(contractStatuses),
  dueForReview: z.boolean().describe('Active, with its review date past or within the next 30 days'),
})

const idParams = z.object({ id: z.string().describe('The record’s id') })
const listQuery = z.object({
  due: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only contracts due for review; false: only those not due'),
})

/** The contracts API: commissioned training, admins only, amounts in whole pence. */
export default async function contractsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { contracts, clock } = services
  const common = { security: [{ bearer: [] }], tags: ['programme'] }

  const present = (c: Contract): z.infer<typeof contractResponse> => {
    const { courseTitle: _title, updatedAt: _updated, ...fields } = c
    return { ...fields, dueForReview: isDueForReview(c, londonDateOf(clock.now())) }
  }

  api.get(
    '/api/v1/contracts',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'List training contracts, those due for review first',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(contractResponse) }), ...problemResponses },
      },
    },
    async (request) => {
      const { due, others } = await contracts.list(contextOf(request))
      const items =
        request.query.due === 'true' ? due : request.query.due === 'false' ? others : [...due, ...others]
      return { items: items.map(present) }
    },
  )

  api.post(
    '/api/v1/contracts',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Record a training contract (the review date defaults to a year after the start)',
        body: contractSchema,
        response: { 201: contractResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await contracts.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/contracts/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'One training contract',
        params: idParams,
        response: { 200: contractResponse, ...problemResponses },
      },
    },
    async (request) => present(await contracts.contract(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/contracts/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Change a training contract: after a review, move its review date on',
        params: idParams,
        body: contractPatchSchema,
        response: { 200: contractResponse, ...problemResponses },
      },
    },
    async (request) => present(await contracts.change(contextOf(request), request.params.id, request.body)),
  )
}
