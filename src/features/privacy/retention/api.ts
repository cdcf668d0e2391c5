import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { retentionKinds } from './rules.ts'

const previewResponse = z.object({
  today: z.string().describe('The date the periods count back from (YYYY-MM-DD, Europe/London)'),
  kinds: z.array(
    z.object({
      kind: z.enum(retentionKinds),
      years: z.number().describe('The policy’s retention period for this kind, in whole years'),
      olderThan: z.string().describe('Records dated before this day (YYYY-MM-DD) are due'),
      count: z.number().describe('How many records a run now would anonymise'),
      sample: z
        .array(
          z.object({
            id: z.string(),
            label: z.string().describe('What the record is, without personal data'),
          }),
        )
        .describe('The first few records due, by id'),
    }),
  ),
})

/** A dry run of retention through the API: what the monthly job would anonymise now. */
export default async function retentionApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/retention/preview',
    {
      config: { access: ['admin'], api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['privacy'],
        summary: 'What the retention job would anonymise now, per kind of record, changing nothing',
        querystring: z.object({
          sample: z.coerce
            .number()
            .int()
            .min(0)
            .max(100)
            .default(10)
            .describe('How many records of each kind to list'),
        }),
        response: { 200: previewResponse, ...problemResponses },
      },
    },
    async (request) => services.retention.preview(contextOf(request), request.query.sample),
  )
}
