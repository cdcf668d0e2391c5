import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Course } from '#features/courses/queries.ts'
import type { PoolMember } from '#features/trainers/service.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { sessionStatusNames } from './forms.ts'
import { formValuesOf, onPage, partRowsOf, sessionFromForm } from './page-forms.ts'
import type { ScheduledSession } from './service.ts'

const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const
type Body = Record<string, unknown>
type Form = { action: string; title: string; backLink: string; editing?: ScheduledSession }

/** The session pages: scheduling a course's sessions on screen, changing and cancelling them. */
export default async function sessionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { courses, courseSessions: sessions, trainers } = services

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    course: Course,
    form: Form,
    values: Body,
    problems: { errors?: FieldError[]; warnings?: string[] } = {},
    // The course's trainers, when the caller has read them already.
    trainersRead?: PoolMember[],
  ) {
    const errors = onPage(problems.errors ?? [])
    const approved = trainersRead ?? (await trainers.approvedFor(contextOf(request), course.id))
    return reply.status(errors.length ? 400 : 200).view('sessions/views/session-form.njk', {
      ...form,
      course,
      trainers: approved,
      values,
      partRows: partRowsOf(values),
      warnings: problems.warnings ?? [],
      askOverride:
        errors.some((e) => e.field === 'capacityOverrideReason') || Boolean(values.capacityOverrideReason),
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  /**
   * Saves the form: re-shows it with the errors, or with the bank holidays it falls on until
   * the admin confirms them, else schedules or changes the session.
   */
  async function save(
    request: FastifyRequest<{ Body: Body }>,
    reply: FastifyReply,
    course: Course,
    form: Form,
  ) {
    const ctx = contextOf(request)
    const body = request.body ?? {}
    if (body.addPart !== undefined)
      return showForm(request, reply, course, form, { ...body, partRows: String(partRowsOf(body)) })
    const parsed = sessionFromForm(body, course.id)
    if (!parsed.ok) return showForm(request, reply, course, form, body, { errors: parsed.errors })
    const warnings = await sessions.warningsFor(ctx, parsed.data.parts ?? [])
    if (warnings.length && body.bankHolidayConfirmed !== 'yes')
      return showForm(request, reply, course, form, body, { warnings })
    try {
      const { courseId: _course, ...fields } = parsed.data
      const saved = form.editing
        ? await sessions.change(ctx, form.editing.id, fields)
        : await sessions.create(ctx, parsed.data)
      return reply.redirect(`/sessions/${saved.id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError)
        return showForm(request, reply, course, form, body, { errors: error.errors })
      if (error instanceof ConflictError)
        return showForm(request, reply, course, form, body, {
          errors: [{ field: 'form', text: error.message }],
        })
      throw error
    }
  }

  const newForm = (course: Course): Form => ({
    action: `/courses/${course.id}/sessions/new`,
    title: `Add a session of ${course.title}`,
    backLink: `/courses/${course.id}`,
  })

  const editForm = (session: ScheduledSession): Form => ({
    action: `/sessions/${session.id}/edit`,
    title: `Change the session of ${session.courseTitle}`,
    backLink: `/sessions/${session.id}`,
    editing: session,
  })

  app.get<{ Params: { id: string } }>(
    '/courses/:id/sessions/new',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const course = await courses.course(contextOf(request), request.params.id)
      return showForm(request, reply, course, newForm(course), {
        format: 'in_person',
        status: course.status === 'published' ? 'open' : 'draft',
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/courses/:id/sessions/new',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const course = await courses.course(contextOf(request), request.params.id)
      return save(request, reply, course, newForm(course))
    },
  )

  app.get<{ Params: { id: string } }>(
    '/sessions/:id',
    { config: { access: planners } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const session = await sessions.session(ctx, request.params.id)
      const isAdmin = ctx.actor.roles.includes('admin')
      const waiting = isAdmin
        ? (await services.booking.belowMinimum(ctx)).find((s) => s.id === session.id)
        : undefined
      return reply.view('sessions/views/session.njk', {
        title: session.courseTitle,
        session,
        belowMinimum: waiting,
        statusNames: sessionStatusNames,
        canChange: ctx.actor.roles.includes('admin') && session.status !== 'cancelled',
        isAdmin,
        backLink: `/courses/${session.courseId}`,
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const session = await sessions.session(ctx, request.params.id)
      if (session.status === 'cancelled') return reply.redirect(`/sessions/${session.id}`, 303)
      // The course and its trainers depend only on the session: read at the same time.
      const [course, approved] = await Promise.all([
        courses.course(ctx, session.courseId),
        trainers.approvedFor(ctx, session.courseId),
      ])
      return showForm(request, reply, course, editForm(session), formValuesOf(session), {}, approved)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const session = await sessions.session(ctx, request.params.id)
      const course = await courses.course(ctx, session.courseId)
      return save(request, reply, course, editForm(session))
    },
  )

  app.post<{ Params: { id: string } }>(
    '/sessions/:id/run-below-minimum',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      await services.booking.runBelowMinimum(contextOf(request), request.params.id)
      return reply.redirect(`/sessions/${request.params.id}`, 303)
    },
  )

  async function cancelPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: Body,
    errors: FieldError[] = [],
  ) {
    const session = await sessions.session(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('sessions/views/cancel.njk', {
      title: `Cancel the session of ${session.courseTitle}`,
      session,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: `/sessions/${session.id}`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/cancel',
    { config: { access: ['admin'] } },
    (request, reply) => cancelPage(request, reply, {}),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/cancel',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const body = request.body ?? {}
      const reason = typeof body.cancellationReason === 'string' ? body.cancellationReason.trim() : ''
      try {
        await sessions.change(contextOf(request), request.params.id, {
          status: 'cancelled',
          cancellationReason: reason || undefined,
        })
        return reply.redirect(`/sessions/${request.params.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return cancelPage(request, reply, body, error.errors)
        if (error instanceof ConflictError)
          return cancelPage(request, reply, body, [{ field: 'cancellationReason', text: error.message }])
        throw error
      }
    },
  )
}
