import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  sessionFilterSchema,
  sessionFormats,
  sessionPatchSchema,
  sessionSchema,
  sessionStatuses,
  venueSchema,
} from './forms.ts'
import type { Session } from './queries.ts'

const partResponse = z.object({ startsAt: z.string(), endsAt: z.string() })
const sessionResponse = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  startsAt: z.string(),
  endsAt: z.string(),
  parts: z.array(partResponse),
  capacity: z.number().int(),
  minimumPlaces: z.number().int().nullable(),
  format: z.enum(sessionFormats),
  venue: venueSchema.nullable(),
  joiningUrl: z.string().nullable(),
  status: z.enum(sessionStatuses),
  trainers: z.array(z.object({ personId: z.uuid(), name: z.string() })),
  cancellationReason: z.string().nullable(),
  warnings: z
    .array(z.string())
    .optional()
    .describe('What the admin should know but need not stop for, such as a part on a bank holiday'),
})

const present = (s: Session & { warnings?: string[] }): z.infer<typeof sessionResponse> => ({
  id: s.id,
  courseId: s.courseId,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  parts: s.parts.map((p) => ({ startsAt: p.startsAt.toISOString(), endsAt: p.endsAt.toISOString() })),
  capacity: s.capacity,
  minimumPlaces: s.minimumPlaces,
  format: s.format,
  venue: s.venue,
  joiningUrl: s.joiningUrl,
  status: s.status,
  trainers: s.trainers.map((t) => ({ personId: t.personId, name: t.name })),
  cancellationReason: s.cancellationReason,
  warnings: s.warnings,
})

const idParams = z.object({ id: z.string().describe('The record’s id') })
const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const

/** The sessions API: scheduling the programme's courses. */
export default async function sessionsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const sessions = services.courseSessions
  const common = { security: [{ bearer: [] }], tags: ['programme'] }

  api.get(
    '/api/v1/sessions',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'List sessions, by course, status or from a date',
        querystring: sessionFilterSchema,
        response: {
          200: z.object({
            items: z.array(sessionResponse),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, total } = await sessions.list(contextOf(request), request.query)
      return { items: items.map(present), total, page: request.query.page, pageSize: request.query.pageSize }
    },
  )

  api.post(
    '/api/v1/sessions',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary:
          'Schedule a session (open for applications when its course is published, unless status is draft)',
        body: sessionSchema,
        response: { 201: sessionResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await sessions.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/sessions/:id',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'One session',
        params: idParams,
        response: { 200: sessionResponse, ...problemResponses },
      },
    },
    async (request) => present(await sessions.session(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/sessions/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Change a session, or cancel it with a reason (its trainers are told)',
        params: idParams,
        body: sessionPatchSchema,
        response: { 200: sessionResponse, ...problemResponses },
      },
    },
    async (request) => present(await sessions.change(contextOf(request), request.params.id, request.body)),
  )
}
