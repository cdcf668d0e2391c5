import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { FindingWithTrace } from './findings-trace-service.ts'
import { reviewReaders } from './visibility.ts'

// Course and session pages are the planners'; others see the training named, not linked.
const coursePlanners = ['admin', 'subgroup', 'executive', 'trainer'] as const

const findingTrace = z.object({
  id: z.uuid(),
  text: z.string(),
  reviewId: z.uuid(),
  themes: z.array(z.object({ id: z.uuid(), name: z.string() })),
  courses: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      citedInVersion: z.number().int().nullable(),
      citedAt: z.string(),
      attended: z.number().int(),
      sessions: z.array(
        z.object({ id: z.uuid(), startsAt: z.string(), status: z.string(), attended: z.number().int() }),
      ),
    }),
  ),
  needs: z.array(z.object({ id: z.uuid(), status: z.string(), citedAt: z.string() })),
  needsCiting: z.number().int(),
  attendedSince: z
    .number()
    .int()
    .describe('People who attended a citing course’s session since it was cited'),
})

const present = (f: FindingWithTrace): z.infer<typeof findingTrace> => ({
  id: f.id,
  text: f.text,
  reviewId: f.review.id,
  themes: f.themes,
  courses: f.trace.courses.map((c) => ({
    id: c.id,
    title: c.title,
    citedInVersion: c.citedInVersion,
    citedAt: new Date(c.citedAt).toISOString(),
    attended: c.attended,
    sessions: c.sessions.map((s) => ({
      id: s.id,
      startsAt: new Date(s.startsAt).toISOString(),
      status: s.status,
      attended: s.attended,
    })),
  })),
  needs: f.seesNeeds
    ? f.trace.needs.map((n) => ({ id: n.id, status: n.status, citedAt: new Date(n.citedAt).toISOString() }))
    : [],
  needsCiting: f.trace.needs.length,
  attendedSince: f.trace.attendedSince,
})

/** A finding's page and API: what was learned, and the training that answers it since. */
export default async function findingRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  app.get<{ Params: { id: string } }>(
    '/findings/:id',
    { config: { access: reviewReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const finding = await services.findingTrace.finding(ctx, request.params.id)
      return reply.view('reviews/views/finding.njk', {
        title: `Finding from ${finding.review.reference} ${finding.review.title}`,
        finding,
        linksTraining: coursePlanners.some((role) => ctx.actor.roles.includes(role)),
        backLink: `/reviews/${finding.review.id}`,
      })
    },
  )

  api.get(
    '/api/v1/findings/:id',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        security: [{ bearer: [] }],
        tags: ['reviews'],
        summary:
          'A finding with the courses, sessions and needs requests that cite it, and how many have attended since',
        params: z.object({ id: z.string().describe('The finding’s id') }),
        response: { 200: findingTrace, ...problemResponses },
      },
    },
    async (request) => present(await services.findingTrace.finding(contextOf(request), request.params.id)),
  )
}
