import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actionStatusNames, actionStatusTags } from '#features/actions/index.ts'
import { addresseeNames, addressees } from '#features/reviews/words.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { dateBoxes, dateFromInput, errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { caseAuditStatusNames, caseGradeNames, caseGrades } from '../words.ts'
import { createFromForm, listOf, onPage, referencesFromForm } from './page-forms.ts'
import { caseAuditRunners, caseAuditUsers } from './service.ts'

type Body = Record<string, unknown>
type Sent = { body?: Body; errors?: FieldError[] } | null

const statusTags = {
  sampling: 'govuk-tag--grey',
  answering: 'govuk-tag--blue',
  panel: 'govuk-tag--yellow',
  concluded: 'govuk-tag--green',
}

const words = {
  statusNames: caseAuditStatusNames,
  statusTags,
  gradeNames: caseGradeNames,
  grades: caseGrades,
  addressees,
  addresseeNames,
  actionStatusNames,
  actionStatusTags,
}

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors).map((e) => (e.href === '#form' ? { text: e.text } : e)),
  fieldErrors: errorFor(errors),
})

const base = '/audits/case-audits'

/**
 * The case audit pages: the list and opening one; the audit's page (the sample, sending it,
 * the panel's progress and escalations waiting); a case's page (references, answers, grade,
 * escalation); the panel's findings, recommendations and actions; and an escalation's
 * acknowledgement.
 */
export default async function caseAuditRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { caseAudits } = services

  /** Runs a change and goes on; a refusal shows the page again with why, changing nothing. */
  async function act(
    reply: FastifyReply,
    run: () => Promise<unknown>,
    to: string | (() => string),
    again: (sent: Sent, status: number) => Promise<unknown>,
    body: Body,
    fields: (errors: FieldError[]) => FieldError[] = (e) => e,
  ) {
    try {
      await run()
      return reply.redirect(typeof to === 'string' ? to : to(), 303)
    } catch (error) {
      if (error instanceof ValidationError) return again({ body, errors: fields(error.errors) }, 400)
      if (error instanceof ConflictError)
        return again({ body, errors: [{ field: 'form', text: error.message }] }, 409)
      throw error
    }
  }

  app.get(base, { config: { access: caseAuditUsers } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('audits/case-audits/views/list.njk', {
      ...words,
      title: 'Multi-agency case audits',
      audits: await caseAudits.list(ctx),
      canOpen: ctx.actor.roles.includes('admin'),
    })
  })

  async function newPage(request: FastifyRequest, reply: FastifyReply, sent: Sent = null, status = 200) {
    const choices = await caseAudits.createChoices(contextOf(request))
    const body = sent?.body ?? {}
    return reply.status(status).view('audits/case-audits/views/new.njk', {
      title: 'Open a case audit',
      choices,
      values: { ...body, agencyIds: listOf(body.agencyIds) },
      backLink: base,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get(`${base}/new`, { config: { access: caseAuditRunners } }, (request, reply) =>
    newPage(request, reply),
  )
  app.post<{ Body: Body }>(
    `${base}/new`,
    { config: { access: caseAuditRunners } },
    async (request, reply) => {
      const body = request.body ?? {}
      let id = ''
      return act(
        reply,
        async () => {
          id = await caseAudits.create(contextOf(request), createFromForm(body))
        },
        () => `${base}/${id}`,
        (sent, status) => newPage(request, reply, sent, status),
        body,
        (errors) => onPage(errors, body),
      )
    },
  )

  type IdParams = { Params: { id: string } }

  async function auditPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const view = await caseAudits.view(contextOf(request), request.params.id)
    const givable = view.may.oversees
      ? view.audit.agencies
      : view.audit.agencies.filter((a) => view.may.ledAgencyIds.includes(a.agencyId))
    return reply.status(status).view('audits/case-audits/views/audit.njk', {
      ...words,
      title: view.audit.title,
      view,
      givable,
      openEscalations: view.escalations.filter((e) => e.notices.some((n) => !n.acknowledgedAt)),
      values: sent?.body ?? {},
      backLink: base,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<IdParams>(`${base}/:id`, { config: { access: caseAuditUsers } }, (request, reply) =>
    auditPage(request, reply),
  )

  app.post<IdParams & { Body: Body }>(
    `${base}/:id/cases`,
    { config: { access: caseAuditUsers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const view = await caseAudits.view(ctx, request.params.id)
      const ids = view.audit.agencies.map((a) => a.agencyId)
      return act(
        reply,
        () => caseAudits.saveReferences(ctx, request.params.id, null, referencesFromForm(body, ids)),
        `${base}/${request.params.id}`,
        (sent, status) => auditPage(request, reply, sent, status),
        body,
        (errors) => onPage(errors, body, ids),
      )
    },
  )

  for (const [path, run] of [
    ['send', (r: FastifyRequest<IdParams>) => caseAudits.send(contextOf(r), r.params.id)],
    ['to-panel', (r: FastifyRequest<IdParams>) => caseAudits.toPanel(contextOf(r), r.params.id)],
    ['conclude', (r: FastifyRequest<IdParams>) => caseAudits.conclude(contextOf(r), r.params.id)],
  ] as const)
    app.post<IdParams & { Body: Body }>(
      `${base}/:id/${path}`,
      { config: { access: caseAuditRunners } },
      (request, reply) =>
        act(
          reply,
          () => run(request),
          `${base}/${request.params.id}`,
          (sent, status) => auditPage(request, reply, sent, status),
          request.body ?? {},
        ),
    )

  type CaseParams = { Params: { id: string; caseId: string } }

  async function casePage(
    request: FastifyRequest<CaseParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const view = await caseAudits.caseView(contextOf(request), request.params.id, request.params.caseId)
    const givable = view.may.addCases
      ? view.audit.agencies.filter((a) => view.may.oversees || view.may.ledAgencyIds.includes(a.agencyId))
      : []
    const answerOf = (agencyId: string, questionId: string) =>
      view.answers.find((a) => a.agencyId === agencyId && a.questionId === questionId)?.answer ?? null
    return reply.status(status).view('audits/case-audits/views/case.njk', {
      ...words,
      title: `Case ${view.kase.position}: ${view.audit.title}`,
      view,
      givable,
      answerOf,
      values: sent?.body ?? {},
      backLink: `${base}/${view.audit.id}`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<CaseParams>(`${base}/:id/cases/:caseId`, { config: { access: caseAuditUsers } }, (request, reply) =>
    casePage(request, reply),
  )

  const caseUrl = (p: CaseParams['Params']) => `${base}/${p.id}/cases/${p.caseId}`

  app.post<CaseParams & { Body: Body }>(
    `${base}/:id/cases/:caseId/references`,
    { config: { access: caseAuditUsers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const view = await caseAudits.caseView(ctx, request.params.id, request.params.caseId)
      const ids = view.audit.agencies.map((a) => a.agencyId)
      return act(
        reply,
        () =>
          caseAudits.saveReferences(
            ctx,
            request.params.id,
            request.params.caseId,
            referencesFromForm(body, ids),
          ),
        caseUrl(request.params),
        (sent, status) => casePage(request, reply, sent, status),
        body,
        (errors) => onPage(errors, body, ids),
      )
    },
  )

  app.post<CaseParams & { Body: Body }>(
    `${base}/:id/cases/:caseId/answers`,
    { config: { access: caseAuditUsers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const agencyId = formText(body.agencyId)
      const view = await caseAudits.caseView(ctx, request.params.id, request.params.caseId)
      const answers = view.audit.questions.map((q) => ({
        questionId: q.id,
        answer: formText(body[`answer-${agencyId}-${q.id}`]),
      }))
      return act(
        reply,
        () => caseAudits.answer(ctx, request.params.id, request.params.caseId, { agencyId, answers }),
        `${caseUrl(request.params)}?saved=1`,
        (sent, status) => casePage(request, reply, sent, status),
        body,
        (errors) =>
          errors.map((e) => {
            const at = /^answers\.(\d+)\./.exec(e.field)
            return at ? { ...e, field: `answer-${agencyId}-${answers[Number(at[1])]?.questionId ?? ''}` } : e
          }),
      )
    },
  )

  app.post<CaseParams & { Body: Body }>(
    `${base}/:id/cases/:caseId/grade`,
    { config: { access: caseAuditRunners } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.grade(contextOf(request), request.params.id, request.params.caseId, {
            grade: formText(body.grade) as never,
            learning: formText(body.learning),
          }),
        caseUrl(request.params),
        (sent, status) => casePage(request, reply, sent, status),
        body,
      )
    },
  )

  app.post<CaseParams & { Body: Body }>(
    `${base}/:id/cases/:caseId/escalations`,
    { config: { access: caseAuditUsers } },
    (request, reply) => {
      const body = request.body ?? {}
      let escalationId = ''
      return act(
        reply,
        async () => {
          escalationId = await caseAudits.escalate(
            contextOf(request),
            request.params.id,
            request.params.caseId,
            {
              reason: formText(body.reason),
            },
          )
        },
        () => `${base}/${request.params.id}/escalations/${escalationId}`,
        (sent, status) => casePage(request, reply, sent, status),
        body,
      )
    },
  )

  async function panelPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await caseAudits.view(ctx, request.params.id)
    const choices = await caseAudits.createChoices(ctx)
    const audit = view.audit
    const values = sent?.body ?? {
      ...dateBoxes('panelOn', audit.panelOn),
      attendees: audit.panelAttendees ?? '',
      summary: audit.panelSummary ?? '',
    }
    return reply.status(status).view('audits/case-audits/views/panel.njk', {
      ...words,
      title: `Panel: ${audit.title}`,
      view,
      themes: choices.themes,
      values: { ...values, themes: listOf(values.themes) },
      backLink: `${base}/${audit.id}`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<IdParams>(`${base}/:id/panel`, { config: { access: caseAuditRunners } }, (request, reply) =>
    panelPage(request, reply),
  )

  app.post<IdParams & { Body: Body }>(
    `${base}/:id/panel`,
    { config: { access: caseAuditRunners } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.recordPanel(contextOf(request), request.params.id, {
            panelOn: dateFromInput(body, 'panelOn'),
            attendees: formText(body.attendees),
            summary: formText(body.summary),
          }),
        `${base}/${request.params.id}/panel`,
        (sent, status) => panelPage(request, reply, sent, status),
        body,
        (errors) => onPage(errors, body),
      )
    },
  )

  app.post<IdParams & { Body: Body }>(
    `${base}/:id/findings`,
    { config: { access: caseAuditRunners } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.addFinding(contextOf(request), request.params.id, {
            text: formText(body.text),
            themes: listOf(body.themes),
            caseId: formText(body.caseId) || null,
          }),
        `${base}/${request.params.id}/panel`,
        (sent, status) => panelPage(request, reply, sent, status),
        body,
      )
    },
  )

  type FindingParams = { Params: { id: string; findingId: string } }

  async function recommendationPage(
    request: FastifyRequest<FindingParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await caseAudits.view(ctx, request.params.id)
    const finding = view.findings.find((f) => f.id === request.params.findingId)
    if (!finding) return reply.callNotFound()
    const choices = await caseAudits.createChoices(ctx)
    const body = sent?.body ?? {}
    return reply.status(status).view('audits/case-audits/views/recommendation.njk', {
      ...words,
      title: 'Make a recommendation',
      view,
      finding,
      agencies: choices.agencies,
      subgroups: choices.subgroups,
      values: { ...body, agencyIds: listOf(body.agencyIds) },
      backLink: `${base}/${view.audit.id}/panel`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<FindingParams>(
    `${base}/:id/findings/:findingId/recommendations`,
    { config: { access: caseAuditRunners } },
    (request, reply) => recommendationPage(request, reply),
  )

  app.post<FindingParams & { Body: Body }>(
    `${base}/:id/findings/:findingId/recommendations`,
    { config: { access: caseAuditRunners } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.addRecommendation(contextOf(request), request.params.id, request.params.findingId, {
            text: formText(body.text),
            addressedTo: formText(body.addressedTo) as never,
            subgroupId: formText(body.subgroupId) || null,
            agencyIds: listOf(body.agencyIds),
            nationalBody: formText(body.nationalBody) || null,
            response: 'accepted',
            responseReason: null,
          }),
        `${base}/${request.params.id}/panel`,
        (sent, status) => recommendationPage(request, reply, sent, status),
        body,
      )
    },
  )

  type RecommendationParams = { Params: { id: string; recommendationId: string } }

  async function actionPage(
    request: FastifyRequest<RecommendationParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await caseAudits.view(ctx, request.params.id)
    const recommendation = view.recommendations.find((r) => r.id === request.params.recommendationId)
    if (!recommendation) return reply.callNotFound()
    const choices = await caseAudits.createChoices(ctx)
    return reply.status(status).view('audits/case-audits/views/action.njk', {
      ...words,
      title: 'Agree an action',
      view,
      recommendation,
      agencies: choices.agencies,
      subgroups: choices.subgroups,
      values: sent?.body ?? {},
      backLink: `${base}/${view.audit.id}/panel`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<RecommendationParams>(
    `${base}/:id/recommendations/:recommendationId/actions`,
    { config: { access: caseAuditRunners } },
    (request, reply) => actionPage(request, reply),
  )

  app.post<RecommendationParams & { Body: Body }>(
    `${base}/:id/recommendations/:recommendationId/actions`,
    { config: { access: caseAuditRunners } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.addAction(contextOf(request), request.params.id, request.params.recommendationId, {
            description: formText(body.description),
            owningAgencyId: formText(body.owningAgencyId) || null,
            owningSubgroupId: formText(body.owningSubgroupId) || null,
            ownerEmail: formText(body.ownerEmail),
            successMeasure: formText(body.successMeasure),
            dueOn: dateFromInput(body, 'dueOn'),
          }),
        `${base}/${request.params.id}/panel`,
        (sent, status) => actionPage(request, reply, sent, status),
        body,
        (errors) => onPage(errors, body),
      )
    },
  )

  type EscalationParams = { Params: { id: string; escalationId: string } }

  async function escalationPage(
    request: FastifyRequest<EscalationParams>,
    reply: FastifyReply,
    sent: Sent = null,
    status = 200,
  ) {
    const found = await caseAudits.escalation(
      contextOf(request),
      request.params.id,
      request.params.escalationId,
    )
    return reply.status(status).view('audits/case-audits/views/escalation.njk', {
      ...words,
      title: `Escalation: Case ${found.escalation.casePosition}, ${found.audit.title}`,
      found,
      values: sent?.body ?? {},
      backLink: `${base}/${found.audit.id}`,
      ...shown(sent?.errors ?? []),
    })
  }

  app.get<EscalationParams>(
    `${base}/:id/escalations/:escalationId`,
    { config: { access: caseAuditUsers } },
    (request, reply) => escalationPage(request, reply),
  )

  app.post<EscalationParams & { Body: Body }>(
    `${base}/:id/escalations/:escalationId`,
    { config: { access: caseAuditUsers } },
    (request, reply) => {
      const body = request.body ?? {}
      return act(
        reply,
        () =>
          caseAudits.acknowledge(contextOf(request), request.params.id, request.params.escalationId, {
            agencyId: formText(body.agencyId),
            note: formText(body.note),
          }),
        `${base}/${request.params.id}/escalations/${request.params.escalationId}`,
        (sent, status) => escalationPage(request, reply, sent, status),
        body,
      )
    },
  )
}
