import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { actionStatusNames, actionStatusTags } from '#features/actions/index.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { dateFromInput, errorFor, errorSummary, formText } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { auditOverseers, auditUsers } from '../access.ts'
import {
  auditRatingNames,
  resolutionNames,
  returnStatusNames,
  returnStatusTags,
  reviewNames,
  scaleRatings,
} from '../words.ts'
import type { EventInput, SettlementInput } from './forms.ts'
import { challengeReaders } from './service.ts'

type Body = Record<string, unknown>
type Params = { Params: { id: string } }

const words = {
  auditRatingNames,
  reviewNames,
  resolutionNames,
  returnStatusNames,
  returnStatusTags,
  actionStatusNames,
  actionStatusTags,
  scaleRatings,
}

const shown = (errors: FieldError[]) => ({
  errors: errorSummary(errors).map((e) => (e.href === '#form' ? { text: e.text } : e)),
  fieldErrors: errorFor(errors),
})

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  )

/** What a refused change's error is shown as on the page it came from. */
function onPage(error: unknown, fields: (e: FieldError) => FieldError = (e) => e): FieldError[] {
  if (error instanceof ValidationError) return error.errors.map(fields)
  if (error instanceof ConflictError) return [{ field: 'form', text: error.message }]
  throw error
}

/**
 * The pages after a return is submitted: its review (agree or challenge each answer), the
 * cycle's challenge events, and the agency's action plan.
 */
export default async function auditChallengeRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
) {
  const { auditChallenge: challenge } = services

  async function reviewPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    body: Body = {},
    errors: FieldError[] = [],
  ) {
    const found = await challenge.reviewable(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('audits/challenge/views/review.njk', {
      ...words,
      title: `Review: ${found.ret.agencyName}`,
      found,
      values: body,
      backLink: `/audits/returns/${found.ret.id}`,
      ...shown(errors),
    })
  }

  app.get<Params>('/audits/returns/:id/review', { config: { access: auditUsers } }, (request, reply) =>
    reviewPage(request, reply),
  )

  app.post<Params & { Body: Body }>(
    '/audits/returns/:id/review',
    { config: { access: auditUsers } },
    async (request, reply) => {
      const body = request.body ?? {}
      const ctx = contextOf(request)
      const found = await challenge.reviewable(ctx, request.params.id)
      const answers = found.answers.flatMap((a) => {
        const review = formText(body[`review-${a.standardId}`])
        return review
          ? [{ standardId: a.standardId, review, note: formText(body[`note-${a.standardId}`]) }]
          : []
      })
      try {
        // The form's choices are checked by the service, as the API's are.
        await challenge.review(ctx, found.ret.id, { answers } as never)
        return reply.redirect(`/audits/returns/${found.ret.id}`, 303)
      } catch (error) {
        return reviewPage(
          request,
          reply,
          body,
          onPage(error, (e) => (e.field.startsWith('answers.') ? { ...e, field: 'form' } : e)),
        )
      }
    },
  )

  async function challengePage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    body: Body = {},
    errors: FieldError[] = [],
  ) {
    const found = await challenge.challengePage(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('audits/challenge/views/challenge.njk', {
      ...words,
      title: `Challenge: ${found.cycle.title}`,
      found,
      ratings: scaleRatings[found.cycle.scale],
      values: { ...body, returnIds: listOf(body.returnIds) },
      backLink: `/audits/cycles/${found.cycle.id}`,
      ...shown(errors),
    })
  }

  app.get<Params>(
    '/audits/cycles/:id/challenge',
    { config: { access: challengeReaders } },
    (request, reply) => challengePage(request, reply),
  )

  app.post<Params & { Body: Body }>(
    '/audits/cycles/:id/challenge',
    { config: { access: auditOverseers } },
    async (request, reply) => {
      const body = request.body ?? {}
      const ctx = contextOf(request)
      const found = await challenge.challengePage(ctx, request.params.id)
      // Each settled answer's fields are named by its return and standard; an answer left
      // without an outcome stays challenged for a later event.
      const settlements: SettlementInput[] = []
      for (const r of found.returns)
        for (const a of r.answers) {
          const key = `${a.returnId}-${a.standardId}`
          const resolution = formText(body[`resolution-${key}`])
          if (!resolution) continue
          settlements.push({
            returnId: a.returnId,
            standardId: a.standardId,
            resolution,
            revisedRating: formText(body[`revisedRating-${key}`]) || null,
            note: formText(body[`note-${key}`]) || null,
          } as SettlementInput)
        }
      const typed = dateFromInput(body, 'heldOn')
      const input = {
        heldOn: typed,
        attendees: formText(body.attendees),
        notes: formText(body.notes) || null,
        returnIds: listOf(body.returnIds),
        settlements,
      } as EventInput
      try {
        await challenge.recordEvent(ctx, found.cycle.id, input)
        return reply.redirect(`/audits/cycles/${found.cycle.id}/challenge`, 303)
      } catch (error) {
        const errors = onPage(error, (e) => {
          if (e.field === 'heldOn') return { ...e, field: 'heldOn-day' }
          const m = /^settlements\.(\d+)\.(\w+)$/.exec(e.field)
          const s = m ? settlements[Number(m[1])] : undefined
          if (!m || !s) return e
          const name = m[2] === 'standardId' ? 'resolution' : m[2]
          return { ...e, field: `${name}-${s.returnId}-${s.standardId}` }
        })
        return challengePage(request, reply, body, errors)
      }
    },
  )

  async function planPage(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    body: Body = {},
    errors: FieldError[] = [],
  ) {
    const plan = await challenge.actionPlan(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('audits/challenge/views/action-plan.njk', {
      ...words,
      title: `Action plan: ${plan.ret.agencyName}`,
      plan,
      values: body,
      backLink: `/audits/returns/${plan.ret.id}`,
      ...shown(errors),
    })
  }

  app.get<Params>('/audits/returns/:id/action-plan', { config: { access: auditUsers } }, (request, reply) =>
    planPage(request, reply),
  )

  app.post<Params & { Body: Body }>(
    '/audits/returns/:id/action-plan',
    { config: { access: auditUsers } },
    async (request, reply) => {
      const body = request.body ?? {}
      const input = {
        standardId: formText(body.standardId),
        description: formText(body.description),
        successMeasure: formText(body.successMeasure),
        dueOn: dateFromInput(body, 'dueOn'),
        ownerUserId: formText(body.ownerUserId),
      }
      try {
        await challenge.raiseAction(contextOf(request), request.params.id, input)
        return reply.redirect(`/audits/returns/${request.params.id}/action-plan`, 303)
      } catch (error) {
        return planPage(
          request,
          reply,
          body,
          onPage(error, (e) => (e.field === 'dueOn' ? { ...e, field: 'dueOn-day' } : e)),
        )
      }
    },
  )
}
