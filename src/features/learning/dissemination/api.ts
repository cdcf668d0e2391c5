import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { recordSchema } from './forms.ts'
import { disseminationStatuses } from './rules.ts'
import type { AgencyReach } from './service.ts'
import { disseminationEditors, disseminationReaders } from './service.ts'

const agencyReach = z.object({
  agencyId: z.uuid(),
  agencyName: z.string(),
  sector: z.string(),
  status: z.enum(disseminationStatuses),
  reason: z.string().describe('Why the status is what it is, in words'),
  staffReached: z.number().int().describe('The staff the agency’s records add up to'),
  headcount: z.number().int().describe('The declared headcount, or the agency’s active people when none is'),
  headcountDeclared: z.boolean(),
  reachPercent: z
    .number()
    .int()
    .nullable()
    .describe(
      'Staff reached (or people who confirmed, if more) as a share of the headcount, capped at 100; null with no headcount',
    ),
  confirmations: z.number().int().describe('Practitioners’ one-click confirmations'),
  confirmedPeople: z.number().int(),
  firstSentAt: z.string().nullable(),
  sentVersion: z.number().int().nullable(),
  lastRecordedAt: z.string().nullable(),
})

const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null)

const present = (r: AgencyReach): z.infer<typeof agencyReach> => ({
  agencyId: r.agencyId,
  agencyName: r.agencyName,
  sector: r.sector,
  status: r.status,
  reason: r.reason,
  staffReached: r.staffReached,
  headcount: r.headcount,
  headcountDeclared: r.headcountDeclared,
  reachPercent: r.reachPercent,
  confirmations: r.confirmations,
  confirmedPeople: r.confirmedPeople,
  firstSentAt: iso(r.firstSentAt),
  sentVersion: r.sentVersion,
  lastRecordedAt: iso(r.lastRecordedAt),
})

const idParams = z.object({ id: z.string().describe('The learning product’s id') })

/**
 * The dissemination API: each agency's status and reach for a product (every agency for
 * overseers, a lead's own for a lead), and an agency lead's record of how they passed it on.
 */
export default async function disseminationApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { dissemination } = services
  const common = { security: [{ bearer: [] }], tags: ['learning'] }

  api.get(
    '/api/v1/learning-products/:id/dissemination',
    {
      config: { access: disseminationReaders, api: true },
      schema: {
        ...common,
        summary:
          'Each agency’s dissemination of a product: status, staff reached, headcount and reach (an agency lead sees their own agencies)',
        params: idParams,
        response: { 200: z.object({ items: z.array(agencyReach) }), ...problemResponses },
      },
    },
    async (request) => {
      const { rows } = await dissemination.productMatrix(contextOf(request), request.params.id)
      return { items: rows.map(present) }
    },
  )

  api.post(
    '/api/v1/learning-products/:id/dissemination',
    {
      config: { access: [...disseminationEditors, 'agency-lead'], api: true },
      schema: {
        ...common,
        summary:
          'Record how an agency passed a product on (an agency lead for their own agencies). Staff reached above the headcount is accepted with a warning',
        params: idParams,
        body: recordSchema,
        response: {
          201: z.object({
            id: z.uuid(),
            warnings: z.array(z.string()).describe('Said, not refused: staff reached above the headcount'),
            agency: agencyReach,
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request)
      const outcome = await dissemination.record(ctx, request.params.id, request.body, {
        confirmAboveHeadcount: true,
      })
      if (!outcome.saved) throw new Error('A confirmed record is always saved')
      const page = await dissemination.agencyPage(ctx, request.params.id, request.body.agencyId)
      return reply
        .status(201)
        .send({ id: outcome.id, warnings: outcome.warnings, agency: present(page.reach) })
    },
  )
}
