import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses, problemSchema } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { grades, ratings } from '../words.ts'
import { drawSchema, observationSchema } from './forms.ts'
import type { ObservationSummary } from './queries.ts'
import type { DrawView, ObservationView } from './service.ts'
import { AlreadyDrawnError, drawEditors, drawReaders, observationReaders, observers } from './service.ts'

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

const pickResponse = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  courseTitle: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  position: z.number().int(),
  kind: z.enum(['drawn', 'added']).describe('`drawn` by the draw, or `added` by an admin'),
  reason: z.string().describe('Why the course was picked, in words'),
  setAside: z
    .object({ at: z.string(), reason: z.string(), byName: z.string().nullable() })
    .nullable()
    .describe('A pick set aside stays listed with the reason'),
  observationId: z.uuid().nullable(),
})

const drawResponse = z.object({
  roundId: z.uuid(),
  roundTitle: z.string(),
  drawn: z.boolean(),
  seed: z.string().nullable().describe('The recorded seed: the same seed and candidates give the same picks'),
  size: z.number().int().nullable().describe('How many the policy asked for'),
  drawnAt: z.string().nullable(),
  drawnBy: z.string().nullable(),
  message: z.string().nullable(),
  picks: z.array(pickResponse),
})

const presentDraw = (view: DrawView): z.infer<typeof drawResponse> => ({
  roundId: view.round.id,
  roundTitle: view.round.title,
  drawn: view.round.drawnAt !== null,
  seed: view.round.drawSeed,
  size: view.round.drawSize,
  drawnAt: iso(view.round.drawnAt),
  drawnBy: view.round.drawnByName,
  message: view.message,
  picks: view.picks.map((p) => ({
    id: p.id,
    courseId: p.courseId,
    courseTitle: p.courseTitle,
    agencyId: p.agencyId,
    agencyName: p.agencyName,
    position: p.position,
    kind: p.kind,
    reason: p.reason,
    setAside:
      p.setAsideAt && p.setAsideReason
        ? { at: new Date(p.setAsideAt).toISOString(), reason: p.setAsideReason, byName: p.setAsideByName }
        : null,
    observationId: p.observationId,
  })),
})

const observationSummary = z.object({
  id: z.uuid(),
  sessionId: z.uuid().nullable(),
  pickId: z.uuid().nullable(),
  roundId: z.uuid().nullable(),
  subject: z.string().describe('The course observed'),
  agencyName: z.string().nullable().describe('The agency, for a picked single-agency course'),
  observerName: z.string(),
  observedOn: z.string().describe('YYYY-MM-DD'),
  grade: z.enum(grades),
  respondedAt: z.string().nullable(),
})

const observationResponse = observationSummary.extend({
  versionId: z.uuid(),
  strengths: z.string(),
  areasToDevelop: z.string(),
  ratings: z.array(
    z.object({
      standardId: z.uuid(),
      title: z.string(),
      rating: z.enum(ratings),
      notes: z.string().nullable(),
    }),
  ),
  response: z.string().nullable(),
  respondedBy: z.string().nullable(),
})

const presentSummary = (o: ObservationSummary): z.infer<typeof observationSummary> => ({
  id: o.id,
  sessionId: o.sessionId,
  pickId: o.pickId,
  roundId: o.roundId,
  subject: o.subject,
  agencyName: o.agencyName,
  observerName: o.observerName,
  observedOn: o.observedOn,
  grade: o.grade,
  respondedAt: iso(o.respondedAt),
})

const presentObservation = (o: ObservationView): z.infer<typeof observationResponse> => ({
  ...presentSummary(o),
  versionId: o.versionId,
  strengths: o.strengths,
  areasToDevelop: o.areasToDevelop,
  ratings: o.ratings.map((r) => ({
    standardId: r.standardId,
    title: r.title,
    rating: r.rating,
    notes: r.notes,
  })),
  response: o.response,
  respondedBy: o.respondedByName,
})

const idParams = z.object({ id: z.string().describe('The round’s id') })

/** The draw of courses to observe in a round, and observations with their feedback, through the API. */
export default async function observationsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { observations } = services
  const common = { security: [{ bearer: [] }], tags: ['quality'] }

  api.get(
    '/api/v1/qa/rounds/:id/draw',
    {
      config: { access: drawReaders, api: true },
      schema: {
        ...common,
        summary:
          'A round’s draw of courses to observe: the seed, who drew it and when, and each pick and why',
        params: idParams,
        response: { 200: drawResponse, ...problemResponses },
      },
    },
    async (request) => presentDraw(await observations.drawOf(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/qa/rounds/:id/draw',
    {
      config: { access: drawEditors, api: true },
      schema: {
        ...common,
        summary:
          'Draw the courses to observe from the round’s submitted self-assessments: the policy’s number, from a recorded seed (random unless given), weighted three to one towards agencies not observed in the last two rounds. A round is drawn once: a second draw is answered 409 with the first in `draw`',
        params: idParams,
        body: drawSchema,
        response: {
          201: drawResponse,
          ...problemResponses,
          409: problemSchema.extend({
            draw: drawResponse.optional().describe('The first draw, which stands'),
          }),
        },
      },
    },
    async (request, reply) => {
      try {
        const view = await observations.draw(contextOf(request), request.params.id, request.body?.seed)
        return reply.status(201).send(presentDraw(view))
      } catch (error) {
        if (error instanceof AlreadyDrawnError)
          return reply
            .status(409)
            .type('application/problem+json')
            .send({
              type: 'https://cascade.example.org/problems/already-drawn',
              title: 'Already drawn',
              status: 409,
              detail: error.message,
              instance: `/api/v1/qa/rounds/${error.view.round.id}/draw`,
              draw: presentDraw(error.view),
            })
        throw error
      }
    },
  )

  api.get(
    '/api/v1/observations',
    {
      config: { access: observationReaders, api: true },
      schema: {
        ...common,
        summary:
          'Observations, newest first: all for admins and the sub-group; a trainer’s sessions’ for a trainer; their agencies’ picked courses’ for an agency lead',
        querystring: z.object({
          sessionId: z.string().optional().describe('Only those of this session'),
          roundId: z.string().optional().describe('Only those of this round’s picks'),
        }),
        response: { 200: z.object({ items: z.array(observationSummary) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await observations.list(contextOf(request), request.query)).map(presentSummary),
    }),
  )

  api.get(
    '/api/v1/observations/:id',
    {
      config: { access: observationReaders, api: true },
      schema: {
        ...common,
        summary: 'One observation with its ratings per standard, feedback, grade and response',
        params: z.object({ id: z.string().describe('The observation’s id') }),
        response: { 200: observationResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentObservation(await observations.observation(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/observations',
    {
      config: { access: observers, api: true },
      schema: {
        ...common,
        summary:
          'Record an observation of a session that has happened (`sessionId`) or of a pick that stands (`pickId`), rating every standard, and email the feedback to the session’s trainers or the agency’s leads',
        body: observationSchema,
        response: { 201: observationResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const id = await observations.record(ctx, request.body)
      return reply.status(201).send(presentObservation(await observations.observation(ctx, id)))
    },
  )
}
