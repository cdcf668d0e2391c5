import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { actionStatuses } from '#features/actions/index.ts'
import { planOutcomes, stages } from '#features/evaluation/stages.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

const periodResponse = z.object({
  kind: z.enum(['quarter', 'year']),
  key: z.string().describe('2026-Q3: the third quarter of the financial year starting in 2026'),
  start: z.string().describe('The first day (YYYY-MM-DD)'),
  end: z.string().describe('The first day after (YYYY-MM-DD)'),
  label: z.string(),
})
const withheld = (about: string) =>
  z.number().nullable().describe(`${about}; null where withheld, as fewer than 5 people answered`)

const digestResponse = z.object({
  agency: z.object({
    id: z.string(),
    name: z.string(),
    headcount: z.number().describe('Declared, or else the active people in the directory'),
    headcountDeclared: z.boolean(),
  }),
  period: periodResponse,
  previous: periodResponse,
  sameLastYear: periodResponse,
  today: z.string(),
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
            .describe('percent: a whole percentage; tenths: a score of 0 to 10 times ten; pence: money'),
          value: withheld('This quarter'),
          previous: withheld('The quarter before'),
          lastYear: withheld('The same quarter a year earlier'),
        }),
      ),
    }),
  ),
  compliance: z
    .object({
      onPathway: z.number(),
      current: z.number(),
      dueSoon: z.number(),
      overdue: z.number(),
      notEvidenced: z.number(),
      noPathway: z.number(),
      upToDatePercent: z.number(),
    })
    .describe('The agency’s current staff against their training pathways today'),
  returnsDue: z
    .array(
      z.object({
        productId: z.string(),
        productTitle: z.string(),
        firstSentOn: z.string(),
        stage: z
          .enum(['waiting', 'remind', 'overdue'])
          .describe('remind: past the reminder; overdue: past a second period'),
      }),
    )
    .describe('Learning products sent to the agency that it has not answered'),
  actions: z.object({
    open: z.number(),
    overdue: z.number(),
    items: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        sourceText: z.string(),
        dueOn: z.string(),
        status: z.enum(actionStatuses),
        overdue: z.boolean(),
      }),
    ),
  }),
  evaluation: z.object({
    responses: z.array(z.object({ stage: z.enum(stages), eligible: z.number(), responded: z.number() })),
    confidence: z.array(
      z.object({
        label: z.string(),
        atBooking: withheld('Average confidence, 0 to 10'),
        afterCourse: withheld('Average confidence, 0 to 10'),
        followUp: withheld('Average confidence, 0 to 10'),
        change: withheld('From booking to the latest stage'),
      }),
    ),
    plans: z.array(z.object({ outcome: z.enum(planOutcomes), n: z.number() })),
  }),
})

/** An agency's quarterly digest through the API, for its leads and the partnership's admins. */
export default async function digestApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/agencies/:id/digest',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['reports'],
        summary:
          'An agency’s quarter: uptake, no-shows and charges, compliance, learning to pass on, actions and evaluation',
        params: z.object({ id: z.string().describe('The agency’s id') }),
        querystring: z.object({
          period: z
            .string()
            .optional()
            .describe('A quarter of the financial year, like 2026-Q3; this quarter so far when left out'),
        }),
        response: { 200: digestResponse, ...problemResponses },
      },
    },
    async (request) =>
      services.agencyDigests.digest(contextOf(request), request.params.id, { period: request.query.period }),
  )
}
