import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const compared = { value: z.number(), previous: z.number(), lastYear: z.number() }
const periodResponse = z.object({
  kind: z.enum(['quarter', 'year']),
  key: z.string().describe('2026-Q3, or 2026 for the financial year starting in 2026'),
  start: z.string().describe('The first day (YYYY-MM-DD)'),
  end: z.string().describe('The first day after (YYYY-MM-DD)'),
  label: z.string(),
})

export const signedOffResponse = z.object({
  version: z.number().int(),
  byName: z.string(),
  as: z.enum(['subgroup', 'executive']),
  at: z.string().describe('When it was signed off (ISO 8601)'),
  reason: z.string().nullable().describe('Why a version after the first was made'),
})

/** Reports to the board through the API: every figure beside the period before and a year earlier. */
export default async function reportsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/reports',
    {
      config: { access: ['admin', 'subgroup', 'executive'], api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['reports'],
        summary:
          'A quarter’s or a financial year’s report: each figure with the previous period’s and last year’s',
        querystring: z.object({
          period: z.string().optional().describe('A quarter of the financial year, like 2026-Q3'),
          year: z
            .string()
            .optional()
            .describe('A financial year, named by the calendar year it starts in, like 2026'),
        }),
        response: {
          200: z.object({
            id: z.string().describe('The report’s id: its period’s key, for signing off and the PDF'),
            status: z
              .enum(['draft', 'signed_off', 'correcting'])
              .describe('signed_off: the figures are as they were signed off, and never change'),
            signedOff: signedOffResponse.nullable().describe('The latest signed-off version'),
            correctionReason: z.string().nullable(),
            narrative: z.object({ executiveSummary: z.string(), sections: z.record(z.string(), z.string()) }),
            period: periodResponse,
            previous: periodResponse,
            sameLastYear: periodResponse,
            sections: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                figures: z.array(
                  z.object({
                    id: z.string(),
                    label: z.string(),
                    unit: z
                      .enum(['count', 'percent', 'tenths', 'pence'])
                      .describe(
                        'percent: a whole percentage; tenths: a score times ten, 73 for 7.3; pence: money in whole pence, 123450 for £1,234.50',
                      ),
                    ...compared,
                  }),
                ),
                breakdowns: z.array(
                  z.object({
                    id: z.string(),
                    title: z.string(),
                    aboutPeople: z
                      .boolean()
                      .describe('Counts of people: small ones are suppressed where published'),
                    unit: z
                      .enum(['count', 'percent', 'tenths'])
                      .describe('The rows’ values: counts, whole percentages, or scores in tenths'),
                    rows: z.array(z.object({ key: z.string(), label: z.string(), ...compared })),
                  }),
                ),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      const period = await services.reports.period(ctx, request.query)
      const { report, versions: _versions, ...board } = await services.boardReports.report(ctx, period.key)
      // Every breakdown says what its values are; counts unless it says otherwise.
      const sections = report.sections.map((s) => ({
        ...s,
        breakdowns: s.breakdowns.map((b) => ({ ...b, unit: b.unit ?? ('count' as const) })),
      }))
      return { ...board, ...report, sections }
    },
  )
}
