import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { openToAnyoneLimit } from '#platform/http/rate-limit.ts'
import type { Services } from '#src/services.ts'
import { dayText } from './emails.ts'
import { answersFromForm } from './page-forms.ts'
import { confidencePrompt } from './rules.ts'
import type { LinkedAudit } from './service.ts'

type Params = { slug: string; token: string }
type Body = Record<string, unknown>

const problemTitles = {
  forged: 'This link does not work',
  answered: 'You have already answered this knowledge audit',
  closed: 'This knowledge audit has closed',
} as const

/**
 * A practitioner's knowledge audit, answered from the personal link in their email without
 * signing in: one page of questions, every problem shown at once, answered once. Rate-limited
 * like signing in.
 */
export default async function knowledgeAuditRespondRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { knowledgeAudits: audits } = services
  const config = { access: 'public' as const, rateLimit: openToAnyoneLimit(services.config) }

  function problem(reply: FastifyReply, found: Extract<LinkedAudit, { ok: false }>) {
    const status = { forged: 404, answered: 409, closed: 410 }[found.problem]
    return reply.status(status).view('knowledge-audits/views/answer-problem.njk', {
      title: problemTitles[found.problem],
      problem: found.problem,
      auditTitle: found.title,
      closesText: found.closesOn ? dayText(found.closesOn) : null,
    })
  }

  function quizPage(
    reply: FastifyReply,
    found: Extract<LinkedAudit, { ok: true }>,
    body: Body,
    errors: FieldError[] = [],
    status?: number,
  ) {
    const values: Record<string, unknown> = {
      confidence: typeof body.confidence === 'string' ? body.confidence : '',
    }
    for (const q of found.questions) {
      const raw = body[`answers.${q.id}`]
      values[`answers.${q.id}`] = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []
    }
    return reply.status(status ?? (errors.length ? 400 : 200)).view('knowledge-audits/views/answer.njk', {
      title: found.invitation.title,
      confidencePrompt,
      found,
      closesText: dayText(found.invitation.closesOn),
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  app.get<{ Params: Params }>('/p/:slug/knowledge-audits/:token', { config }, async (request, reply) => {
    const found = await audits.linked(request.params.slug, request.params.token)
    return found.ok ? quizPage(reply, found, {}) : problem(reply, found)
  })

  app.post<{ Params: Params; Body: Body }>(
    '/p/:slug/knowledge-audits/:token',
    { config },
    async (request, reply) => {
      const { slug, token } = request.params
      const body = request.body ?? {}
      const found = await audits.linked(slug, token)
      if (!found.ok) return problem(reply, found)
      try {
        await audits.answer(found, answersFromForm(body, found.questions))
      } catch (error) {
        if (error instanceof ValidationError) return quizPage(reply, found, body, error.errors)
        if (!(error instanceof ConflictError)) throw error
        // Answered in another tab, or closed while the page was open: the page says which.
        const now = await audits.linked(slug, token)
        return now.ok ? quizPage(reply, now, {}, [], 409) : problem(reply, now)
      }
      return reply.view('knowledge-audits/views/thanks.njk', {
        title: 'Thank you',
        auditTitle: found.invitation.title,
      })
    },
  )
}
