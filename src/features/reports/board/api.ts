import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { signedOffResponse } from '../api.ts'

const params = z.object({
  id: z.string().max(20).describe('The report’s period: 2026-Q3, or 2026 for a financial year'),
})

/** Signing a report to the board off, correcting it, and its PDF, through the API. */
export default async function boardReportsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { boardReports } = services
  const common = { security: [{ bearer: [] }], tags: ['reports'] }

  api.post(
    '/api/v1/reports/:id/sign-off',
    {
      config: { access: ['subgroup', 'executive'], api: true },
      schema: {
        ...common,
        summary: 'Signs a report off, freezing its figures and words as its next version',
        description:
          'Only once the period has ended. A signed-off report is refused a second sign-off (409) until a correction is opened.',
        params,
        response: { 200: z.object({ id: z.string(), signedOff: signedOffResponse }), ...problemResponses },
      },
    },
    async (request) => {
      const signed = await boardReports.signOff(contextOf(request), request.params.id)
      return { id: signed.id, signedOff: signed.signedOff as NonNullable<typeof signed.signedOff> }
    },
  )

  api.put(
    '/api/v1/reports/:id/narrative',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary:
          'Writes the executive summary and each section’s narrative, before sign-off or while correcting',
        params,
        body: z.object({
          executiveSummary: z.string().max(5000),
          sections: z.record(z.string(), z.string().max(5000)).describe('By section id'),
        }),
        response: { 204: z.null().describe('Saved'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { executiveSummary, sections } = request.body
      const input = Object.fromEntries([
        ['executiveSummary', executiveSummary],
        ...Object.entries(sections).map(([id, text]) => [`section-${id}`, text]),
      ])
      await boardReports.writeNarrative(contextOf(request), request.params.id, input)
      return reply.status(204).send(null)
    },
  )

  api.post(
    '/api/v1/reports/:id/corrections',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary:
          'Opens a correction of a signed-off report, with its reason: the next sign-off makes a new version',
        params,
        body: z.object({ reason: z.string() }),
        response: { 204: z.null().describe('Opened'), ...problemResponses },
      },
    },
    async (request, reply) => {
      await boardReports.startCorrection(contextOf(request), request.params.id, request.body)
      return reply.status(204).send(null)
    },
  )

  api.get(
    '/api/v1/reports/:id.pdf',
    {
      config: { access: ['admin', 'subgroup', 'executive'], api: true },
      schema: {
        ...common,
        summary: 'The report as a PDF: the signed-off version as it was made, or the draft as it stands',
        params,
        querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
        response: problemResponses,
      },
    },
    async (request, reply) => {
      const { filename, content } = await boardReports.pdf(
        contextOf(request),
        request.params.id,
        request.query.version,
      )
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(content as never)
    },
  )
}
