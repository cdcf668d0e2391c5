import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { applicationSchema, applicationStatuses } from './forms.ts'
import type { Application } from './queries.ts'

export const applicationResponse = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  personId: z.uuid(),
  name: z.string(),
  agencyId: z.uuid(),
  managerEmail: z.string(),
  acceptsOtherDates: z.boolean(),
  status: z.enum(applicationStatuses),
  reason: z.string().nullable().describe('The plain reason for the latest decision'),
  position: z.number().int().nullable().describe('The place on the waiting list, when waiting'),
  awaitingApproval: z.boolean().describe('Held for the agency lead’s approval after repeated no-shows'),
  appliedAt: z.string(),
})

export const present = (a: Application): z.infer<typeof applicationResponse> => ({
  id: a.id,
  sessionId: a.sessionId,
  personId: a.personId,
  name: a.name,
  agencyId: a.agencyId,
  managerEmail: a.managerEmail,
  acceptsOtherDates: a.acceptsOtherDates,
  status: a.status,
  reason: a.reason,
  position: a.status === 'waiting' ? a.waitingPosition : null,
  awaitingApproval: a.awaitingApproval,
  appliedAt: a.appliedAt.toISOString(),
})

const idParams = z.object({ id: z.string().describe('The session’s id') })

/** Applying for sessions through the API. */
export default async function bookingApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { booking } = services
  const common = { security: [{ bearer: [] }], tags: ['booking'] }

  api.post(
    '/api/v1/sessions/:id/applications',
    {
      // Anyone signed in may apply for themselves; the service decides for whom else.
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Apply for a place: for yourself, or as an agency lead for your staff',
        params: idParams,
        body: applicationSchema,
        response: { 201: applicationResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(present(await booking.apply(contextOf(request), request.params.id, request.body))),
  )

  api.get(
    '/api/v1/sessions/:id/applications',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        summary: 'A session’s applications with their status (an agency lead sees their agencies’ only)',
        params: idParams,
        response: { 200: z.object({ items: z.array(applicationResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await booking.applications(contextOf(request), request.params.id)).map(present),
    }),
  )
}
