import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { caseAuditStatuses, caseGrades } from '../words.ts'
import { createCaseAuditSchema, escalationSchema, referencesSchema } from './forms.ts'
import type { CaseAuditSummary } from './queries.ts'
import type { CaseAuditView } from './service.ts'
import { caseAuditRunners, caseAuditUsers } from './service.ts'

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

const summaryResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  themeId: z.uuid(),
  themeName: z.string(),
  status: z.enum(caseAuditStatuses),
  dueOn: z.string().describe('YYYY-MM-DD, the last day agencies answer by'),
  panelOn: z.string().nullable(),
  agencyCount: z.number().int(),
  caseCount: z.number().int(),
  openNotices: z.number().int().describe('Agencies’ notices of escalations not yet acknowledged'),
})

const auditResponse = summaryResponse.extend({
  panelAttendees: z.string().nullable(),
  panelSummary: z.string().nullable(),
  questions: z.array(z.object({ id: z.uuid(), position: z.number().int(), text: z.string() })),
  agencies: z.array(
    z.object({ agencyId: z.uuid(), agencyName: z.string(), leadUserId: z.uuid(), leadName: z.string() }),
  ),
  cases: z.array(
    z.object({
      id: z.uuid(),
      position: z.number().int(),
      grade: z.enum(caseGrades).nullable(),
      learning: z.string().nullable(),
      references: z.array(z.object({ agencyId: z.uuid(), agencyName: z.string(), reference: z.string() })),
      answers: z.array(z.object({ questionId: z.uuid(), agencyId: z.uuid(), answer: z.string() })),
    }),
  ),
  findings: z.array(
    z.object({ id: z.uuid(), text: z.string(), themes: z.array(z.uuid()), caseId: z.uuid().nullable() }),
  ),
  recommendations: z.array(
    z.object({
      id: z.uuid(),
      findingId: z.uuid().nullable(),
      text: z.string(),
      addressedTo: z.string(),
      subgroupId: z.uuid().nullable(),
      agencyIds: z.array(z.uuid()),
      nationalBody: z.string().nullable(),
    }),
  ),
  actions: z.array(
    z.object({
      id: z.uuid(),
      recommendationId: z.uuid().nullable(),
      description: z.string(),
      successMeasure: z.string(),
      dueOn: z.string(),
      ownerEmail: z.string(),
      status: z.string(),
    }),
  ),
  escalations: z.array(
    z.object({
      id: z.uuid(),
      caseId: z.uuid(),
      reason: z.string(),
      raisedAt: z.string(),
      notices: z.array(
        z.object({
          agencyId: z.uuid(),
          leadUserId: z.uuid(),
          acknowledgedAt: z.string().nullable(),
          acknowledgement: z.string().nullable(),
        }),
      ),
    }),
  ),
})

const presentSummary = (a: CaseAuditSummary): z.infer<typeof summaryResponse> => ({
  id: a.id,
  title: a.title,
  themeId: a.themeId,
  themeName: a.themeName,
  status: a.status,
  dueOn: a.dueOn,
  panelOn: a.panelOn,
  agencyCount: a.agencyCount,
  caseCount: a.caseCount,
  openNotices: a.openNotices,
})

const presentAudit = (v: CaseAuditView): z.infer<typeof auditResponse> => ({
  ...presentSummary(v.audit),
  panelAttendees: v.audit.panelAttendees,
  panelSummary: v.audit.panelSummary,
  questions: v.audit.questions,
  agencies: v.audit.agencies.map(({ agencyId, agencyName, leadUserId, leadName }) => ({
    agencyId,
    agencyName,
    leadUserId,
    leadName,
  })),
  cases: v.audit.cases.map((c) => ({
    id: c.id,
    position: c.position,
    grade: c.grade,
    learning: c.learning,
    references: c.refs,
    answers: v.answers
      .filter((a) => a.caseId === c.id)
      .map(({ questionId, agencyId, answer }) => ({ questionId, agencyId, answer })),
  })),
  findings: v.findings.map(({ id, text, themes, caseId }) => ({ id, text, themes, caseId })),
  recommendations: v.recommendations.map((r) => ({
    id: r.id,
    findingId: r.findingId,
    text: r.text,
    addressedTo: r.addressedTo,
    subgroupId: r.subgroupId,
    agencyIds: r.agencyIds,
    nationalBody: r.nationalBody,
  })),
  actions: v.actions.map((a) => ({
    id: a.id,
    recommendationId: a.recommendationId,
    description: a.description,
    successMeasure: a.successMeasure,
    dueOn: a.dueOn,
    ownerEmail: a.ownerEmail,
    status: a.status,
  })),
  escalations: v.escalations.map((e) => ({
    id: e.id,
    caseId: e.caseId,
    reason: e.reason,
    raisedAt: iso(e.raisedAt) ?? '',
    notices: e.notices.map((n) => ({
      agencyId: n.agencyId,
      leadUserId: n.leadUserId,
      acknowledgedAt: iso(n.acknowledgedAt),
      acknowledgement: n.acknowledgement,
    })),
  })),
})

const idParams = z.object({ id: z.string().describe('The case audit’s id') })

/**
 * Multi-agency case audits: the audits the actor sees, opening one, one audit with everything
 * the actor may see of it, adding a case of the sample, and escalating a case with current risk.
 */
export default async function caseAuditApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { caseAudits } = services
  const common = { security: [{ bearer: [] }], tags: ['audits'] }

  api.get(
    '/api/v1/case-audits',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Case audits the caller sees, newest first: every one for admins, those their agencies take part in for a lead',
        response: { 200: z.object({ items: z.array(summaryResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await caseAudits.list(contextOf(request))).map(presentSummary) }),
  )

  api.post(
    '/api/v1/case-audits',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'Open a themed case audit: its questions in order and the agencies taking part, each with its named lead (the agency’s first lead when leadUserId is left out)',
        body: createCaseAuditSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const id = await caseAudits.create(ctx, request.body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, id)))
    },
  )

  api.get(
    '/api/v1/case-audits/:id',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'One case audit: its cases with each agency’s reference and answers, grades, findings, recommendations, actions and escalations; seen by admins and the agencies taking part only',
        params: idParams,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => presentAudit(await caseAudits.view(contextOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/case-audits/:id/cases',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Add a case to the sample while it is chosen, with each involved agency’s own case reference (never a name, a date of birth or an NHS number); a lead gives only their own agency’s',
        params: idParams,
        body: referencesSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await caseAudits.saveReferences(ctx, request.params.id, null, request.body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, request.params.id)))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/cases/:caseId/escalations',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Escalate a case carrying current risk: recorded, and the named lead of each agency holding a reference for it emailed at once to acknowledge it',
        params: z.object({ id: z.string(), caseId: z.string() }),
        body: escalationSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await caseAudits.escalate(ctx, request.params.id, request.params.caseId, request.body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, request.params.id)))
    },
  )
}
