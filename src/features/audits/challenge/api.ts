import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Action } from '#features/actions/index.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditOverseers, auditUsers } from '../access.ts'
import { resolutions, returnStatuses, reviews, scaleRatings } from '../words.ts'
import { eventSchema, planActionSchema, reviewSchema } from './forms.ts'
import type { ChallengeEvent, ChallengeReturn, OpenChallenge, ReviewedAnswer } from './queries.ts'
import type { ActionPlan } from './service.ts'
import { challengeReaders } from './service.ts'

const ratings = [...new Set(Object.values(scaleRatings).flat())] as [string, ...string[]]
const rating = z.enum(ratings).nullable()

const reviewedAnswerResponse = z.object({
  standardId: z.uuid(),
  ref: z.string(),
  title: z.string(),
  rating,
  narrative: z.string().nullable(),
  review: z.enum(reviews).nullable(),
  reviewNote: z.string().nullable(),
  resolution: z.enum(resolutions).nullable().describe('How a challenge event settled a challenged answer'),
  revisedRating: rating,
  resolutionNote: z.string().nullable(),
  finalRating: rating.describe('The revised rating where the answer was revised, else the agency’s own'),
})

const reviewResponse = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  status: z.enum(returnStatuses),
  answers: z.array(reviewedAnswerResponse),
})

const actionResponse = z.object({
  id: z.uuid(),
  standardId: z.uuid().nullable(),
  description: z.string(),
  successMeasure: z.string(),
  dueOn: z.string(),
  ownerEmail: z.string(),
  status: z.string(),
})

const planResponse = reviewResponse.extend({
  standards: z
    .array(z.object({ answer: reviewedAnswerResponse, actions: z.array(actionResponse) }))
    .describe('Each standard whose final rating is below good, with the actions answering it'),
  others: z.array(actionResponse),
})

const challengeResponse = z.object({
  cycleId: z.uuid(),
  open: z
    .array(
      z.object({
        returnId: z.uuid(),
        agencyName: z.string(),
        standardId: z.uuid(),
        ref: z.string(),
        rating,
        reviewNote: z.string(),
      }),
    )
    .describe('Challenged answers not yet settled'),
  events: z.array(
    z.object({
      id: z.uuid(),
      heldOn: z.string(),
      attendees: z.string(),
      notes: z.string().nullable(),
      agencies: z.array(z.string()),
      settled: z.number().int(),
    }),
  ),
})

const presentAnswer = (a: ReviewedAnswer): z.infer<typeof reviewedAnswerResponse> => ({
  standardId: a.standardId,
  ref: a.ref,
  title: a.title,
  rating: a.rating,
  narrative: a.narrative,
  review: a.review,
  reviewNote: a.reviewNote,
  resolution: a.resolution,
  revisedRating: a.revisedRating,
  resolutionNote: a.resolutionNote,
  finalRating: a.finalRating,
})

const presentReview = (ret: ChallengeReturn, answers: ReviewedAnswer[]): z.infer<typeof reviewResponse> => ({
  id: ret.id,
  cycleId: ret.cycleId,
  agencyId: ret.agencyId,
  agencyName: ret.agencyName,
  status: ret.status,
  answers: answers.map(presentAnswer),
})

const presentAction = (a: Action): z.infer<typeof actionResponse> => ({
  id: a.id,
  standardId: a.auditStandardId,
  description: a.description,
  successMeasure: a.successMeasure,
  dueOn: a.dueOn,
  ownerEmail: a.ownerEmail,
  status: a.status,
})

const presentPlan = (p: ActionPlan): z.infer<typeof planResponse> => ({
  ...presentReview(p.ret, p.answers),
  standards: p.standards.map((s) => ({
    answer: presentAnswer(s.answer),
    actions: s.actions.map(presentAction),
  })),
  others: p.others.map(presentAction),
})

const presentChallenge = (
  cycleId: string,
  open: OpenChallenge[],
  events: ChallengeEvent[],
): z.infer<typeof challengeResponse> => ({
  cycleId,
  open: open.map(({ returnId, agencyName, standardId, ref, rating, reviewNote }) => ({
    returnId,
    agencyName,
    standardId,
    ref,
    rating,
    reviewNote,
  })),
  events,
})

const returnParams = z.object({ id: z.string().describe('The return’s id') })
const cycleParams = z.object({ id: z.string().describe('The cycle’s id') })

/**
 * After a return is submitted: its review, the cycle's challenge events, and the agency's
 * action plan, through the same service as the pages.
 */
export default async function auditChallengeApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { auditChallenge: challenge } = services
  const common = { security: [{ bearer: [] }], tags: ['audits'] }

  api.post(
    '/api/v1/audit-returns/:id/review',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Review a submitted return, as its reviewer or an admin: every answer `agreed` or `challenged` with a note, all at once (400 naming each answer left out). Any challenge moves the return to challenge, else it is concluded; the agency’s leads are emailed',
        params: returnParams,
        body: reviewSchema,
        response: { 200: reviewResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await challenge.review(ctx, request.params.id, request.body)
      const after = await challenge.actionPlan(ctx, request.params.id)
      return presentReview(after.ret, after.answers)
    },
  )

  api.get(
    '/api/v1/audit-cycles/:id/challenge',
    {
      config: { access: challengeReaders, api: true },
      schema: {
        ...common,
        summary:
          'The cycle’s challenged answers still to settle and its challenge events, to reviewers and admins',
        params: cycleParams,
        response: { 200: challengeResponse, ...problemResponses },
      },
    },
    async (request) => {
      const found = await challenge.challengePage(contextOf(request), request.params.id)
      return presentChallenge(
        found.cycle.id,
        found.returns.flatMap((r) => r.answers),
        found.events,
      )
    },
  )

  api.post(
    '/api/v1/audit-cycles/:id/challenge-events',
    {
      config: { access: auditOverseers, api: true },
      schema: {
        ...common,
        summary:
          'Record a challenge event once held (date, attendees, notes, the returns discussed), settling challenged answers as `agreed` or `revised` to a rating on the template’s scale with a note. A return discussed with nothing left to settle is concluded',
        params: cycleParams,
        body: eventSchema,
        response: { 201: challengeResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await challenge.recordEvent(ctx, request.params.id, request.body)
      const found = await challenge.challengePage(ctx, request.params.id)
      return reply.status(201).send(
        presentChallenge(
          found.cycle.id,
          found.returns.flatMap((r) => r.answers),
          found.events,
        ),
      )
    },
  )

  api.get(
    '/api/v1/audit-returns/:id/action-plan',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary: 'The return’s action plan: each standard whose final rating is below good, with its actions',
        params: returnParams,
        response: { 200: planResponse, ...problemResponses },
      },
    },
    async (request) => presentPlan(await challenge.actionPlan(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/audit-returns/:id/action-plan/actions',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Add an action to a concluded return’s plan, as the agency’s lead or an admin: for a standard below good, owned by one of the agency’s leads, due after today. It is tracked to verification with every other action',
        params: returnParams,
        body: planActionSchema,
        response: { 201: planResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await challenge.raiseAction(ctx, request.params.id, request.body)
      return reply.status(201).send(presentPlan(await challenge.actionPlan(ctx, request.params.id)))
    },
  )
}
