import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '#platform/errors.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { validationProblem } from '#platform/http/problem.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { outcomes, ratings, returnStatuses } from '../words.ts'
import { openRoundSchema, reviewSchema, saveReturnSchema } from './forms.ts'
import type { ReturnSummary, RoundSummary } from './queries.ts'
import type { ReturnView } from './service.ts'
import { returnReaders, returnReviewers, roundOpeners, roundReaders } from './service.ts'

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

const roundResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  versionId: z.uuid().describe('The version of the standards the round uses'),
  version: z.number().int(),
  dueOn: z.string().describe('YYYY-MM-DD, the last day returns are due'),
  openedOn: z.string(),
  drawn: z.boolean().describe('Whether the courses to observe have been drawn'),
  returns: z.object({
    total: z.number().int(),
    notStarted: z.number().int(),
    inProgress: z.number().int(),
    submitted: z.number().int(),
    reviewed: z.number().int(),
  }),
})

const returnSummaryResponse = z.object({
  id: z.uuid(),
  roundId: z.uuid(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  status: z.enum(returnStatuses),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  outcome: z.enum(outcomes).nullable(),
  courseCount: z.number().int(),
})

const returnResponse = returnSummaryResponse.extend({
  dueOn: z.string(),
  carriedFrom: z.uuid().nullable().describe('The earlier return this one started from'),
  courses: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      ratings: z.array(
        z.object({
          standardId: z.uuid(),
          rating: z.enum(ratings).nullable(),
          narrative: z.string().nullable(),
          evidenceNote: z.string().nullable(),
          evidenceUrl: z.string().nullable(),
          files: z.array(z.object({ id: z.uuid(), filename: z.string(), sizeBytes: z.number().int() })),
        }),
      ),
    }),
  ),
  unrated: z.array(z.string()).describe('Each course’s standards not yet rated'),
  reviewSummary: z.string().nullable(),
  feedback: z.array(z.object({ standardId: z.uuid(), feedback: z.string() })),
  actions: z.array(
    z.object({
      id: z.uuid(),
      description: z.string(),
      successMeasure: z.string(),
      dueOn: z.string(),
      standardId: z.uuid().nullable(),
      ownerEmail: z.string(),
      status: z.string(),
    }),
  ),
})

const presentRound = (r: RoundSummary): z.infer<typeof roundResponse> => ({
  id: r.id,
  title: r.title,
  versionId: r.versionId,
  version: r.version,
  dueOn: r.dueOn,
  openedOn: r.openedOn,
  drawn: r.drawnAt !== null,
  returns: {
    total: r.returns,
    notStarted: r.notStarted,
    inProgress: r.inProgress,
    submitted: r.submitted,
    reviewed: r.reviewed,
  },
})

const presentSummary = (r: ReturnSummary): z.infer<typeof returnSummaryResponse> => ({
  id: r.id,
  roundId: r.roundId,
  agencyId: r.agencyId,
  agencyName: r.agencyName,
  status: r.status,
  submittedAt: iso(r.submittedAt),
  reviewedAt: iso(r.reviewedAt),
  outcome: r.outcome,
  courseCount: r.courseCount,
})

const presentReturn = (v: ReturnView): z.infer<typeof returnResponse> => ({
  ...presentSummary(v.ret),
  dueOn: v.ret.dueOn,
  carriedFrom: v.ret.carriedFrom,
  courses: v.ret.courses.map((c) => ({
    id: c.id,
    title: c.title,
    ratings: v.version.standards
      .map((s) => c.ratings.find((r) => r.standardId === s.id))
      .filter((r) => r !== undefined),
  })),
  unrated: v.unrated,
  reviewSummary: v.ret.reviewSummary,
  feedback: v.ret.feedback,
  actions: v.actions.map((a) => ({
    id: a.id,
    description: a.description,
    successMeasure: a.successMeasure,
    dueOn: a.dueOn,
    standardId: a.qaStandardId,
    ownerEmail: a.ownerEmail,
    status: a.status,
  })),
})

const idParams = z.object({ id: z.string().describe('The id') })
const unprocessable = { 422: problemResponses[400] }

/** A return not ready to submit: well formed, but courses or ratings missing. Each is named. */
function unprocessableProblem(error: ValidationError, instance: string) {
  return {
    ...validationProblem(error.errors, instance),
    status: 422,
    title: 'The self-assessment is not complete',
  }
}

/**
 * Self-assessment rounds: open a round against the current standards, list a round's returns,
 * an agency lead saves and submits their agency's return, and a reviewer from another agency
 * reviews it, raising actions when it is assured with actions.
 */
export default async function qaRoundsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { qaRounds: rounds } = services
  const common = { security: [{ bearer: [] }], tags: ['quality'] }

  api.get(
    '/api/v1/qa/rounds',
    {
      config: { access: roundReaders, api: true },
      schema: {
        ...common,
        summary: 'Self-assessment rounds, newest first, with how many returns are at each status',
        response: { 200: z.object({ items: z.array(roundResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await rounds.rounds(contextOf(request))).map(presentRound) }),
  )

  api.post(
    '/api/v1/qa/rounds',
    {
      config: { access: roundOpeners, api: true },
      schema: {
        ...common,
        summary:
          'Open a round against the current standards: a return for each agency asked (every active agency when agencyIds is left out), and an email to their leads',
        body: openRoundSchema,
        response: { 201: roundResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const id = await rounds.open(ctx, request.body)
      return reply.status(201).send(presentRound((await rounds.round(ctx, id)).round))
    },
  )

  api.get(
    '/api/v1/qa/rounds/:id/returns',
    {
      config: { access: roundReaders, api: true },
      schema: {
        ...common,
        summary: 'A round’s returns, one per agency asked, by agency name',
        params: idParams,
        response: { 200: z.object({ items: z.array(returnSummaryResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await rounds.round(contextOf(request), request.params.id)).returns.map(presentSummary),
    }),
  )

  api.put(
    '/api/v1/qa/returns/:id',
    {
      config: { access: returnReaders, api: true },
      schema: {
        ...common,
        summary:
          'Save an agency’s return (its lead only, until submitted): replaces its courses and their ratings; a rating may be left null while the return is worked on. A course listed again under the same title keeps the evidence files uploaded on screen; a course left out goes with its files',
        params: idParams,
        body: saveReturnSchema,
        response: { 200: returnResponse, ...problemResponses },
      },
    },
    async (request) => presentReturn(await rounds.save(contextOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/qa/returns/:id/submit',
    {
      config: { access: returnReaders, api: true },
      schema: {
        ...common,
        summary:
          'Submit a return: at least one course, each rated on every standard of the round’s version; a submitted return no longer changes',
        params: idParams,
        response: { 200: returnResponse, ...problemResponses, ...unprocessable },
      },
    },
    async (request, reply) => {
      try {
        return presentReturn(await rounds.submit(contextOf(request), request.params.id))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply
          .status(422)
          .type('application/problem+json')
          .send(unprocessableProblem(error, request.url))
      }
    },
  )

  api.post(
    '/api/v1/qa/returns/:id/review',
    {
      config: { access: returnReviewers, api: true },
      schema: {
        ...common,
        summary:
          'Review a submitted return, once, by someone not from its agency: feedback per standard, an outcome and summary; assured_with_actions needs at least one action, raised for the agency',
        params: idParams,
        body: reviewSchema,
        response: { 200: returnResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentReturn(await rounds.review(contextOf(request), request.params.id, request.body)),
  )
}
