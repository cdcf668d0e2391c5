import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { returnStatuses } from '../words.ts'
import { openCycleSchema } from './forms.ts'
import type { CycleReturn, CycleSummary } from './queries.ts'
import { cycleOpeners, cycleReaders } from './service.ts'

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

const cycleResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  templateId: z.uuid(),
  templateTitle: z.string(),
  versionId: z.uuid().describe('The template version the cycle answers'),
  version: z.number().int(),
  dueOn: z.string().describe('YYYY-MM-DD, the last day returns are due'),
  openedOn: z.string(),
  closedAt: z.string().nullable(),
  survey: z.boolean().describe('Whether a practitioner survey runs alongside'),
  returns: z
    .object({
      total: z.number().int(),
      notStarted: z.number().int(),
      inProgress: z.number().int(),
      submitted: z.number().int(),
      challenge: z.number().int(),
      concluded: z.number().int(),
    })
    .describe('The returns the caller may see, by status'),
})

const returnResponse = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  status: z.enum(returnStatuses),
  seniorLeadUserId: z.uuid().nullable(),
  reviewerUserId: z.uuid().nullable(),
  surveyId: z.uuid().nullable(),
  submittedAt: z.string().nullable(),
  answered: z.number().int().describe('Standards answered with a rating'),
  total: z.number().int().describe('Standards in the version'),
})

const presentCycle = (c: CycleSummary): z.infer<typeof cycleResponse> => ({
  id: c.id,
  title: c.title,
  templateId: c.templateId,
  templateTitle: c.templateTitle,
  versionId: c.versionId,
  version: c.version,
  dueOn: c.dueOn,
  openedOn: c.openedOn,
  closedAt: iso(c.closedAt),
  survey: c.surveyQuestionnaireId !== null,
  returns: {
    total: c.returns,
    notStarted: c.notStarted,
    inProgress: c.inProgress,
    submitted: c.submitted,
    challenge: c.challenge,
    concluded: c.concluded,
  },
})

const presentReturn = (r: CycleReturn): z.infer<typeof returnResponse> => ({
  id: r.id,
  agencyId: r.agencyId,
  agencyName: r.agencyName,
  status: r.status,
  seniorLeadUserId: r.seniorLeadUserId,
  reviewerUserId: r.reviewerUserId,
  surveyId: r.surveyId,
  submittedAt: iso(r.submittedAt),
  answered: r.answered,
  total: r.total,
})

const idParams = z.object({ id: z.string().describe('The cycle’s id') })

/** Audit cycles: list and open them, and read a cycle's returns as the caller may see them. */
export default async function auditCycleApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { auditCycles: cycles } = services
  const common = { security: [{ bearer: [] }], tags: ['audits'] }

  api.get(
    '/api/v1/audit-cycles',
    {
      config: { access: cycleReaders, api: true },
      schema: {
        ...common,
        summary:
          'Audit cycles, newest first, with their returns counted by status: every cycle for admins, the sub-group and the executive; for others, the cycles with a return of theirs',
        response: { 200: z.object({ items: z.array(cycleResponse) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await cycles.list(contextOf(request))).map(presentCycle) }),
  )

  api.post(
    '/api/v1/audit-cycles',
    {
      config: { access: cycleOpeners, api: true },
      schema: {
        ...common,
        summary:
          'Open a cycle on a template’s current version: a return for each agency asked with its senior lead and reviewer, a practitioner survey per agency when asked for, and an email to each agency’s leads. The due date is after today',
        body: openCycleSchema,
        response: { 201: cycleResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const id = await cycles.open(ctx, request.body)
      return reply.status(201).send(presentCycle((await cycles.cycle(ctx, id)).cycle))
    },
  )

  api.get(
    '/api/v1/audit-cycles/:id/returns',
    {
      config: { access: cycleReaders, api: true },
      schema: {
        ...common,
        summary: 'A cycle’s returns by agency name; an agency lead gets only their agencies’ returns',
        params: idParams,
        response: { 200: z.object({ items: z.array(returnResponse) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await cycles.cycle(contextOf(request), request.params.id)).returns.map(presentReturn),
    }),
  )
}
