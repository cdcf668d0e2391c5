import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Role } from '#platform/auth/roles.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { calendarDate, dateFromInput, errorFor, errorSummary, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { approvalPatchSchema } from './forms.ts'

const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const
type Body = Record<string, unknown>
const text = (body: Body, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string).trim() : ''

const approvalPage = z.object({
  email: z
    .string()
    .trim()
    .min(1, { message: 'Enter the trainer’s work email address' })
    .max(320, { message: 'Enter an email address of 320 characters or fewer' }),
  courseId: z.uuid({ message: 'Select the course' }),
  trainedOn: calendarDate('Enter a real date they completed train-the-trainer, like 10 3 2026'),
})

// A date input's errors are shown against its first box.
const onPage = (errors: FieldError[]) =>
  errors.map((e) => (e.field === 'trainedOn' ? { ...e, field: `${e.field}-day` } : e))

/** The pool page's filters: everyone, those due to be observed, those whose CPD is due or lapsed. */
const poolFilters = ['observation', 'cpd'] as const

/**
 * The trainer pool's pages: who may deliver which course, whose CPD is due and who is due to be
 * observed, approving and withdrawal. The CPD questionnaire and each trainer's record are in
 * quality/cpd.
 */
export default async function trainerRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { trainers, courses } = services

  async function newForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    errors: FieldError[] = [],
  ) {
    const shown = onPage(errors)
    const { items } = await courses.list(contextOf(request), { page: 1, pageSize: 500 })
    return reply.status(errors.length ? 400 : 200).view('trainers/views/approve.njk', {
      title: 'Add a trainer to the pool',
      courses: items,
      values,
      errors: errorSummary(shown),
      fieldErrors: errorFor(shown),
      backLink: '/trainers',
    })
  }

  app.get<{ Querystring: Record<string, string> }>(
    '/trainers',
    { config: { access: planners } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const all = await services.trainerCpd.trainers(ctx)
      const filter = poolFilters.find((f) => f === request.query.due) ?? null
      const dueToBeObserved = all.filter((m) => m.observation.due)
      const cpdToChase = all.filter((m) => m.cpd === 'due' || m.cpd === 'lapsed')
      return reply.view('trainers/views/pool.njk', {
        title: 'Trainer pool',
        trainers: filter === 'observation' ? dueToBeObserved : filter === 'cpd' ? cpdToChase : all,
        total: all.length,
        filter,
        dueToBeObserved: dueToBeObserved.length,
        cpdToChase: cpdToChase.length,
        canAdd: ctx.actor.roles.includes('admin'),
        // A trainer reads the pool; only overseers read each trainer's record.
        canSeeRecords: ['admin', 'subgroup', 'executive'].some((r) => ctx.actor.roles.includes(r as Role)),
        columns: 'full',
      })
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/trainers/new',
    { config: { access: ['admin'] } },
    async (request, reply) => newForm(request, reply, { courseId: request.query.courseId ?? '' }),
  )

  app.post<{ Body: Body }>('/trainers/new', { config: { access: ['admin'] } }, async (request, reply) => {
    const ctx = contextOf(request)
    const body = request.body ?? {}
    const form = parseForm(approvalPage, {
      email: text(body, 'email'),
      courseId: text(body, 'courseId'),
      trainedOn: dateFromInput(body, 'trainedOn'),
    })
    if (!form.ok) return newForm(request, reply, body, form.errors)
    const person = await trainers.personByEmail(ctx, form.data.email)
    if (!person)
      return newForm(request, reply, body, [
        { field: 'email', text: 'There is no one in the directory with that email address' },
      ])
    try {
      const approval = await trainers.approve(ctx, {
        personId: person.id,
        courseId: form.data.courseId,
        trainedOn: form.data.trainedOn,
        cpdCompletedOn: null,
      })
      return reply.redirect(`/trainers/${approval.id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError) return newForm(request, reply, body, error.errors)
      if (error instanceof ConflictError)
        return newForm(request, reply, body, [{ field: 'email', text: error.message }])
      throw error
    }
  })

  async function showApproval(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldError[] = [],
  ) {
    const ctx = contextOf(request)
    const approval = await trainers.approval(ctx, request.params.id)
    const shown = onPage(errors)
    return reply.status(errors.length ? 400 : 200).view('trainers/views/approval.njk', {
      title: `${approval.name}: ${approval.courseTitle}`,
      approval,
      today: londonDateOf(services.clock.now()),
      canChange: ctx.actor.roles.includes('admin'),
      values,
      errors: errorSummary(shown),
      fieldErrors: errorFor(shown),
      backLink: '/trainers',
    })
  }

  app.get<{ Params: { id: string } }>('/trainers/:id', { config: { access: planners } }, (request, reply) =>
    showApproval(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/trainers/:id/withdraw',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const body = request.body ?? {}
      const form = parseForm(approvalPatchSchema, { withdrawnReason: text(body, 'withdrawnReason') })
      if (!form.ok) return showApproval(request, reply, body, form.errors)
      try {
        await trainers.change(contextOf(request), request.params.id, form.data)
        return reply.redirect(`/trainers/${request.params.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return showApproval(request, reply, body, error.errors)
        throw error
      }
    },
  )
}
