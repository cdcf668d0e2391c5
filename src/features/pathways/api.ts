import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { parseOrThrow } from '#platform/http/forms.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { decisionSchema, evidenceKinds, evidenceSchema, evidenceStatuses } from './evidence/forms.ts'
import type { Evidence } from './evidence/queries.ts'
import { pathwayPatchSchema, pathwaySchema, pathwayStatuses, treeSchema } from './forms.ts'
import type { Pathway } from './queries.ts'
import { recognitionSchema } from './recognitions.ts'
import { standingStatuses } from './standing/rules.ts'
import type { PersonStanding } from './standing/service.ts'
import { percentOf } from './standing/service.ts'

const readers = ['admin', 'subgroup', 'executive', 'agency-lead'] as const
const admins = ['admin'] as const
const idParams = z.object({ id: z.string().describe('The record’s id') })

const pathwayResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  audience: z.string().describe('Who the pathway is for'),
  summary: z.string().nullable(),
  status: z.enum(pathwayStatuses),
  people: z.number().int().describe('Current people with this pathway'),
  requirements: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      required: z.boolean().describe('false: an optional course of the pathway'),
      refresherMonths: z.number().int().nullable().describe('null: it never lapses'),
      courses: z.array(z.object({ id: z.uuid(), title: z.string(), tier: z.string().nullable() })),
    }),
  ),
})
const presentPathway = (p: Pathway): z.infer<typeof pathwayResponse> => ({
  ...p,
  requirements: p.requirements.map(({ position: _position, ...r }) => r),
})

const evidenceResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  kind: z.enum(evidenceKinds),
  title: z.string(),
  provider: z.string(),
  completedOn: z.string().describe('YYYY-MM-DD'),
  hours: z.number(),
  requirementId: z.uuid().nullable(),
  status: z.enum(evidenceStatuses),
  rejectedReason: z.string().nullable(),
  certificateCode: z.string().nullable().describe('Another partnership’s certificate, added by its code'),
  issuedBy: z.string().nullable(),
  hasFile: z.boolean(),
})
const presentEvidence = (e: Evidence): z.infer<typeof evidenceResponse> => ({
  id: e.id,
  personId: e.personId,
  kind: e.kind,
  title: e.title,
  provider: e.provider,
  completedOn: e.completedOn,
  hours: Math.round((e.minutes / 60) * 100) / 100,
  requirementId: e.requirementId,
  status: e.status,
  rejectedReason: e.rejectedReason,
  certificateCode: e.certificateCode,
  issuedBy: e.issuedBy,
  hasFile: e.fileName !== null,
})

const complianceResponse = z.object({
  personId: z.uuid(),
  pathwayId: z.uuid().nullable(),
  status: z
    .enum(standingStatuses)
    .nullable()
    .describe('The worst of the required requirements; null with no pathway'),
  requirements: z.array(
    z.object({
      requirementId: z.uuid(),
      title: z.string(),
      required: z.boolean(),
      status: z.enum(standingStatuses),
      dueOn: z
        .string()
        .nullable()
        .describe('YYYY-MM-DD the refresher is due by; null when not evidenced or never lapsing'),
      evidencedBy: z
        .object({
          kind: z.enum(['certificate', 'evidence']),
          id: z.uuid(),
          title: z.string(),
          evidencedOn: z.string().describe('YYYY-MM-DD'),
        })
        .nullable(),
    }),
  ),
})
const presentCompliance = (s: PersonStanding): z.infer<typeof complianceResponse> => ({
  personId: s.person.id,
  pathwayId: s.person.pathwayId,
  status: s.status,
  requirements: s.requirements.map((r) => ({
    requirementId: r.requirementId,
    title: r.title,
    required: r.required,
    status: r.status,
    dueOn: r.dueOn,
    evidencedBy:
      r.evidenceKind && r.evidenceId && r.evidencedOn
        ? { kind: r.evidenceKind, id: r.evidenceId, title: r.evidenceTitle ?? '', evidencedOn: r.evidencedOn }
        : null,
  })),
})

const tallyResponse = z.object({
  people: z.number().int().describe('On a pathway'),
  current: z.number().int(),
  due_soon: z.number().int(),
  overdue: z.number().int(),
  not_evidenced: z.number().int(),
  percentages: z.object({
    current: z.number().int(),
    due_soon: z.number().int(),
    overdue: z.number().int(),
    not_evidenced: z.number().int(),
  }),
})
const tallyOf = (t: {
  current: number
  due_soon: number
  overdue: number
  not_evidenced: number
  onPathway: number
}) => ({
  people: t.onPathway,
  current: t.current,
  due_soon: t.due_soon,
  overdue: t.overdue,
  not_evidenced: t.not_evidenced,
  percentages: {
    current: percentOf(t.current, t.onPathway),
    due_soon: percentOf(t.due_soon, t.onPathway),
    overdue: percentOf(t.overdue, t.onPathway),
    not_evidenced: percentOf(t.not_evidenced, t.onPathway),
  },
})

/** The pathways API: pathways, each person's pathway, evidence and standing, and the roll-up. */
export default async function pathwaysApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { pathways, standing, evidence, recognitions } = services
  const common = { security: [{ bearer: [] }], tags: ['pathways'] }

  api.get(
    '/api/v1/pathways',
    {
      config: { access: readers, api: true },
      schema: {
        ...common,
        summary: 'List the pathways',
        response: { 200: z.object({ items: z.array(pathwayResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await pathways.list(contextOf(request))).map(presentPathway) }),
  )

  api.post(
    '/api/v1/pathways',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary: 'Add a pathway with its requirements',
        body: pathwaySchema,
        response: { 201: pathwayResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentPathway(await pathways.create(contextOf(request), request.body))),
  )

  api.get(
    '/api/v1/pathways/tree',
    {
      config: { access: readers, api: true },
      schema: {
        ...common,
        summary: 'The decision tree of "Which training do I need?" (null before one is saved)',
        response: { 200: z.object({ tree: treeSchema.nullable() }), ...problemResponses },
      },
    },
    async (request) => ({ tree: await pathways.tree(contextOf(request)) }),
  )

  api.put(
    '/api/v1/pathways/tree',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary:
          'Save the decision tree whole: one with a loop or a dead end is refused, naming the question',
        body: treeSchema,
        response: { 200: z.object({ tree: treeSchema }), ...problemResponses },
      },
    },
    async (request) => ({ tree: await pathways.saveTree(contextOf(request), request.body) }),
  )

  api.get(
    '/api/v1/pathways/:id',
    {
      config: { access: readers, api: true },
      schema: {
        ...common,
        summary: 'One pathway',
        params: idParams,
        response: { 200: pathwayResponse, ...problemResponses },
      },
    },
    async (request) => presentPathway(await pathways.pathway(contextOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/pathways/:id',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary: 'Change a pathway: requirements given replace its own, keeping those given with their id',
        params: idParams,
        body: pathwayPatchSchema,
        response: { 200: pathwayResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentPathway(await pathways.change(contextOf(request), request.params.id, request.body)),
  )

  api.put(
    '/api/v1/people/:id/pathway',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Set a person’s pathway (the person, their agency lead or an admin); null clears it',
        params: idParams,
        body: z.object({
          pathwayId: z.uuid({ message: 'Choose one of the partnership’s pathways' }).nullable(),
        }),
        response: { 200: complianceResponse, ...problemResponses },
      },
    },
    async (request) =>
      presentCompliance(
        await standing.setPathway(contextOf(request), request.params.id, request.body.pathwayId),
      ),
  )

  api.get(
    '/api/v1/people/:id/compliance',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'A person’s standing against each requirement of their pathway',
        params: idParams,
        response: { 200: complianceResponse, ...problemResponses },
      },
    },
    async (request) => presentCompliance(await standing.ofPerson(contextOf(request), request.params.id)),
  )

  api.get(
    '/api/v1/people/:id/evidence',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'A person’s learning from elsewhere',
        params: idParams,
        response: { 200: z.object({ items: z.array(evidenceResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await evidence.ofPerson(contextOf(request), request.params.id)).map(presentEvidence),
    }),
  )

  api.post(
    '/api/v1/people/:id/evidence',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Record learning done elsewhere, to wait for the agency lead’s verification',
        params: idParams,
        body: evidenceSchema,
        response: { 201: evidenceResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentEvidence(await evidence.record(contextOf(request), request.params.id, request.body, null)),
        ),
  )

  api.post(
    '/api/v1/people/:id/evidence/by-code',
    {
      config: { access: 'signed-in', api: true },
      schema: {
        ...common,
        summary: 'Add another partnership’s certificate by its verification code; it counts where recognised',
        params: idParams,
        body: z.object({ code: z.string({ message: 'Enter the certificate’s code' }).max(40) }),
        response: { 201: z.object({ items: z.array(evidenceResponse) }), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        items: (await evidence.addByCode(contextOf(request), request.params.id, request.body.code)).map(
          presentEvidence,
        ),
      }),
  )

  api.post(
    '/api/v1/evidence/:id/verify',
    {
      config: { access: ['admin', 'agency-lead'], api: true },
      schema: {
        ...common,
        summary: 'Verify evidence (the default), or reject it with a reason: a lead of the person’s agency',
        params: idParams,
        body: z
          .object({
            decision: z.enum(['verified', 'rejected']).optional().describe('verified when not given'),
            reason: z.string().optional().describe('Why it is rejected: required then'),
          })
          .optional(),
        response: { 200: evidenceResponse, ...problemResponses },
      },
    },
    async (request) => {
      const decision = parseOrThrow(decisionSchema, { decision: 'verified', ...request.body })
      return presentEvidence(await evidence.decide(contextOf(request), request.params.id, decision))
    },
  )

  api.get(
    '/api/v1/compliance',
    {
      config: { access: readers, api: true },
      schema: {
        ...common,
        summary:
          'People counted by standing against their pathways, by agency and pathway (a lead: their agencies)',
        querystring: z.object({
          agencyId: z.string().optional().describe('Only this agency'),
          pathwayId: z.string().optional().describe('Only this pathway'),
        }),
        response: {
          200: z.object({
            today: z.string(),
            total: tallyResponse.extend({ noPathway: z.number().int() }),
            items: z.array(
              tallyResponse.extend({
                agencyId: z.uuid(),
                agencyName: z.string(),
                sector: z.string(),
                pathwayId: z.uuid().nullable().describe('null: people with no pathway set'),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const found = await standing.rollup(contextOf(request), {
        agencyId: request.query.agencyId ?? null,
        pathwayId: request.query.pathwayId ?? null,
      })
      return {
        today: found.today,
        total: { ...tallyOf(found.total), noPathway: found.total.noPathway },
        items: found.rows.map((r) => ({
          agencyId: r.agencyId,
          agencyName: r.agencyName,
          sector: r.sector,
          pathwayId: r.pathwayId,
          ...tallyOf({
            current: r.current,
            due_soon: r.dueSoon,
            overdue: r.overdue,
            not_evidenced: r.notEvidenced,
            onPathway: r.pathwayId ? r.current + r.dueSoon + r.overdue + r.notEvidenced : 0,
          }),
          ...(r.pathwayId ? {} : { people: r.noPathway }),
        })),
      }
    },
  )

  const recognitionResponse = z.object({
    id: z.uuid(),
    partnershipId: z.uuid(),
    partnershipName: z.string(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    requirementId: z.uuid(),
  })

  api.get(
    '/api/v1/recognitions',
    {
      config: { access: readers, api: true },
      schema: {
        ...common,
        summary: 'Other partnerships’ courses recognised here, and for which requirement',
        response: { 200: z.object({ items: z.array(recognitionResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await recognitions.list(contextOf(request)) }),
  )

  api.post(
    '/api/v1/recognitions',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary:
          'Recognise another partnership’s published course for one of this partnership’s requirements',
        body: recognitionSchema,
        response: { 201: recognitionResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recognitions.add(contextOf(request), request.body)),
  )

  api.delete(
    '/api/v1/recognitions/:id',
    {
      config: { access: admins, api: true },
      schema: {
        ...common,
        summary: 'Stop recognising a course (certificates already added keep counting)',
        params: idParams,
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await recognitions.remove(contextOf(request), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
