import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { marks } from './rules.ts'

const markSchema = z
  .object({
    personId: z.uuid({ message: 'Give the id of a person with a place on the session' }),
    part: z.number().int().min(1, { message: 'Parts are numbered from 1' }),
    mark: z.enum(marks, { message: `A mark is one of ${marks.join(', ')}` }),
    reason: z
      .string()
      .trim()
      .max(1000, { message: 'The reason must be 1,000 characters or fewer' })
      .optional()
      .describe('Why a mark is corrected after the session; needed then'),
  })
  .strict()

const rowResponse = z.object({
  personId: z.uuid(),
  bookingId: z.uuid(),
  name: z.string(),
  agencyId: z.uuid(),
  marks: z.array(z.object({ part: z.number().int(), mark: z.enum(marks) })),
})

/** Taking a session's register through the API. */
export default async function registerApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { register } = services

  api.put(
    '/api/v1/sessions/:id/register',
    {
      // The session's own trainers and admins; the service checks the trainer is on it.
      config: { access: ['admin', 'trainer'], api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['register'],
        summary: 'Mark the register: each mark replaces any earlier one for that person and part',
        params: z.object({ id: z.string().describe('The session’s id') }),
        body: z
          .object({ marks: z.array(markSchema).min(1, { message: 'Give at least one mark' }).max(2000) })
          .strict(),
        response: { 200: z.object({ items: z.array(rowResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await register.mark(contextOf(request), request.params.id, request.body.marks)).map((r) => ({
        personId: r.personId,
        bookingId: r.applicationId,
        name: r.name,
        agencyId: r.agencyId,
        marks: r.marks,
      })),
    }),
  )
}
