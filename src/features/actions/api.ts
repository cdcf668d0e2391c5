import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { reviewEditors, reviewReaders } from '#features/reviews/visibility.ts'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  actionFilterSchema,
  extendSchema,
  PAGE_SIZE,
  raiseSchema,
  updateSchema,
  verifySchema,
} from './forms.ts'
import type { Action, ActionUpdate } from './queries.ts'
import { actionSources, actionStatuses } from './words.ts'

const actionResponse = z.object({
  id: z.uuid(),
  source: z.enum(actionSources),
  reviewId: z.uuid().nullable(),
  reviewReference: z.string().nullable(),
  recommendationId: z.uuid().nullable(),
  qaReturnId: z.uuid().nullable().describe('The agency’s self-assessment the action was raised on'),
  qaStandardId: z.uuid().nullable().describe('The standard a self-assessment’s action answers'),
  auditReturnId: z.uuid().nullable().describe('The agency’s audit return whose action plan the action is in'),
  auditStandardId: z.uuid().nullable().describe('The audit standard the action answers'),
  caseAuditId: z.uuid().nullable().describe('The case audit whose recommendation the action answers'),
  description: z.string(),
  owningAgencyId: z.uuid().nullable(),
  owningSubgroupId: z.uuid().nullable(),
  ownerEmail: z.string(),
  ownerName: z.string(),
  successMeasure: z.string(),
  dueOn: z.string().describe('YYYY-MM-DD'),
  originalDueOn: z.string().describe('The due date first agreed, kept when the action is extended'),
  status: z.enum(actionStatuses),
  overdue: z.boolean().describe('Work still to do with a due date before today in Europe/London'),
  verifiedAt: z.string().nullable(),
  verificationNote: z.string().nullable(),
})

const updateResponse = z.object({
  id: z.uuid(),
  kind: z.enum(['progress', 'extension', 'verification', 'closure']),
  note: z.string(),
  statusFrom: z.enum(actionStatuses).nullable(),
  statusTo: z.enum(actionStatuses).nullable(),
  evidenceUrl: z.string().nullable(),
  dueFrom: z.string().nullable(),
  dueTo: z.string().nullable(),
  by: z.string().nullable(),
  at: z.string(),
  files: z.array(
    z.object({ id: z.uuid(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() }),
  ),
})

const present = (a: Action): z.infer<typeof actionResponse> => ({
  id: a.id,
  source: a.source,
  reviewId: a.reviewId,
  reviewReference: a.reviewReference,
  recommendationId: a.recommendationId,
  qaReturnId: a.qaReturnId,
  qaStandardId: a.qaStandardId,
  auditReturnId: a.auditReturnId,
  auditStandardId: a.auditStandardId,
  caseAuditId: a.caseAuditId,
  description: a.description,
  owningAgencyId: a.owningAgencyId,
  owningSubgroupId: a.owningSubgroupId,
  ownerEmail: a.ownerEmail,
  ownerName: a.ownerName,
  successMeasure: a.successMeasure,
  dueOn: a.dueOn,
  originalDueOn: a.originalDueOn,
  status: a.status,
  overdue: a.overdue,
  verifiedAt: a.verifiedAt ? new Date(a.verifiedAt).toISOString() : null,
  verificationNote: a.verificationNote,
})

const presentUpdate = (u: ActionUpdate): z.infer<typeof updateResponse> => ({
  ...u,
  at: new Date(u.at).toISOString(),
})

const idParams = z.object({ id: z.string().describe('The action’s id') })

/**
 * The actions API: actions raised on accepted recommendations, their progress, extensions
 * and sign-off. Overseers list every action; anyone else reads the actions they (or, for an
 * agency lead, their agencies) own.
 */
export default async function actionsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { actions } = services
  const common = { security: [{ bearer: [] }], tags: ['actions'] }

  api.post(
    '/api/v1/recommendations/:id/actions',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Raise an action on a recommendation the board accepted, wholly or in part',
        params: z.object({ id: z.string().describe('The recommendation’s id') }),
        body: raiseSchema,
        response: { 201: actionResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(present(await actions.raise(contextOf(request), request.params.id, request.body))),
  )

  api.get(
    '/api/v1/actions',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        ...common,
        summary:
          'The action tracker, by due date, 50 a page: every action for admins, the sub-group and the executive; the actions their agencies own for an agency lead; anyone’s own',
        querystring: actionFilterSchema,
        response: {
          200: z.object({
            items: z.array(actionResponse),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { items, total } = await actions.list(contextOf(request), request.query)
      return { items: items.map(present), total, page: request.query.page, pageSize: PAGE_SIZE }
    },
  )

  api.get(
    '/api/v1/actions/:id',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        ...common,
        summary: 'One action with its updates, oldest first',
        params: idParams,
        response: { 200: actionResponse.extend({ updates: z.array(updateResponse) }), ...problemResponses },
      },
    },
    async (request) => {
      const { action, updates } = await actions.actionWithHistory(contextOf(request), request.params.id)
      return { ...present(action), updates: updates.map(presentUpdate) }
    },
  )

  api.post(
    '/api/v1/actions/:id/updates',
    {
      config: { access: reviewReaders, api: true },
      schema: {
        ...common,
        summary:
          'Record progress (the owner, or the sub-group): a note, perhaps a new status and a link to evidence',
        params: idParams,
        body: updateSchema,
        response: { 201: actionResponse, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(present(await actions.update(contextOf(request), request.params.id, request.body))),
  )

  api.post(
    '/api/v1/actions/:id/extend',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Move the due date, saying why; the date first agreed is kept',
        params: idParams,
        body: extendSchema,
        response: { 200: actionResponse, ...problemResponses },
      },
    },
    async (request) => present(await actions.extend(contextOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/actions/:id/verify',
    {
      config: { access: reviewEditors, api: true },
      schema: {
        ...common,
        summary: 'Sign off a completed action; someone other than its owner checks the evidence',
        params: idParams,
        body: verifySchema,
        response: { 200: actionResponse, ...problemResponses },
      },
    },
    async (request) => present(await actions.verify(contextOf(request), request.params.id, request.body)),
  )
}
