import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, formText as text } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

type Body = Record<string, unknown>
// Anyone confirmed may complain about training; a registrant sees only their own record.
const complainers = ['admin', 'subgroup', 'executive', 'agency-lead', 'trainer', 'practitioner'] as const

/** Recording a concern about a delegate's conduct, and complaints about training with their responses. */
export default async function concernRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { concerns, register, courses } = services

  async function concernForm(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const sheet = await register.register(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('concerns/views/concern.njk', {
      title: `Record a concern: ${sheet.session.courseTitle}`,
      session: sheet.session,
      delegates: sheet.rows.map((r) => ({
        value: r.personId,
        text: `${r.name}, ${r.agencyName}`,
        selected: values.personId === r.personId,
      })),
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: `/sessions/${sheet.session.id}/register`,
    })
  }

  app.get<{ Params: { id: string } }>(
    '/sessions/:id/concerns/new',
    { config: { access: ['admin', 'trainer'] } },
    (request, reply) => concernForm(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/sessions/:id/concerns/new',
    { config: { access: ['admin', 'trainer'] } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await concerns.raiseConcern(contextOf(request), request.params.id, {
          personId: text(body.personId),
          concern: text(body.concern),
        })
      } catch (error) {
        if (error instanceof ValidationError) return concernForm(request, reply, body, error.errors)
        throw error
      }
      return reply.redirect(`/sessions/${request.params.id}/register`, 303)
    },
  )

  async function complaintForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors: FieldError[] = [],
  ) {
    const { items } = await courses.list(contextOf(request), { status: 'published', page: 1, pageSize: 500 })
    return reply.status(errors.length ? 400 : 200).view('concerns/views/complain.njk', {
      title: 'Make a complaint about training',
      courses: [
        { value: '', text: 'Not about one course' },
        ...items.map((c) => ({ value: c.id, text: c.title, selected: values.courseId === c.id })),
      ],
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
    })
  }

  app.get('/complaints/new', { config: { access: complainers } }, (request, reply) =>
    complaintForm(request, reply, {
      name: request.auth?.user.displayName ?? '',
      email: request.auth?.user.email ?? '',
    }),
  )

  app.post<{ Body: Body }>('/complaints/new', { config: { access: complainers } }, async (request, reply) => {
    const body = request.body ?? {}
    try {
      await concerns.complain(contextOf(request), {
        courseId: text(body.courseId) || null,
        name: text(body.name),
        email: text(body.email),
        details: text(body.details),
      })
    } catch (error) {
      if (error instanceof ValidationError) return complaintForm(request, reply, body, error.errors)
      throw error
    }
    return reply.view('concerns/views/complained.njk', { title: 'We have your complaint' })
  })

  app.get('/complaints', { config: { access: ['admin'] } }, async (request, reply) =>
    reply.view('concerns/views/complaints.njk', {
      title: 'Complaints',
      complaints: await concerns.complaints(contextOf(request)),
    }),
  )

  async function complaintPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const complaint = await concerns.complaint(contextOf(request), request.params.id)
    return reply.status(errors.length ? 400 : 200).view('concerns/views/complaint.njk', {
      title: `Complaint from ${complaint.complainantName}`,
      complaint,
      values,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      backLink: '/complaints',
    })
  }

  app.get<{ Params: { id: string } }>(
    '/complaints/:id',
    { config: { access: ['admin'] } },
    (request, reply) => complaintPage(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/complaints/:id',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const body = request.body ?? {}
      try {
        await concerns.respond(contextOf(request), request.params.id, text(body.response))
      } catch (error) {
        if (error instanceof ValidationError) return complaintPage(request, reply, body, error.errors)
        if (error instanceof ConflictError)
          return complaintPage(request, reply, body, [{ field: 'response', text: error.message }])
        throw error
      }
      return reply.redirect(`/complaints/${request.params.id}`, 303)
    },
  )
}
