import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { Questionnaire } from './service.ts'
import { stages } from './service.ts'

const questionResponse = z.object({
  id: z.string(),
  kind: z.string(),
  prompt: z.string(),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
})

const evaluationResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  version: z.number().int().nullable().describe('The published version answers are given against'),
  questions: z.array(questionResponse),
})

const present = (q: Questionnaire, draft = false): z.infer<typeof evaluationResponse> => ({
  id: q.id,
  title: q.title,
  version: q.published?.version ?? null,
  questions: draft ? q.draft : (q.published?.questions ?? []),
})

/** Questionnaires and responses through the API. */
export default async function evaluationApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { evaluations } = services
  const common = { security: [{ bearer: [] }], tags: ['evaluation'] }
  const idParams = z.object({ id: z.string().describe('The questionnaire’s id') })

  api.post(
    '/api/v1/evaluations',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Build a questionnaire from typed questions (a draft until published)',
        body: z.object({ title: z.string(), questions: z.array(z.unknown()) }).strict(),
        response: { 201: evaluationResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await evaluations.create(contextOf(request), request.body), true)),
  )

  api.post(
    '/api/v1/evaluations/:id/publish',
    {
      config: { access: ['admin'], api: true },
      schema: {
        ...common,
        summary: 'Publish the draft as a new version',
        params: idParams,
        response: { 200: evaluationResponse, ...problemResponses },
      },
    },
    async (request) => present(await evaluations.publish(contextOf(request), request.params.id)),
  )

  api.get(
    '/api/v1/evaluations/:id',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'A published questionnaire’s questions',
        params: idParams,
        response: { 200: evaluationResponse, ...problemResponses },
      },
    },
    async (request) => {
      const questionnaire = await evaluations.questionnaire(contextOf(request), request.params.id)
      if (!questionnaire.published) throw new NotFoundError('Questionnaire')
      return present(questionnaire)
    },
  )

  api.post(
    '/api/v1/evaluations/:id/responses',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Answer a questionnaire for a stage of your booking, once',
        params: idParams,
        body: z
          .object({
            bookingId: z.uuid({ message: 'Give the booking the answers are for' }),
            stage: z.enum(stages, { message: `The stage is one of ${stages.join(', ')}` }),
            answers: z.record(z.string(), z.unknown()),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid(), version: z.number().int() }), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await evaluations.respond(contextOf(request), request.params.id, request.body)),
  )
}
