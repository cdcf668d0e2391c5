import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { raiseSchema } from '#features/actions/forms.ts'
import { recommendationSchema } from '#features/reviews/forms.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { caseAuditStatuses, caseGrades } from '../words.ts'
import {
  acknowledgementSchema,
  answersSchema,
  auditFindingSchema,
  createCaseAuditSchema,
  escalationSchema,
  gradeSchema,
  panelSchema,
  referencesSchema,
} from './forms.ts'
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
const caseParams = idParams.extend({ caseId: z.string().describe('The case’s id') })

/**
 * Multi-agency case audits: the audits the actor sees, opening one, one audit with everything
 * the actor may see of it, the sample and sending it, the agencies' answers, the panel (its day,
 * grades, findings, recommendations and actions), concluding, and escalating a case with current
 * risk until each agency acknowledges it. Each change answers with the audit as it now is.
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
        params: caseParams,
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

  api.post(
    '/api/v1/case-audits/:id/send',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'Send the sample to the agencies: each taking-part agency’s named lead is emailed to answer (409 unless the sample is being chosen and every case has a reference)',
        params: idParams,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.send(ctx, request.params.id)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.put(
    '/api/v1/case-audits/:id/cases/:caseId/answers',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'An agency’s answers for a case it holds a reference for, while the agencies answer: given by a lead of that agency only; a blank answer takes one away, and questions left out keep theirs',
        params: caseParams,
        body: answersSchema,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.answer(ctx, request.params.id, request.params.caseId, request.body)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/to-panel',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary: 'Close the agencies’ answering: the panel meets next',
        params: idParams,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.toPanel(ctx, request.params.id)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.put(
    '/api/v1/case-audits/:id/panel',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'Record the panel day, at the panel: its date (today or before), who attended, and its summary; recording again replaces them',
        params: idParams,
        body: panelSchema,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.recordPanel(ctx, request.params.id, request.body)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.put(
    '/api/v1/case-audits/:id/cases/:caseId/grade',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary: 'The panel’s graded outcome for a case and the learning from it, at the panel',
        params: caseParams,
        body: gradeSchema,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.grade(ctx, request.params.id, request.params.caseId, request.body)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/findings',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'A finding of the panel, perhaps about one case of the sample and tagged with themes; it joins the partnership’s findings with source audit',
        params: idParams,
        body: auditFindingSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await caseAudits.addFinding(ctx, request.params.id, request.body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, request.params.id)))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/findings/:findingId/recommendations',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'A recommendation of the panel on one of its findings, addressed as a review’s are; the board’s response is accepted unless another is given',
        params: idParams.extend({ findingId: z.string().describe('The finding’s id') }),
        body: recommendationSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The panel that makes a recommendation is the board's, so, as on its page, it is accepted
      // when no other response is given: actions then follow it as they do a review's.
      const body = { ...request.body, response: request.body.response ?? 'accepted' }
      await caseAudits.addRecommendation(ctx, request.params.id, request.params.findingId, body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, request.params.id)))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/recommendations/:recommendationId/actions',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'An action agreed at the panel on one of the audit’s recommendations, owned by an agency or a sub-group and a named person by their sign-in email; tracked with every other action',
        params: idParams.extend({ recommendationId: z.string().describe('The recommendation’s id') }),
        body: raiseSchema,
        response: { 201: auditResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      await caseAudits.addAction(ctx, request.params.id, request.params.recommendationId, request.body)
      return reply.status(201).send(presentAudit(await caseAudits.view(ctx, request.params.id)))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/conclude',
    {
      config: { access: caseAuditRunners, api: true },
      schema: {
        ...common,
        summary:
          'Conclude the audit after its panel (409 until the panel day is recorded and every case graded)',
        params: idParams,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.conclude(ctx, request.params.id)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )

  api.post(
    '/api/v1/case-audits/:id/escalations/:escalationId/acknowledgement',
    {
      config: { access: caseAuditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Acknowledge an escalation for an agency it was sent to, once, with what the agency has done: by a lead of that agency only (409 when already acknowledged)',
        params: idParams.extend({ escalationId: z.string().describe('The escalation’s id') }),
        body: acknowledgementSchema,
        response: { 200: auditResponse, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      await caseAudits.acknowledge(ctx, request.params.id, request.params.escalationId, request.body)
      return presentAudit(await caseAudits.view(ctx, request.params.id))
    },
  )
}
