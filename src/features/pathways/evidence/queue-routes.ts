import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, formText, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { decisionSchema } from './forms.ts'
import { summaryOf } from './page-form.ts'
import type { Evidence } from './queries.ts'
import { evidenceView } from './view-model.ts'

const leads = ['admin', 'agency-lead'] as const

/** The agency lead's queue: evidence waiting to be verified or turned down, and each decision. */
export default async function evidenceQueueRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { evidence } = services

  app.get<{ Querystring: Record<string, string> }>(
    '/evidence',
    { config: { access: leads } },
    async (request, reply) => {
      const waiting = await evidence.awaiting(contextOf(request))
      return reply.view('pathways/evidence/views/queue.njk', {
        title: 'Evidence to verify',
        columns: 'full',
        evidence: waiting.map(evidenceView),
        decided: request.query.decided === '1',
      })
    },
  )

  function evidencePage(
    reply: FastifyReply,
    found: Evidence,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = 200,
    conflict: string | null = null,
  ) {
    return reply.status(status).view('pathways/evidence/views/evidence.njk', {
      title: found.title,
      evidence: evidenceView(found),
      conflict,
      values,
      errors: summaryOf(errors),
      fieldErrors: errorFor(errors),
      backLink: '/evidence',
    })
  }

  app.get<{ Params: { id: string } }>(
    '/evidence/:id',
    { config: { access: leads } },
    async (request, reply) =>
      evidencePage(reply, await evidence.one(contextOf(request), request.params.id), {}),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/evidence/:id',
    { config: { access: leads } },
    async (request, reply) => {
      const ctx = contextOf(request)
      // The evidence first: one the lead may not see is not found, whatever was sent.
      const found = await evidence.one(ctx, request.params.id)
      const body = request.body ?? {}
      const decision = formText(body.decision)
      if (decision !== 'verified' && decision !== 'rejected')
        return evidencePage(
          reply,
          found,
          body,
          [{ field: 'decision', text: 'Select whether you verify the evidence' }],
          400,
        )
      const form = parseForm(decisionSchema, { decision, reason: body.reason })
      if (!form.ok) return evidencePage(reply, found, body, form.errors, 400)
      try {
        await evidence.decide(ctx, found.id, form.data)
      } catch (error) {
        if (error instanceof ValidationError) return evidencePage(reply, found, body, error.errors, 400)
        // Decided by someone else meanwhile: show what they decided, and say so.
        if (error instanceof ConflictError)
          return evidencePage(reply, await evidence.one(ctx, found.id), {}, [], 409, error.message)
        throw error
      }
      return reply.redirect('/evidence?decided=1', 303)
    },
  )
}
