import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { returnStatuses, scaleRatings } from '../words.ts'
import { changes } from './rules.ts'
import type { Results } from './service.ts'
import { resultsUsers } from './service.ts'

const rating = z.enum([...scaleRatings.four_point, ...scaleRatings.rag])

const resultsResponse = z.object({
  cycleId: z.uuid(),
  title: z.string(),
  previousCycleId: z
    .uuid()
    .nullable()
    .describe('The cycle of the same template before this one, compared with'),
  completion: z.object(Object.fromEntries([...returnStatuses, 'total'].map((s) => [s, z.number().int()]))),
  items: z
    .array(
      z.object({
        agencyId: z.uuid(),
        agencyName: z.string(),
        standardId: z.uuid(),
        ref: z.string(),
        rating: rating
          .nullable()
          .describe('The agency’s own rating; null when not answered or not submitted'),
        finalRating: rating
          .nullable()
          .describe('The rating a challenge event revised it to, else the agency’s own'),
        previousRating: rating
          .nullable()
          .describe('The agency’s final rating of the standard with this ref last cycle'),
        change: z.enum(changes).nullable(),
      }),
    )
    .describe('One per agency shown and standard; an agency lead gets only their own agency'),
  aggregate: z
    .array(
      z.object({ standardId: z.uuid(), ref: z.string(), counts: z.record(z.string(), z.number().int()) }),
    )
    .describe('Per standard, how many agencies end at each rating, over every agency'),
})

function present(r: Results): z.infer<typeof resultsResponse> {
  return {
    cycleId: r.cycle.id,
    title: r.cycle.title,
    previousCycleId: r.cycle.previousCycleId,
    completion: r.completion,
    items: r.columns.flatMap((col) =>
      r.standards.map((s) => {
        const c = r.cells[`${col.agencyId} ${s.id}`]
        return {
          agencyId: col.agencyId,
          agencyName: col.agencyName,
          standardId: s.id,
          ref: s.ref,
          rating: c?.rating ?? null,
          finalRating: c?.finalRating ?? null,
          previousRating: c?.previousRating ?? null,
          change: c?.change ?? null,
        }
      }),
    ),
    aggregate: r.standards.map((s) => ({ standardId: s.id, ref: s.ref, counts: r.aggregate[s.id] ?? {} })),
  }
}

/** A cycle's results through the API: per agency per standard, with completion and the aggregate. */
export default async function auditResultsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  api.get(
    '/api/v1/audit-cycles/:id/results',
    {
      config: { access: resultsUsers, api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['audits'],
        summary:
          'A cycle’s results: each agency’s rating, final rating, previous rating and change per standard, completion counts and the partnership-wide aggregate',
        params: z.object({ id: z.string().describe('The cycle’s id') }),
        response: { 200: resultsResponse, ...problemResponses },
      },
    },
    async (request) => present(await services.auditResults.results(contextOf(request), request.params.id)),
  )
}
