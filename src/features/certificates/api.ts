import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const certificateResponse = z.object({
  id: z.uuid(),
  code: z.string(),
  bookingId: z.uuid(),
  course: z.string(),
  deliveredOn: z.string(),
  issuedAt: z.string(),
})

/** Certificates through the API: a person's, and checking a code. */
export default async function certificatesApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { certificates } = services
  const rateLimit = openToAnyoneLimit(services.config)

  api.get(
    '/api/v1/people/:id/certificates',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['certificates'],
        summary: 'A person’s certificates: your own, your agencies’ staff’s, or anyone’s for an admin',
        params: z.object({ id: z.string().describe('The person’s id') }),
        response: { 200: z.object({ items: z.array(certificateResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await certificates.ofPerson(contextOf(request), request.params.id)).map((c) => ({
        id: c.id,
        code: c.code,
        bookingId: c.applicationId,
        course: c.courseTitle,
        deliveredOn: new Date(c.startsAt).toISOString().slice(0, 10),
        issuedAt: new Date(c.issuedAt).toISOString(),
      })),
    }),
  )

  api.get(
    '/api/v1/certificates/:code',
    {
      // Anyone holding a code may check it; the answer says only whose it is and for what.
      config: { access: 'public', api: true, rateLimit },
      schema: {
        tags: ['certificates'],
        summary: 'Check a certificate’s verification code',
        params: z.object({
          code: z.string().max(40).describe('The code printed on the certificate, like 7KQX-M2RD-9PTA'),
        }),
        response: {
          200: z.object({
            code: z.string(),
            partnership: z.string(),
            person: z.string(),
            course: z.string(),
            deliveredOn: z.string(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const found = await certificates.verify(request.params.code)
      if (!found) throw new NotFoundError('Certificate')
      return {
        code: found.code,
        partnership: found.partnership,
        person: found.person,
        course: found.course,
        deliveredOn: found.deliveredOn,
      }
    },
  )
}
