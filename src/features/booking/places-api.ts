import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { applicationResponse, present } from './api.ts'
import type { Allocation } from './shortlisting.ts'

const allocationResponse = z.object({
  sessionId: z.uuid(),
  seed: z.number().int().nullable().describe('The seed of the random draw, to repeat the allocation'),
  proposedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  places: z.number().int(),
  allocated: z.array(applicationResponse).describe('In order of place, each with the reason for it'),
  waiting: z.array(applicationResponse).describe('The waiting list in order'),
  message: z.string().nullable().describe('Said when there was nothing to allocate'),
})

const presentAllocation = (a: Allocation): z.infer<typeof allocationResponse> => ({
  sessionId: a.sessionId,
  seed: a.seed,
  proposedAt: a.proposedAt?.toISOString() ?? null,
  confirmedAt: a.confirmedAt?.toISOString() ?? null,
  places: a.places,
  allocated: a.allocated.map(present),
  waiting: a.waiting.map(present),
  message: a.message,
})

const sessionParams = z.object({ id: z.string().describe('The session’s id') })
const bookingParams = z.object({ id: z.string().describe('The booking’s id: its application’s id') })

/** Shortlisting, and changing a place once given: cancelling, substituting, accepting an offer, moving date. */
export default async function placesApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { booking } = services
  const common = { security: [{ bearer: [] }], tags: ['booking'] }

  api.post(
    '/api/v1/sessions/:id/shortlist',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Allocate the session’s places now and confirm them; everyone is told',
        params: sessionParams,
        body: z
          .object({
            seed: z
              .number()
              .int()
              .min(0)
              .max(2 ** 32 - 1)
              .optional()
              .describe('A seed for the random draw; a new one is drawn and recorded when left out'),
          })
          .strict()
          .nullish(),
        response: { 200: allocationResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentAllocation(
        await booking.shortlistNow(contextOf(request), request.params.id, { seed: request.body?.seed }),
      ),
  )

  api.get(
    '/api/v1/sessions/:id/allocation',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'The session’s allocation as it stands, proposed or confirmed, with reasons',
        params: sessionParams,
        response: { 200: allocationResponse, ...problemResponses },
      },
    },
    async (request) => presentAllocation(await booking.allocation(contextOf(request), request.params.id)),
  )

  api.get(
    '/api/v1/bookings/:id',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'A booking or application: the person’s own, their agency’s for a lead, any for an admin',
        params: bookingParams,
        response: { 200: applicationResponse, ...problemResponses },
      },
    },
    async (request) => present(await booking.booking(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/bookings/:id/cancel',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Cancel a place or withdraw an application, in writing; late notice is charged',
        params: bookingParams,
        body: z
          .object({
            note: z
              .string()
              .trim()
              .max(2000, { message: 'The note must be 2,000 characters or fewer' })
              .optional()
              .describe('What the person wrote, kept with the cancellation'),
          })
          .strict()
          .nullish(),
        response: {
          200: z.object({
            booking: applicationResponse,
            sufficientNotice: z.boolean(),
            chargePence: z.number().int().describe('The late-cancellation charge; 0 when none'),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const outcome = await booking.cancel(contextOf(request), request.params.id, request.body?.note || null)
      return { ...outcome, booking: present(outcome.booking) }
    },
  )

  api.post(
    '/api/v1/bookings/:id/substitute',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Pass a confirmed place to a colleague from the same agency, without charge',
        params: bookingParams,
        body: z
          .object({
            personId: z.uuid({ message: 'Select who is going instead' }),
            managerEmail: z
              .email({
                message:
                  'Enter the line manager’s email address in the correct format, like name@example.com',
              })
              .max(320)
              .optional(),
          })
          .strict(),
        response: {
          200: z.object({ booking: applicationResponse, replaced: applicationResponse }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const outcome = await booking.substitute(contextOf(request), request.params.id, request.body)
      return { booking: present(outcome.booking), replaced: present(outcome.replaced) }
    },
  )

  api.post(
    '/api/v1/bookings/:id/accept',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Accept a place offered from the waiting list, before its deadline',
        params: bookingParams,
        response: { 200: applicationResponse, ...problemResponses },
      },
    },
    async (request) => present(await booking.accept(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/applications/:id/move',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Move an application to another date of the same course, before places are allocated',
        params: bookingParams,
        body: z.object({ sessionId: z.uuid({ message: 'Select another date' }) }).strict(),
        response: { 200: applicationResponse, ...problemResponses },
      },
    },
    async (request) =>
      present(await booking.move(contextOf(request), request.params.id, request.body.sessionId)),
  )

  api.post(
    '/api/v1/applications/:id/approve',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        summary: 'Approve an application held after repeated no-shows (a lead of their agency, or an admin)',
        params: bookingParams,
        response: { 200: applicationResponse, ...problemResponses },
      },
    },
    async (request) => present(await booking.approve(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/applications/:id/waiting-position',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Put someone at a position on the waiting list, with a reason',
        params: bookingParams,
        body: z
          .object({
            position: z.number().int().min(1, { message: 'Enter a position of 1 or more' }),
            reason: z.string().trim().min(1, { message: 'Enter why' }).max(300),
          })
          .strict(),
        response: { 200: applicationResponse, ...problemResponses },
      },
    },
    async (request) =>
      present(
        await booking.reorderWaiting(
          contextOf(request),
          request.params.id,
          request.body.position,
          request.body.reason,
        ),
      ),
  )
}
