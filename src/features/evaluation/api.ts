import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { scopeFrom } from './impact.ts'
import type { Questionnaire } from './questionnaires.ts'
import { planOutcomes, stages } from './stages.ts'

const questionResponse = z.object({
  id: z.string(),
  kind: z.string(),
  prompt: z.string(),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
  perObjective: z
    .boolean()
    .optional()
    .describe('A confidence scale asked for each of the course’s objectives: answered as a list of scores'),
})

const evaluationResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  version: z.number().int().nullable().describe('The published version answers are given against'),
  questions: z.array(questionResponse),
})

const score = z.object({
  average: z.number().nullable().describe('The average, to one decimal place; null when no one answered'),
  n: z.number().int().describe('How many answered'),
})
const scoreLine = z.object({
  label: z.string().describe('The objective (or the question, where it is not asked per objective)'),
  scores: z.object({ at_booking: score, after_course: score, follow_up: score }),
  change: z.number().nullable().describe('The latest stage’s average less the at-booking average'),
})
const impactResponse = z.object({
  rates: z.array(
    z.object({
      stage: z.enum(stages),
      eligible: z.number().int(),
      responded: z.number().int(),
      rate: z.number().nullable().describe('Per cent, to one decimal place'),
    }),
  ),
  confidence: z.array(scoreLine).describe('Confidence 0-10 at each stage, per objective'),
  headline: z
    .object({ before: z.number(), after: z.number(), change: z.number(), stage: z.enum(stages) })
    .nullable(),
  agreement: z.array(scoreLine).describe('Agreement 1-5 at each stage, per statement'),
  plans: z.array(z.object({ outcome: z.enum(planOutcomes), n: z.number().int() })),
  comments: z.array(
    z.object({
      stage: z.enum(stages),
      prompt: z.string(),
      text: z.string(),
      courseTitle: z.string(),
      submittedAt: z.string().describe('ISO 8601'),
    }),
  ),
  commentCount: z.number().int().describe('Every comment in scope; the latest 50 are listed'),
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
  const { questionnaires, responses, surveys, impact } = services
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
      reply.status(201).send(present(await questionnaires.create(contextOf(request), request.body), true)),
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
    async (request) => present(await questionnaires.publish(contextOf(request), request.params.id)),
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
      const questionnaire = await questionnaires.questionnaire(contextOf(request), request.params.id)
      if (!questionnaire.published) throw new NotFoundError('Questionnaire')
      return present(questionnaire)
    },
  )

  api.post(
    '/api/v1/evaluations/:id/responses',
    {
      // A signed-in attendee answers for their booking; anyone may answer an anonymous survey.
      config: { access: 'public', api: true, rateLimit: openToAnyoneLimit(services.config) },
      schema: {
        ...common,
        security: [{ bearer: [] }, {}],
        summary:
          'Answer a questionnaire: for a stage of your booking (signed in), or for an anonymous survey (no sign-in)',
        params: idParams,
        body: z.union([
          z
            .object({
              bookingId: z.uuid({ message: 'Give the booking the answers are for' }),
              stage: z.enum(stages, { message: `The stage is one of ${stages.join(', ')}` }),
              answers: z.record(z.string(), z.unknown()),
              planOutcome: z
                .enum(planOutcomes)
                .nullish()
                .describe('At the follow-up: whether the action plan was done'),
            })
            .strict(),
          z
            .object({
              survey: z.string().max(64).describe('The code in the survey’s public link'),
              answers: z.record(z.string(), z.unknown()),
            })
            .strict(),
        ]),
        response: {
          201: z.object({ id: z.uuid().nullable(), version: z.number().int().nullable() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body
      if ('survey' in body) {
        await surveys.answer(body.survey, body.answers, { questionnaireId: request.params.id })
        // Nothing that could identify the answer is returned either.
        return reply.status(201).send({ id: null, version: null })
      }
      return reply.status(201).send(await responses.respond(contextOf(request), request.params.id, body))
    },
  )

  api.get(
    '/api/v1/courses/:id/impact',
    {
      config: { access: ['admin', 'subgroup', 'executive'], api: true },
      schema: {
        ...common,
        summary:
          'What difference a course made: response rates, confidence per objective at each stage, agreement, action plans',
        params: z.object({ id: z.string().describe('The course’s id') }),
        querystring: z.object({
          from: z.string().optional().describe('Sessions from this date, YYYY-MM-DD'),
          to: z.string().optional().describe('Sessions to this date, YYYY-MM-DD'),
          session: z.string().optional(),
          agency: z.string().optional(),
        }),
        response: { 200: impactResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      const course = await services.courses.course(ctx, request.params.id)
      const figures = await impact.impact(ctx, scopeFrom({ ...request.query, course: course.id }))
      return {
        ...figures,
        comments: figures.comments.map((c) => ({ ...c, submittedAt: c.submittedAt.toISOString() })),
      }
    },
  )
}
