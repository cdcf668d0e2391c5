import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { problemResponses, problemSchema } from '#platform/http/openapi.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditUsers } from '../access.ts'
import { returnStatuses, scaleRatings } from '../words.ts'
import { answerSchema } from './forms.ts'
import type { SavedAnswer } from './queries.ts'
import type { ReturnView } from './service.ts'
import { AnswerConflictError } from './service.ts'

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)
const ratings = [...new Set(Object.values(scaleRatings).flat())] as [string, ...string[]]

const answerResponse = z.object({
  standardId: z.uuid(),
  ref: z.string().describe('The standard’s number, like 2.3'),
  rating: z.enum(ratings).nullable(),
  narrative: z.string().nullable(),
  version: z.number().int().describe('Send this back as `version` with the next save'),
  updatedBy: z.string().nullable().describe('The name of whoever last changed the answer'),
  updatedAt: z.string().nullable(),
})

const returnResponse = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  cycleTitle: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  dueOn: z.string(),
  status: z.enum(returnStatuses),
  scale: z.enum(['four_point', 'rag']),
  seniorLeadUserId: z.uuid().nullable(),
  carriedFrom: z.uuid().nullable(),
  signedOffBy: z.string().nullable(),
  submittedAt: z.string().nullable(),
  answered: z.number().int(),
  total: z.number().int(),
  answers: z
    .array(answerResponse)
    .describe('Every standard of the template version, in order, answered or not'),
})

/** A 409: a save against an older version carries the answer as it now stands; a submitted return does not. */
const conflictResponse = problemSchema.extend({
  current: answerResponse.nullable().optional().describe('The answer as it now stands, after a stale save'),
})

const presentAnswer = (
  standard: { id: string; ref: string },
  a: SavedAnswer | null,
): z.infer<typeof answerResponse> => ({
  standardId: standard.id,
  ref: standard.ref,
  rating: a?.rating ?? null,
  narrative: a?.narrative ?? null,
  version: a?.version ?? 0,
  updatedBy: a?.updatedByName ?? null,
  updatedAt: a ? iso(a.updatedAt) : null,
})

const presentReturn = (v: ReturnView): z.infer<typeof returnResponse> => ({
  id: v.ret.id,
  cycleId: v.ret.cycleId,
  cycleTitle: v.ret.cycleTitle,
  agencyId: v.ret.agencyId,
  agencyName: v.ret.agencyName,
  dueOn: v.ret.dueOn,
  status: v.ret.status,
  scale: v.ret.scale,
  seniorLeadUserId: v.ret.seniorLeadUserId,
  carriedFrom: v.ret.carriedFrom,
  signedOffBy: v.ret.signedOffByName,
  submittedAt: iso(v.ret.submittedAt),
  answered: v.answered,
  total: v.total,
  answers: v.sections.flatMap((s) => s.rows.map((r) => presentAnswer(r.standard, r.answer))),
})

const idParams = z.object({ id: z.string().describe('The return’s id') })
const answerParams = idParams.extend({
  standardId: z.string().describe('The standard’s id, from the return’s answers'),
})

/**
 * An agency's audit return: read it, save one answer at a time against the version last read
 * (a stale version is 409 with the answer as it stands), and submit it as its senior lead.
 */
export default async function auditReturnApi(app: FastifyInstance, { services }: { services: Services }) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const returns = services.auditReturns
  const common = { security: [{ bearer: [] }], tags: ['audits'] }

  api.get(
    '/api/v1/audit-returns/:id',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary:
          'An agency’s audit return with its answers, to its agency’s leads, the colleagues named on it, its reviewer and admins',
        params: idParams,
        response: { 200: returnResponse, ...problemResponses },
      },
    },
    async (request) => presentReturn(await returns.return(contextOf(request), request.params.id)),
  )

  api.put(
    '/api/v1/audit-returns/:id/answers/:standardId',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Save one answer (its agency’s leads and named colleagues, until submitted). `version` is the answer’s version you last read, 0 or left out for a first answer; if someone has saved it since, nothing is written and the answer is 409 carrying the answer as it now stands. A rating must be on the template’s scale',
        params: answerParams,
        body: answerSchema,
        response: { 200: answerResponse, ...problemResponses, 409: conflictResponse },
      },
    },
    async (request, reply) => {
      const { id, standardId } = request.params
      try {
        const saved = await returns.saveAnswer(contextOf(request), id, standardId, request.body)
        const found = await returns.answer(contextOf(request), id, standardId)
        return presentAnswer(found.standard, saved)
      } catch (error) {
        if (!(error instanceof AnswerConflictError)) throw error
        return reply
          .status(409)
          .type('application/problem+json')
          .send({
            type: 'about:blank',
            title: 'Conflict',
            status: 409,
            detail: error.message,
            current: error.current ? presentAnswer(error.standard, error.current) : null,
          })
      }
    },
  )

  api.post(
    '/api/v1/audit-returns/:id/submit',
    {
      config: { access: auditUsers, api: true },
      schema: {
        ...common,
        summary:
          'Sign off and submit the return, as its senior lead only (403 for anyone else), once every standard is rated with a narrative (400 naming each one not); 409 once submitted. Its reviewer is emailed',
        params: idParams,
        response: { 200: returnResponse, ...problemResponses },
      },
    },
    async (request) => presentReturn(await returns.submit(contextOf(request), request.params.id)),
  )
}
