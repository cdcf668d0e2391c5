import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditSchema } from './forms.ts'
import type { Audit, AuditQuestion, AuditSummary } from './queries.ts'
import type { Cell } from './results.ts'
import { MINIMUM_GROUP } from './results.ts'
import { questionKinds } from './rules.ts'
import type { AuditResults, SampleSummary } from './service.ts'
import { auditEditors, auditReaders } from './service.ts'

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

const auditResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(['draft', 'sent']),
  productIds: z.array(z.uuid()),
  reviewIds: z.array(z.uuid()),
  sampleSize: z.number().int(),
  closesOn: z.string().describe('YYYY-MM-DD, the last day answers are taken'),
  sentAt: z.string().nullable(),
  questionCount: z.number().int(),
  invited: z.number().int(),
  answered: z.number().int(),
})

const questionResponse = z.object({
  id: z.uuid(),
  position: z.number().int(),
  text: z.string(),
  kind: z.enum(questionKinds),
  options: z.array(z.object({ text: z.string(), correct: z.boolean() })),
})

const sampleResponse = z
  .object({
    seed: z
      .string()
      .describe('The recorded seed: the same seed and the same eligible people give the same draw'),
    eligible: z.number().int(),
    excluded: z.number().int().describe('Left out as invited to a knowledge audit in the last 12 months'),
    invited: z.number().int(),
    sampleSize: z.number().int(),
    tookAll: z.boolean().describe('Fewer were eligible than the sample asked for, so all were invited'),
    message: z.string(),
    audienceReason: z.string(),
  })
  .nullable()

const detailResponse = auditResponse.extend({ questions: z.array(questionResponse), sample: sampleResponse })

const cell = z
  .object({
    suppressed: z
      .boolean()
      .describe(`True for a group of fewer than ${MINIMUM_GROUP} answers: no figures are given`),
    answered: z.number().int().nullable(),
    correct: z.number().int().nullable(),
    percent: z.number().nullable(),
  })
  .describe('A share of people answering right')
const group = z.object({ key: z.string(), name: z.string(), cell })
const headline = z.object({
  responseRate: z.number().nullable(),
  answered: z.number().int().nullable(),
  averagePercent: z.number().nullable(),
  confidenceAverage: z.number().nullable(),
})

const resultsResponse = z.object({
  audit: auditResponse,
  scope: z
    .enum(['all', 'agencies'])
    .describe('`agencies` for an agency lead: their agencies’ aggregate only'),
  minimumGroup: z.number().int(),
  questionCount: z.number().int(),
  invited: z.number().int().nullable(),
  answered: z.number().int().nullable(),
  responseRate: z.number().nullable(),
  scores: z.object({
    suppressed: z.boolean(),
    distribution: z.array(z.object({ score: z.number().int(), people: z.number().int() })).nullable(),
    averagePercent: z.number().nullable(),
  }),
  questions: z.array(
    z.object({
      id: z.uuid(),
      position: z.number().int(),
      text: z.string(),
      overall: cell,
      byAgency: z.array(group),
      bySector: z.array(group),
    }),
  ),
  agencies: z.array(
    z.object({
      agencyId: z.string(),
      name: z.string(),
      suppressed: z.boolean(),
      invited: z.number().int().nullable(),
      answered: z.number().int().nullable(),
      responseRate: z.number().nullable(),
      averagePercent: z.number().nullable(),
    }),
  ),
  confidence: z.object({
    suppressed: z.boolean(),
    distribution: z.array(z.object({ value: z.number().int(), people: z.number().int() })).nullable(),
    average: z.number().nullable(),
  }),
  previous: z
    .object({
      auditId: z.uuid(),
      title: z.string(),
      sentAt: z.string(),
      before: headline,
      now: headline,
      change: z.object({
        responseRate: z.number().nullable(),
        averagePercent: z.number().nullable(),
        confidenceAverage: z.number().nullable(),
      }),
    })
    .nullable()
    .describe('The previous audit testing any of the same products or reviews'),
  reach: z
    .object({
      products: z.array(z.object({ id: z.uuid(), title: z.string() })),
      agencies: z.array(
        z.object({
          agencyId: z.uuid(),
          agencyName: z.string(),
          disseminated: z.number().int(),
          acknowledged: z.number().int(),
          averageReachPercent: z.number().nullable(),
        }),
      ),
    })
    .describe(
      'The dissemination reach of the same products (chosen, and those of the chosen reviews) per agency, from the agencies’ records',
    ),
})

const present = (a: AuditSummary | Audit): z.infer<typeof auditResponse> => ({
  id: a.id,
  title: a.title,
  status: a.status,
  productIds: a.productIds,
  reviewIds: a.reviewIds,
  sampleSize: a.sampleSize,
  closesOn: a.closesOn,
  sentAt: iso(a.sentAt),
  questionCount: a.questionCount,
  invited: a.invited,
  answered: a.answered,
})

const presentQuestion = (q: AuditQuestion): z.infer<typeof questionResponse> => ({
  id: q.id,
  position: q.position,
  text: q.text,
  kind: q.kind,
  options: q.options.map((o) => ({ text: o.text, correct: o.correct })),
})

const presentCell = (c: Cell) => ({ ...c })

function presentResults(found: AuditResults): z.infer<typeof resultsResponse> {
  const r = found.results
  return {
    audit: present(found.audit),
    scope: found.scope,
    minimumGroup: r.minimum,
    questionCount: r.questionCount,
    invited: r.invited,
    answered: r.answered,
    responseRate: r.responseRate,
    scores: r.scores.suppressed
      ? { suppressed: true, distribution: null, averagePercent: null }
      : { suppressed: false, distribution: r.scores.distribution, averagePercent: r.scores.averagePercent },
    questions: r.questions.map((q) => ({
      id: q.id,
      position: q.position,
      text: q.text,
      overall: presentCell(q.overall),
      byAgency: q.byAgency.map((g) => ({ key: g.key, name: g.name, cell: presentCell(g.cell) })),
      bySector: q.bySector.map((g) => ({ key: g.key, name: g.name, cell: presentCell(g.cell) })),
    })),
    agencies: r.agencies.map((g) => ({
      agencyId: g.key,
      name: g.name,
      suppressed: g.suppressed,
      invited: g.invited,
      answered: g.answered,
      responseRate: g.responseRate,
      averagePercent: g.averagePercent,
    })),
    confidence: r.confidence.suppressed
      ? { suppressed: true, distribution: null, average: null }
      : { suppressed: false, distribution: r.confidence.distribution, average: r.confidence.average },
    previous: found.previous
      ? {
          auditId: found.previous.audit.id,
          title: found.previous.audit.title,
          sentAt: new Date(found.previous.audit.sentAt).toISOString(),
          before: found.previous.before,
          now: found.previous.now,
          change: found.previous.change,
        }
      : null,
    reach: found.reach,
  }
}

const idParams = z.object({ id: z.string().describe('The knowledge audit’s id') })

/**
 * The knowledge audits API: list and create drafts with their quiz, send one to its sample,
 * and read the results with the same small-number rule as the page (no group under 5).
 */
export default async function knowledgeAuditsApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { knowledgeAudits: audits } = services
  const common = { security: [{ bearer: [] }], tags: ['knowledge-audits'] }

  const detail = async (request: Parameters<typeof contextOf>[0], id: string) => {
    const view = await audits.audit(contextOf(request), id)
    return { ...present(view.audit), questions: view.questions.map(presentQuestion), sample: view.sample }
  }

  api.get(
    '/api/v1/knowledge-audits',
    {
      config: { access: auditReaders, api: true },
      schema: {
        ...common,
        summary:
          'Knowledge audits, newest first, with when the next is due (an agency lead sees only those sent)',
        response: {
          200: z.object({
            items: z.array(auditResponse),
            lastSentOn: z.string().nullable(),
            nextDueOn: z.string().nullable(),
            due: z.boolean(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { audits: list, due } = await audits.list(contextOf(request))
      return { items: list.map(present), ...due }
    },
  )

  api.post(
    '/api/v1/knowledge-audits',
    {
      config: { access: auditEditors, api: true },
      schema: {
        ...common,
        summary:
          'Create a draft knowledge audit with its quiz: every question needs a right answer marked, a single-choice question exactly one',
        body: auditSchema,
        response: { 201: detailResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const id = await audits.create(contextOf(request), request.body)
      return reply.status(201).send(await detail(request, id))
    },
  )

  api.get(
    '/api/v1/knowledge-audits/:id',
    {
      config: { access: ['admin', 'subgroup', 'executive'], api: true },
      schema: {
        ...common,
        summary: 'One knowledge audit with its quiz and, once sent, how its sample was drawn',
        params: idParams,
        response: { 200: detailResponse, ...problemResponses },
      },
    },
    async (request) => detail(request, request.params.id),
  )

  api.post(
    '/api/v1/knowledge-audits/:id/send',
    {
      config: { access: auditEditors, api: true },
      schema: {
        ...common,
        summary:
          'Send a draft: draw the sample from a new recorded seed (no one invited in the last 12 months) and email each person their own link',
        params: idParams,
        response: { 200: detailResponse.extend({ sample: sampleResponse.unwrap() }), ...problemResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request)
      const { audit, sample }: { audit: Audit; sample: SampleSummary } = await audits.send(
        ctx,
        request.params.id,
      )
      const view = await audits.audit(ctx, audit.id)
      return { ...present(audit), questions: view.questions.map(presentQuestion), sample }
    },
  )

  api.get(
    '/api/v1/knowledge-audits/:id/results',
    {
      config: { access: auditReaders, api: true },
      schema: {
        ...common,
        summary:
          'A knowledge audit’s results: response, score distribution, per question overall, by agency and by sector, confidence, and the previous audit of the same learning; no group of fewer than 5 answers is given (an agency lead gets their agencies’ aggregate only)',
        params: idParams,
        response: { 200: resultsResponse, ...problemResponses },
      },
    },
    async (request) => presentResults(await audits.results(contextOf(request), request.params.id)),
  )
}
