import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sectorNames, workforceNames } from '#features/directory/page-forms.ts'
import { productTypeNames } from '#features/learning/index.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, onDateBoxes } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { dayText } from './emails.ts'
import {
  detailsFromForm,
  detailsValuesOf,
  OPTION_ROWS,
  questionFromForm,
  questionValuesOf,
} from './page-forms.ts'
import { TOO_FEW } from './results.ts'
import { resultCharts } from './results-page.ts'
import { confidencePrompt, questionKindNames, questionKinds } from './rules.ts'
import { auditEditors, auditOverseers, auditReaders } from './service.ts'

type Body = Record<string, unknown>
type Sent = { form: 'question' | 'send'; body: Body; errors: FieldError[] }

/** Errors for the layout's summary (the date's error leads to its day box) and for each field. */
const shown = (errors: FieldError[]) => ({
  errors: errorSummary(onDateBoxes(errors, ['closesOn'])).map((e) =>
    e.href === '#form' ? { text: e.text } : e,
  ),
  fieldErrors: errorFor(onDateBoxes(errors, ['closesOn'])),
})

const words = {
  confidencePrompt,
  questionKindNames,
  productTypeNames,
  sectorNames,
  workforceNames,
  tooFew: TOO_FEW,
}

/**
 * The knowledge audits' pages: the list with when the next is due, a draft's details and quiz,
 * sending it to its sample, the results (an agency lead's agencies only), and one person's
 * answers for admins.
 */
export default async function knowledgeAuditRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { knowledgeAudits: audits } = services

  app.get('/knowledge-audits', { config: { access: auditReaders } }, async (request, reply) => {
    const ctx = contextOf(request)
    const { audits: list, due } = await audits.list(ctx)
    return reply.view('knowledge-audits/views/list.njk', {
      title: 'Knowledge audits',
      audits: list,
      due,
      dueText: due.nextDueOn ? dayText(due.nextDueOn) : null,
      lastText: due.lastSentOn ? dayText(due.lastSentOn) : null,
      canEdit: auditEditors.some((r) => ctx.actor.roles.includes(r)),
      oversees: auditOverseers.some((r) => ctx.actor.roles.includes(r)),
    })
  })

  async function detailsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string | null,
    body: Body | null,
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const view = id ? await audits.audit(ctx, id) : null
    const choices = await audits.learningChoices(ctx)
    const values = detailsValuesOf(body, view?.audit)
    if (!id && !body) values.sampleSize = String(await audits.defaultSampleSize(ctx))
    return reply.status(errors.length ? 400 : 200).view('knowledge-audits/views/details.njk', {
      ...words,
      title: id ? 'Change the knowledge audit' : 'New knowledge audit',
      action: id ? `/knowledge-audits/${id}/edit` : '/knowledge-audits/new',
      backLink: id ? `/knowledge-audits/${id}` : '/knowledge-audits',
      choices,
      values,
      ...shown(errors),
    })
  }

  app.get('/knowledge-audits/new', { config: { access: auditEditors } }, (request, reply) =>
    detailsPage(request, reply, null, null),
  )

  app.post<{ Body: Body }>(
    '/knowledge-audits/new',
    { config: { access: auditEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = detailsFromForm(body)
      if (!form.ok) return detailsPage(request, reply, null, body, form.errors)
      try {
        const id = await audits.create(contextOf(request), { ...form.data, questions: [] })
        return reply.redirect(`/knowledge-audits/${id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return detailsPage(request, reply, null, body, error.errors)
        throw error
      }
    },
  )

  async function auditPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    sent?: Sent,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await audits.audit(ctx, id)
    return reply.status(status).view('knowledge-audits/views/audit.njk', {
      ...words,
      title: view.audit.title,
      view,
      closesText: dayText(view.audit.closesOn),
      canEdit: auditEditors.some((r) => ctx.actor.roles.includes(r)) && view.audit.status === 'draft',
      optionRows: Array.from({ length: OPTION_ROWS }, (_, i) => i + 1),
      kinds: questionKinds,
      questionValues: sent?.form === 'question' ? questionValuesOf(sent.body) : { correct: [] },
      ...shown(sent?.errors ?? []),
      backLink: '/knowledge-audits',
    })
  }

  app.get<{ Params: { id: string } }>(
    '/knowledge-audits/:id',
    { config: { access: auditOverseers } },
    (request, reply) => auditPage(request, reply, request.params.id),
  )

  app.get<{ Params: { id: string } }>(
    '/knowledge-audits/:id/edit',
    { config: { access: auditEditors } },
    (request, reply) => detailsPage(request, reply, request.params.id, null),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/knowledge-audits/:id/edit',
    { config: { access: auditEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { audit } = await audits.audit(ctx, request.params.id)
      const body = request.body ?? {}
      const form = detailsFromForm(body)
      if (!form.ok) return detailsPage(request, reply, audit.id, body, form.errors)
      try {
        await audits.update(ctx, audit.id, form.data)
        return reply.redirect(`/knowledge-audits/${audit.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return detailsPage(request, reply, audit.id, body, error.errors)
        if (error instanceof ConflictError)
          return auditPage(
            request,
            reply,
            audit.id,
            { form: 'send', body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        throw error
      }
    },
  )

  /** Runs a change to the audit; a refusal re-renders its page with what was sent and why. */
  async function change(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    sent: Omit<Sent, 'errors'>,
    run: () => Promise<unknown>,
  ) {
    const id = request.params.id
    try {
      await run()
      return reply.redirect(`/knowledge-audits/${id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError)
        return auditPage(request, reply, id, { ...sent, errors: error.errors }, 400)
      if (error instanceof ConflictError)
        return auditPage(
          request,
          reply,
          id,
          { ...sent, errors: [{ field: 'form', text: error.message }] },
          409,
        )
      throw error
    }
  }

  app.post<{ Params: { id: string }; Body: Body }>(
    '/knowledge-audits/:id/questions',
    { config: { access: auditEditors } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { audit } = await audits.audit(ctx, request.params.id)
      const body = request.body ?? {}
      const form = questionFromForm(body)
      if (!form.ok)
        return auditPage(request, reply, audit.id, { form: 'question', body, errors: form.errors }, 400)
      return change(request, reply, { form: 'question', body }, () =>
        audits.addQuestion(ctx, audit.id, form.data),
      )
    },
  )

  app.post<{ Params: { id: string; questionId: string } }>(
    '/knowledge-audits/:id/questions/:questionId/remove',
    { config: { access: auditEditors } },
    (request, reply) =>
      change(request, reply, { form: 'send', body: {} }, () =>
        audits.removeQuestion(contextOf(request), request.params.id, request.params.questionId),
      ),
  )

  app.post<{ Params: { id: string } }>(
    '/knowledge-audits/:id/send',
    { config: { access: auditEditors } },
    (request, reply) =>
      change(request, reply, { form: 'send', body: {} }, () =>
        audits.send(contextOf(request), request.params.id),
      ),
  )

  app.get<{ Params: { id: string } }>(
    '/knowledge-audits/:id/results',
    { config: { access: auditReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const found = await audits.results(ctx, request.params.id)
      return reply.view('knowledge-audits/views/results.njk', {
        ...words,
        title: `Results: ${found.audit.title}`,
        found,
        r: found.results,
        charts: resultCharts(found.results),
        closesText: dayText(found.audit.closesOn),
        oversees: found.scope === 'all',
        isAdmin: ctx.actor.roles.includes('admin'),
        backLink: '/knowledge-audits',
      })
    },
  )

  // One person's answers: admins only, so the route refuses anyone else before anything is read.
  app.get<{ Params: { id: string; invitationId: string } }>(
    '/knowledge-audits/:id/invitations/:invitationId',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const found = await audits.personalAnswers(
        contextOf(request),
        request.params.id,
        request.params.invitationId,
      )
      const byQuestion = new Map(found.answers.answers.map((a) => [a.questionId, a]))
      return reply.view('knowledge-audits/views/invitation.njk', {
        title: `Answers: ${found.answers.invitation.name}`,
        found,
        rows: found.questions.map((q) => ({ question: q, answer: byQuestion.get(q.id) ?? null })),
        backLink: `/knowledge-audits/${found.audit.id}`,
      })
    },
  )
}
