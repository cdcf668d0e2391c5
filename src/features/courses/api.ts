import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  audienceSchema,
  courseFilterSchema,
  coursePatchSchema,
  courseSchema,
  courseStatuses,
  deliveryMethods,
  evaluationPlanSchema,
} from './forms.ts'
import type { Course } from './queries.ts'

const courseResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  summary: z.string(),
  objectives: z.array(z.string()),
  tier: z.string().nullable(),
  audience: audienceSchema,
  deliveryMethod: z.enum(deliveryMethods),
  durationMinutes: z.number().int().nullable(),
  themes: z.array(z.uuid()),
  findings: z.array(z.uuid()).describe('The case-review findings the course answers'),
  evaluationPlan: evaluationPlanSchema.nullable(),
  materials: z.string(),
  status: z.enum(courseStatuses),
  version: z.number().int(),
})

const themeResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  framework: z.string().nullable(),
  archived: z.boolean(),
})

const idParams = z.object({ id: z.string().describe('The record’s id') })

const present = ({ updatedAt: _updated, ...course }: Course): z.infer<typeof courseResponse> => course

// Drafts are the programme's working papers: the partnership's planners see them, the public
// catalogue shows what is published.
const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const

/** The courses API, scoped to the token's partnership. */
export default async function coursesApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { courses } = services
  const common = { security: [{ bearer: [] }], tags: ['programme'] }

  api.get(
    '/api/v1/themes',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'The partnership’s themes',
        response: { 200: z.array(themeResponse), ...problemResponses },
      },
    },
    async (request) => courses.themes(contextOf(request), true),
  )

  api.get(
    '/api/v1/courses',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'List courses, by title, status or theme',
        querystring: courseFilterSchema,
        response: {
          200: z.object({
            items: z.array(courseResponse),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, total } = await courses.list(contextOf(request), request.query)
      return { items: items.map(present), total, page: request.query.page, pageSize: request.query.pageSize }
    },
  )

  api.post(
    '/api/v1/courses',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Add a course (publishing needs objectives and an evaluation plan)',
        body: courseSchema,
        response: { 201: courseResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await courses.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/courses/:id',
    {
      config: { access: planners, api: true },
      schema: {
        ...common,
        summary: 'One course',
        params: idParams,
        response: { 200: courseResponse, ...problemResponses },
      },
    },
    async (request) => present(await courses.course(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/courses/:id',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Change a course; a change of content makes a new version, kept with its reason',
        params: idParams,
        body: coursePatchSchema,
        response: { 200: courseResponse, ...problemResponses },
      },
    },
    async (request) => present(await courses.change(contextOf(request), request.params.id, request.body)),
  )
}
