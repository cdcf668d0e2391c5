import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { sendExport } from './download.ts'
import { erasureForm } from './forms.ts'

const params = z.object({ id: z.string().max(40).describe('The person’s id') })

/** Subject access and erasure through the API. */
export default async function subjectRequestsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { subjectRequests } = services
  const common = { security: [{ bearer: [] }], tags: ['people'] }

  api.get(
    '/api/v1/people/:id/export',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Everything held about a person, as a zip (subject access)',
        description:
          'One JSON file per kind of record (their record, applications, register marks, charges, certificates, evaluations, evidence, audit trail entries and every other record referring to them), their evidence files where small enough, and a readable PDF summary. The request is recorded.',
        params,
        response: problemResponses,
      },
    },
    async (request, reply) => {
      const file = await subjectRequests.export(contextOf(request), request.params.id)
      return sendExport(reply, file)
    },
  )

  api.post(
    '/api/v1/people/:id/erasure',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Erases a person on request, keeping what the law requires kept, and says which',
        description:
          'Names, emails and free text replaced; figures kept so past reports still add up; the sign-in account disabled. Records that must be kept (an issued invoice’s lines) are refused with the legal reason. Asked again, answers with the first erasure’s outcome and changes nothing.',
        params,
        body: erasureForm,
        response: {
          200: z.object({
            outcome: z.enum(['erased', 'partly-refused']),
            erased: z.array(z.string()),
            refused: z.array(z.object({ record: z.string(), reason: z.string() })),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => subjectRequests.erase(contextOf(request), request.params.id, request.body),
  )
}
