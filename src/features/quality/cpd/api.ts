import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { approvalResponse, presentApproval } from '#features/trainers/api.ts'
import { ValidationError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { cpdReturnSchema } from './forms.ts'
import { tenthsOf } from './rules.ts'

const cpdResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  completedOn: z.string(),
  activities: z.string(),
  hours: z.number().describe('Hours of CPD, to one decimal place'),
  deliveryUpdates: z.string(),
  reviewIds: z.array(z.uuid()),
  approvals: z.array(approvalResponse).describe('The trainer’s approvals, each renewed for a year'),
})

/** The annual CPD questionnaire through the API. */
export default async function cpdApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.post(
    '/api/v1/trainers/:id/cpd',
    {
      config: { access: ['admin'], api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['programme'],
        summary: 'Record a trainer’s annual CPD questionnaire, renewing their approvals for a year',
        description:
          'Renews every approval of the trainer that is not withdrawn, lapsed ones too, from the day it was returned. Refused with 409, changing nothing, for someone not in the pool.',
        params: z.object({
          id: z
            .string()
            .describe(
              'The trainer: their person id, or the id of any of their approvals (as GET /api/v1/trainers gives)',
            ),
        }),
        body: cpdReturnSchema,
        response: { 201: cpdResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { hours, ...body } = request.body
      const tenths = tenthsOf(hours)
      if (tenths === null)
        throw new ValidationError([
          { field: 'hours', text: 'Give the hours as a number between 0.1 and 10,000, to one decimal place' },
        ])
      const { cpdReturn, approvals } = await services.trainerCpd.record(
        contextOf(request),
        request.params.id,
        {
          completedOn: body.completedOn ?? null,
          activities: body.activities,
          tenths,
          deliveryUpdates: body.deliveryUpdates,
          reviewIds: body.reviewIds,
        },
      )
      return reply.status(201).send({
        id: cpdReturn.id,
        personId: cpdReturn.personId,
        completedOn: cpdReturn.completedOn,
        activities: cpdReturn.activities,
        hours: cpdReturn.tenths / 10,
        deliveryUpdates: cpdReturn.deliveryUpdates,
        reviewIds: cpdReturn.reviewIds,
        approvals: approvals.map(presentApproval),
      })
    },
  )
}
