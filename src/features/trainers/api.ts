import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { approvalFilterSchema, approvalPatchSchema, approvalSchema } from './forms.ts'
import type { PoolMember } from './service.ts'

/** An approval as the API gives it; the CPD questionnaire's answer lists the renewed ones the same way. */
export const approvalResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  name: z.string(),
  courseId: z.uuid(),
  courseTitle: z.string(),
  trainedOn: z.string(),
  cpdCompletedOn: z.string().nullable(),
  expiresOn: z.string().describe('The last day the approval stands without a later CPD questionnaire'),
  approved: z.boolean().describe('Whether the approval stands today'),
  withdrawnReason: z.string().nullable(),
})

export const presentApproval = (m: PoolMember): z.infer<typeof approvalResponse> => ({
  id: m.id,
  personId: m.personId,
  name: m.name,
  courseId: m.courseId,
  courseTitle: m.courseTitle,
  trainedOn: m.trainedOn,
  cpdCompletedOn: m.cpdCompletedOn,
  expiresOn: m.expiresOn,
  approved: m.standing.approved,
  withdrawnReason: m.withdrawnReason,
})

const idParams = z.object({ id: z.string().describe('The approval’s id') })
const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const

/** The trainer pool through the API. */
export default async function trainersApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { trainers } = services
  const common = { security: [{ bearer: [] }], tags: ['programme'] }

  api.get(
    '/api/v1/trainers',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'The trainer pool: who may deliver which course, and until when',
        querystring: approvalFilterSchema,
        response: { 200: z.object({ items: z.array(approvalResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await trainers.pool(contextOf(request), request.query)).map(presentApproval),
    }),
  )

  api.post(
    '/api/v1/trainers',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Approve a person who completed train-the-trainer to deliver a course',
        body: approvalSchema,
        response: { 201: approvalResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentApproval(await trainers.approve(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/trainers/:id',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'One approval',
        params: idParams,
        response: { 200: approvalResponse, ...problemResponses },
      },
    },
    async (request) => presentApproval(await trainers.approval(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/trainers/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary:
          'Withdraw the approval with a reason (or, kept for older clients, set the date of the last CPD questionnaire)',
        description:
          'Record the CPD questionnaire itself with POST /api/v1/trainers/{id}/cpd, which keeps the answers on the trainer’s record and renews all their approvals. cpdCompletedOn here only moves this approval’s date, with no questionnaire kept.',
        params: idParams,
        body: approvalPatchSchema,
        response: { 200: approvalResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentApproval(await trainers.change(contextOf(request), request.params.id, request.body)),
  )
}
