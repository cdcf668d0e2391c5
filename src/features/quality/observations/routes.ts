import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import {
  dateBoxes,
  dateFromInput,
  errorFor,
  errorSummary,
  formText,
  onDateBoxes,
} from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { gradeNames, grades, ratingNames, ratings } from '../words.ts'
import { dayText } from './emails.ts'
import type { ObservationSubject } from './service.ts'
import { AlreadyDrawnError, drawEditors, drawReaders, observationReaders, observers } from './service.ts'

type Body = Record<string, unknown>

const shown = (errors: readonly FieldError[]) => {
  const moved = onDateBoxes(errors, ['observedOn'])
  return {
    errors: errorSummary(moved).map((e) => (e.href === '#form' ? { text: e.text } : e)),
    fieldErrors: errorFor(moved),
  }
}

const words = { gradeNames, grades, ratingNames, ratings }

/**
 * The draw of courses to observe in a round (read by overseers and the executive; drawn, added
 * to and set aside by admins), and observations: the list, recording one, reading one, and the
 * trainer's or lead's response to its feedback.
 */
export default async function observationRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { observations } = services

  async function drawPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    sent: {
      form: 'draw' | 'add' | 'set-aside'
      body: Body
      errors: FieldError[]
      pickId?: string
    } | null = null,
    status = 200,
  ) {
    const ctx = contextOf(request)
    const view = await observations.drawOf(ctx, request.params.id)
    const admin = drawEditors.some((r) => ctx.actor.roles.includes(r))
    return reply.status(status).view('quality/observations/views/draw.njk', {
      ...words,
      ...shown(sent?.errors ?? []),
      title: `Courses to observe: ${view.round.title}`,
      columns: 'full',
      view,
      drawnOn: view.round.drawnAt,
      canDraw: admin && !view.round.drawnAt,
      canChange: admin && view.round.drawnAt !== null,
      canObserve: observers.some((r) => ctx.actor.roles.includes(r)),
      values:
        sent?.form === 'add'
          ? { courseId: formText(sent.body.courseId), reason: formText(sent.body.reason) }
          : {},
      setAsideFor: sent?.form === 'set-aside' ? sent.pickId : null,
      setAsideReason: sent?.form === 'set-aside' ? formText(sent.body.reason) : '',
      backLink: `/quality/rounds/${view.round.id}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/quality/rounds/:id/draw',
    { config: { access: drawReaders } },
    (request, reply) => drawPage(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/quality/rounds/:id/draw',
    { config: { access: drawEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await observations.draw(contextOf(request), request.params.id)
        return reply.redirect(`/quality/rounds/${request.params.id}/draw`, 303)
      } catch (error) {
        if (error instanceof AlreadyDrawnError)
          return drawPage(
            request,
            reply,
            { form: 'draw', body, errors: [{ field: 'form', text: error.message }] },
            409,
          )
        if (error instanceof ValidationError)
          return drawPage(request, reply, { form: 'draw', body, errors: error.errors }, 400)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/quality/rounds/:id/picks',
    { config: { access: drawEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await observations.addPick(contextOf(request), request.params.id, {
          courseId: formText(body.courseId),
          reason: formText(body.reason),
        })
        return reply.redirect(`/quality/rounds/${request.params.id}/draw`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return drawPage(request, reply, { form: 'add', body, errors: error.errors }, 400)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string; pickId: string }; Body: Body }>(
    '/quality/rounds/:id/picks/:pickId/set-aside',
    { config: { access: drawEditors } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await observations.setAside(
          contextOf(request),
          request.params.id,
          request.params.pickId,
          formText(body.reason),
        )
        return reply.redirect(`/quality/rounds/${request.params.id}/draw`, 303)
      } catch (error) {
        if (error instanceof ValidationError)
          return drawPage(
            request,
            reply,
            {
              form: 'set-aside',
              body,
              pickId: request.params.pickId,
              errors: error.errors.map((e) => ({ ...e, field: `reason-${request.params.pickId}` })),
            },
            400,
          )
        throw error
      }
    },
  )

  app.get<{ Querystring: { sessionId?: string; roundId?: string } }>(
    '/quality/observations',
    { config: { access: observationReaders } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const list = await observations.list(ctx)
      return reply.view('quality/observations/views/list.njk', {
        ...words,
        title: 'Observations',
        columns: 'full',
        observations: list,
        canObserve: observers.some((r) => ctx.actor.roles.includes(r)),
      })
    },
  )

  async function formPage(
    reply: FastifyReply,
    subject: ObservationSubject & { observerName: string | null },
    body: Body | null,
    errors: FieldError[] = [],
  ) {
    const values: Record<string, string> = body
      ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, formText(v)]))
      : { observerName: subject.observerName ?? '', ...dateBoxes('observedOn', observations.today()) }
    return reply.status(errors.length ? 400 : 200).view('quality/observations/views/new.njk', {
      ...words,
      ...shown(errors),
      title: `Record an observation of ${subject.title}`,
      subject,
      values,
      backLink:
        subject.kind === 'pick'
          ? `/quality/rounds/${subject.pick.roundId}/draw`
          : '/quality/observations/new',
    })
  }

  app.get<{ Querystring: { sessionId?: string; pickId?: string } }>(
    '/quality/observations/new',
    { config: { access: observers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { sessionId, pickId } = request.query
      const of = typeof request.query === 'object' ? formText((request.query as Body).of) : ''
      const chosen =
        sessionId || pickId
          ? { sessionId: sessionId || undefined, pickId: pickId || undefined }
          : of.startsWith('session:')
            ? { sessionId: of.slice(8) }
            : of.startsWith('pick:')
              ? { pickId: of.slice(5) }
              : null
      if (chosen) {
        try {
          return await formPage(reply, await observations.subject(ctx, chosen), null)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return choosePage(
            request,
            reply,
            error.errors.map((e) => ({ ...e, field: 'of' })),
          )
        }
      }
      return choosePage(request, reply, [])
    },
  )

  async function choosePage(request: FastifyRequest, reply: FastifyReply, errors: FieldError[]) {
    const choices = await observations.choices(contextOf(request))
    return reply.status(errors.length ? 400 : 200).view('quality/observations/views/choose.njk', {
      ...shown(errors),
      title: 'Record an observation',
      choices,
      backLink: '/quality/observations',
    })
  }

  app.post<{ Body: Body }>(
    '/quality/observations/new',
    { config: { access: observers } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const target = {
        sessionId: formText(body.sessionId) || undefined,
        pickId: formText(body.pickId) || undefined,
      }
      const subject = await observations.subject(ctx, target)
      const rated = subject.version.standards.flatMap((s) => {
        const rating = formText(body[`rating-${s.id}`])
        return (ratings as readonly string[]).includes(rating)
          ? [{ standardId: s.id, rating, notes: formText(body[`notes-${s.id}`]) || undefined }]
          : []
      })
      const observedOn = dateFromInput(body, 'observedOn')
      try {
        const id = await observations.record(ctx, {
          ...target,
          observedOn,
          observerName: formText(body.observerName),
          ratings: rated,
          strengths: formText(body.strengths),
          areasToDevelop: formText(body.areasToDevelop),
          grade: formText(body.grade) || undefined,
        })
        return reply.redirect(`/quality/observations/${id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) {
          // Every missing rating is named, with whatever else the form got wrong.
          const missing = subject.version.standards
            .filter((s) => !rated.some((r) => r.standardId === s.id))
            .map((s) => ({ field: `ratings.${s.id}`, text: `Rate “${s.title}”` }))
          const errors = [...error.errors.filter((e) => !e.field.startsWith('ratings')), ...missing]
          return formPage(reply, subject, body, errors)
        }
        throw error
      }
    },
  )

  async function observationPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    body: Body | null = null,
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const o = await observations.observation(ctx, request.params.id)
    return reply.status(errors.length ? 400 : 200).view('quality/observations/views/observation.njk', {
      ...words,
      ...shown(errors),
      title: `Observation of ${o.subject}`,
      o,
      observedText: dayText(o.observedOn),
      values: { response: body ? formText(body.response) : '' },
      backLink: '/quality/observations',
    })
  }

  app.get<{ Params: { id: string } }>(
    '/quality/observations/:id',
    { config: { access: observationReaders } },
    (request, reply) => observationPage(request, reply),
  )

  app.get<{ Params: { id: string } }>(
    '/quality/observations/:id/response',
    { config: { access: observationReaders } },
    async (request, reply) => {
      const o = await observations.observation(contextOf(request), request.params.id)
      if (!o.canRespond) return reply.redirect(`/quality/observations/${o.id}`, 303)
      return observationPage(request, reply)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/quality/observations/:id/response',
    { config: { access: observationReaders } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await observations.respond(contextOf(request), request.params.id, formText(body.response))
        return reply.redirect(`/quality/observations/${request.params.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return observationPage(request, reply, body, error.errors)
        throw error
      }
    },
  )
}
